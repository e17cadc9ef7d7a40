"""Tokenisation for BM25: jieba with a domain dictionary, stop words, English kept and lower-cased."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from functools import cache, cached_property
from pathlib import Path

import jieba

jieba.setLogLevel(logging.WARNING)

DATA = Path(__file__).parent / "data"
_WORD_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+_-]*|[\u4e00-\u9fff]+")
_CJK_RE = re.compile(r"[\u4e00-\u9fff]")
JIEBA_DICTIONARY = Path(jieba.__file__).parent / "dict.txt"
ADDED_FREQ = 2000  # the frequency domain terms are added to jieba with


def read_word_list(path: Path) -> list[str]:
    """Non-empty, non-comment lines of a word list."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [w.strip() for w in lines if w.strip() and not w.startswith("#")]


def has_chinese(text: str) -> bool:
    return bool(_CJK_RE.search(text))


@cache
def main_dictionary() -> tuple[dict[str, int], int]:
    """jieba's main dictionary as word -> frequency, and the frequencies' sum (jieba's `total`).

    Read once per process (about 50 MB) by the process that builds indexes: looking the words of
    a changed file up in it takes milliseconds, where loading jieba's own dictionary (every word
    and every prefix) takes over a second each build.
    """
    words: dict[str, int] = {}
    total = 0
    with open(JIEBA_DICTIONARY, encoding="utf-8") as lines:
        for line in lines:
            word, freq = line.split(" ", 2)[:2]
            words[word] = int(freq)
            total += int(freq)
    return words, total


class Tokenizer:
    """jieba search-mode tokenizer that knows the library's own terms.

    `dictionary` and `total` name a reduced jieba dictionary (see `vocabulary`): it loads in
    milliseconds instead of the full dictionary's second, and segments library text identically.
    """

    def __init__(self, domain_terms: Iterable[str] = (), dictionary: Path | None = None,
                 total: float | None = None) -> None:
        self.domain_terms = sorted({t.strip() for t in domain_terms if len(t.strip()) > 1})
        self.stopwords = frozenset(read_word_list(DATA / "stopwords.txt"))
        self.dictionary = dictionary
        self.total = total

    @cached_property
    def _jieba(self) -> jieba.Tokenizer:
        tk = jieba.Tokenizer(str(self.dictionary)) if self.dictionary else jieba.Tokenizer()
        tk.initialize()
        for term in self.added_terms():
            tk.add_word(term, freq=ADDED_FREQ)
        if self.total is not None:
            # Word probabilities are freq/total: keep the full dictionary's total so the
            # reduced dictionary scores every segmentation exactly as the full one does.
            tk.total = self.total
        return tk

    def added_terms(self) -> list[str]:
        """Words added to jieba's dictionary: the domain word list and the library's own terms."""
        return read_word_list(DATA / "terms.txt") + self.domain_terms

    def vocabulary(self, texts: Iterable[str], longest: int = 12) -> tuple[list[tuple[str, int]], float]:
        """Dictionary words that occur in `texts`, with frequencies, and the dictionary's total
        (what jieba's are once the added terms are in: each `add_word` adds its frequency).

        Segmenting a sentence only ever looks up its own substrings, so these words segment
        the texts exactly as the whole dictionary does.
        """
        base, base_total = main_dictionary()
        added = self.added_terms()
        extra = dict.fromkeys(added, ADDED_FREQ)
        found: dict[str, int] = {}
        for text in texts:
            for run in re.findall(r"[\u4e00-\u9fffA-Za-z0-9]+", text):
                for start in range(len(run)):
                    for end in range(start + 1, min(len(run), start + longest) + 1):
                        word = run[start:end]
                        freq = extra.get(word) or base.get(word)
                        if freq:
                            found[word] = freq
        return sorted(found.items()), float(base_total + ADDED_FREQ * len(added))

    def tokens(self, text: str) -> list[str]:
        """Search-mode tokens: words and their in-dictionary parts, minus stop words and punctuation."""
        out = []
        for piece in _WORD_RE.findall(text):
            if has_chinese(piece):
                words = self._jieba.cut_for_search(piece, HMM=True)
            else:
                words = [piece.lower().strip(".-_")]
            out.extend(w for w in words if w and w not in self.stopwords and not w.isspace())
        return out

    def __call__(self, text: str) -> list[str]:
        return self.tokens(text)


def domain_terms(items: Iterable) -> list[str]:
    """Terms the library itself names in front matter: products, situations, theory titles."""
    terms: set[str] = set()
    for item in items:
        terms.update(item.products)
        terms.update(item.situations)
        if item.type == "theory":
            terms.update(re.split(r"[（(：:，,、\s]+", item.title))
    return sorted(t for t in terms if 1 < len(t) <= 12 and has_chinese(t))
