"""What an assistant is told about the library, the same over every assistant face (the MCP tools,
the Dify tool document): what the library holds, in numbers computed from it, how to read
`relevance`, and the shape of one item in full."""

from __future__ import annotations

from collections import Counter
from typing import Any

from pydantic import BaseModel, Field

from casebook.loader import Library
from casebook.model import FrontMatter, Item, ItemType


def library_description(library: Library | None) -> str:
    """What the library holds, in numbers computed from it, for the tool descriptions (in words
    alone when the library could not be read when the server was made)."""
    counts = Counter(item.type for item in library.items) if library is not None else Counter()
    if not counts:
        return ("casebook is a curated library of real telecom marketing material from Chinese operators: "
                "cases (stories and campaign plans with commentary), theories (marketing concepts and "
                "methods) and scripts (words to use with customers), Chinese bodies quoted verbatim with "
                "Chinese and English titles and summaries; queries work in Chinese or English.")
    return (f"casebook is a curated library of real telecom marketing material from Chinese operators: "
            f"{counts['case']} cases (concrete stories and campaign plans with commentary), "
            f"{counts['theory']} theories (marketing concepts, principles, models, methods) and "
            f"{counts['script']} scripts (words to use with customers). Bodies are Chinese, quoted "
            f"verbatim from the sources; every item has Chinese and English titles and summaries, and "
            f"queries work in Chinese or English.")


RELEVANCE_NOTE = ("Each result carries `relevance`, a calibrated probability in [0, 1] that it is relevant "
                  "(comparable across queries; trust items above about 0.5), and the answer carries "
                  "`low_confidence`: true means nothing in the library fits, so say so rather than quote it.")


class ItemForAssistant(BaseModel):
    """One item as an assistant reads it: annotations, the Markdown body and its links (each face
    adds where the item is found: the MCP resource, the page to show the user)."""

    id: str
    type: ItemType
    annotations: FrontMatter = Field(description=(
        "Front matter: titles and summaries (zh, en), source document and section, situations, "
        "segments, channels, products, outcome, tags, and the ids of linked theories and scripts."))
    markdown: str = Field(description="The body, source wording verbatim (Chinese); editor notes marked 编者按.")
    backlinks: list[str] = Field(description="Ids of the items that link this one (cases illustrating a theory).")

    @classmethod
    def of(cls, item: Item, library: Library, **where: Any) -> ItemForAssistant:
        """The item read from the library; `where` fills the fields a face adds."""
        return cls(id=item.id, type=item.type, markdown=item.body,
                   annotations=FrontMatter.model_validate(item.model_dump(exclude={"body", "path"})),
                   backlinks=[i.id for i in library.linking_to(item.id)], **where)
