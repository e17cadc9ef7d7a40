"""A session pack exported as a file: PowerPoint slides, a Word handout or Markdown.

`export_pack(pack, "pptx")` is the one call the CLI and the pages make; each format lives in its own
module and is imported only when asked for (python-pptx and python-docx are not light).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

from casebook.errors import BadQuery
from casebook.loader import Library
from casebook.pack import Pack, filename, read_pack_file, resolve


@dataclass(frozen=True)
class Format:
    module: str
    function: str
    media_type: str


FORMATS: dict[str, Format] = {
    "pptx": Format("casebook.export.pptx", "pack_pptx",
                   "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    "docx": Format("casebook.export.docx", "pack_docx",
                   "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "md": Format("casebook.export.markdown", "pack_markdown", "text/markdown; charset=utf-8"),
}


def format_of(path: Path) -> str:
    """The format a file name asks for (its extension); BadQuery for one casebook cannot write."""
    name = path.suffix.lower().lstrip(".")
    if name not in FORMATS:
        raise BadQuery(f"{path}: cannot write .{name or '(no extension)'} files; "
                       f"name the output .{', .'.join(FORMATS)}")
    return name


def target_format(to: Path, fmt: str | None) -> str:
    """The format of an export to `to`: `fmt` when given (it must agree with a file name's extension),
    else the extension; a folder needs `fmt`, since its file is named after the pack."""
    if fmt is None:
        if to.is_dir():
            raise BadQuery(f"{to} is a folder: say which file to write there with --format "
                           f"{' or '.join(FORMATS)} (it is named after the pack's title and date)")
        return format_of(to)
    if fmt not in FORMATS:
        raise BadQuery(f"cannot write {fmt!r} files; use --format {' or '.join(FORMATS)}")
    if not to.is_dir() and to.suffix and format_of(to) != fmt:
        raise BadQuery(f"{to} ends in {to.suffix}, not .{fmt}; name the file .{fmt} or drop --format")
    return fmt


def target_path(to: Path, pack: Pack, fmt: str) -> Path:
    """The file an export writes: `to` itself, or in a folder `to` the file named after the pack's
    title and date (as the pages name the download)."""
    return to / filename(pack, fmt) if to.is_dir() else to


def export_pack(pack: Pack, fmt: str) -> bytes:
    """The pack as the bytes of a `fmt` file (`pptx`, `docx` or `md`)."""
    spec = FORMATS[fmt]
    made = getattr(import_module(spec.module), spec.function)(pack)
    return made.encode("utf-8") if isinstance(made, str) else made


def export_file(pack_path: Path, library: Library, fmt: str) -> tuple[Pack, bytes]:
    """A pack file read, checked against the library (an unknown id is an error) and exported."""
    request, raw = read_pack_file(pack_path)
    pack = resolve(request, library, strict=True, where=str(pack_path), raw=raw)
    return pack, export_pack(pack, fmt)
