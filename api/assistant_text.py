"""What an assistant is told about the library, the same over every assistant face (the MCP tools,
the Dify tool document): what the library holds, in numbers computed from it, and how to read
`relevance`."""

from __future__ import annotations

from collections import Counter

from casebook.loader import Library


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

