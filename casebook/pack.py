"""Session packs: a trainer's chosen items with notes, read from a pack file and resolved against the library.

A pack file is JSON: `{"title", "audience", "date", "items": [{"id", "note"}]}`, items in order. The
pages keep it in the browser's localStorage and post it for export; `casebook pack PACK.json` reads it
from disk. Item content always comes from the library, verbatim, never from what the file says.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError, field_validator

from casebook.catalog import Links, discussion_prompts, links
from casebook.errors import BadQuery
from casebook.loader import Library
from casebook.model import Item

MAX_ITEMS = 60
TYPE_NAMES = {"case": "案例 case", "theory": "理论 theory", "script": "话术 script"}


class PackInvalid(BadQuery):
    """A pack file or posted pack that cannot be read, or names an item the library does not have."""


class PackEntry(BaseModel):
    """One chosen item and the trainer's note on it (`notes`, the pages' older spelling, is read too)."""

    model_config = ConfigDict(extra="ignore")

    id: str = Field(min_length=1, max_length=80)
    note: str = Field(default="", max_length=4000, validation_alias=AliasChoices("note", "notes"))


class PackFile(BaseModel):
    """A pack as the pages save it and `casebook pack` reads it."""

    model_config = ConfigDict(extra="ignore")

    title: str = Field(default="", max_length=200)
    audience: str = Field(default="", max_length=200)
    date: dt.date | None = None
    items: list[PackEntry] = Field(max_length=MAX_ITEMS)

    @field_validator("date", mode="before")
    @classmethod
    def _blank_date_is_none(cls, value: object) -> object:
        return None if value == "" else value


@dataclass
class PackItem:
    item: Item
    note: str
    prompts: list[str]
    links: Links = field(default_factory=Links)


@dataclass
class Pack:
    """A pack resolved against the library, ready to export."""

    title: str
    items: list[PackItem]
    audience: str = ""
    missing: list[str] = field(default_factory=list)
    day: dt.date = field(default_factory=dt.date.today)


def _field_path(loc: tuple) -> str:
    """`('items', 2, 'id')` -> `items[2].id`, the way the field is reached in the JSON."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "the pack"


def parse_pack(raw: str, where: str = "the session pack") -> PackFile:
    """Read a pack from JSON text; a malformed one is a PackInvalid naming where and which field."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise PackInvalid(f"{where}:{exc.lineno}:{exc.colno}: not JSON ({exc.msg})") from None
    if not isinstance(data, dict):
        raise PackInvalid(f"{where}: a pack is a JSON object with \"title\" and \"items\", "
                          f"not a {type(data).__name__}")
    try:
        return PackFile.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{_field_path(e['loc'])}: {e['msg']}" for e in exc.errors()[:5])
        raise PackInvalid(f"{where}: {problems}") from None


def read_pack_file(path: Path) -> tuple[PackFile, str]:
    """A pack file from disk, and its text (to point at the line of an unknown id later)."""
    try:
        raw = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise PackInvalid(f"{path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise PackInvalid(f"{path}: not UTF-8 text (byte {exc.start}); save the pack file as UTF-8") from None
    except OSError as exc:
        raise PackInvalid(f"{path}: cannot be read ({exc.strerror})") from None
    return parse_pack(raw, str(path)), raw


def _line_of(raw: str, item_id: str) -> str:
    """`:N` for the line where the id is written in the file's text, '' when it cannot be found."""
    at = raw.find(json.dumps(item_id))
    return f":{raw.count(chr(10), 0, at) + 1}" if at >= 0 else ""


def resolve(request: PackFile, library: Library, strict: bool = False, where: str = "the session pack",
            raw: str = "") -> Pack:
    """Look every entry up in the library.

    Ids the library does not have are listed as missing, or with `strict` (pack files, slides and
    handouts: a gap there goes unnoticed until the session) a PackInvalid naming each one.
    """
    items, missing = [], []
    for at, entry in enumerate(request.items):
        item = library.get(entry.id)
        if item is None:
            missing.append((at, entry.id))
        else:
            items.append(PackItem(item=item, note=entry.note.strip(), links=links(item, library),
                                  prompts=discussion_prompts(item) if item.type == "case" else []))
    if strict and missing:
        unknown = "; ".join(f"{where}{_line_of(raw, item_id)}: items[{at}].id: no item {item_id!r} in the library"
                            for at, item_id in missing)
        raise PackInvalid(f"{unknown} (remove it from the pack; `casebook list` shows the ids)")
    return Pack(title=request.title.strip() or "培训讨论包 Session pack", items=items,
                missing=[item_id for _, item_id in missing],
                audience=request.audience.strip(), day=request.date or dt.date.today())


def pack_file_text(request: PackFile) -> str:
    """The pack as a pack file (JSON, one item a line), to save and open again."""
    head = {"title": request.title, "audience": request.audience,
            "date": request.date.isoformat() if request.date else ""}
    items = ",\n".join("    " + json.dumps({"id": e.id, "note": e.note}, ensure_ascii=False) for e in request.items)
    fields = ",\n".join(f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in head.items())
    return "{\n" + fields + ',\n  "items": [\n' + items + ("\n" if items else "") + "  ]\n}\n"


def source_line(item: Item) -> str:
    src = item.source
    return f"{src.title} · {src.section}（{src.document}）"


# Characters no file name may hold on Windows, macOS or Linux, and control characters.
_UNSAFE_IN_NAME = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')
MAX_TITLE_IN_NAME = 60


def filename(pack: Pack, extension: str = "md") -> str:
    """The file a pack exports to, named after its title and date (`老客户维系专题培训 2025-03-01.docx`):
    the title as the trainer wrote it, less what file systems forbid; `casebook-pack` without one."""
    title = " ".join(_UNSAFE_IN_NAME.sub(" ", pack.title).split())[:MAX_TITLE_IN_NAME].strip(" .")
    return f"{title or 'casebook-pack'} {pack.day.isoformat()}.{extension}"


def ascii_filename(pack: Pack, extension: str = "md") -> str:
    """The same name in ASCII, for a client that cannot take a Chinese one: the title's Latin words
    (`casebook-pack-retention-workshop-2025-03-01.md`), or only `casebook-pack` and the date."""
    slug = re.sub(r"[^a-z0-9]+", "-", pack.title.lower()).strip("-")[:40].strip("-")
    return f"casebook-pack-{slug + '-' if slug else ''}{pack.day.isoformat()}.{extension}"
