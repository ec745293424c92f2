"""Splitting a draft into sentences and words, and counting syllables, per language."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
# A sentence ends at . ! ? (and runs of them) before a space or the end, or at a line break.
_SENTENCE_END = re.compile(r"[.!?…]+(?=\s|$)|\n+")


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    text: str


def sentences(text: str) -> list[Sentence]:
    found: list[Sentence] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        _add(found, text, start, match.end())
        start = match.end()
    _add(found, text, start, len(text))
    return found


def _add(found: list[Sentence], text: str, start: int, end: int) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if not WORD.search(stripped):
        return
    lead = len(piece) - len(piece.lstrip())
    begin = start + lead
    found.append(Sentence(begin, begin + len(stripped), stripped))


def words(text: str) -> list[str]:
    return WORD.findall(text)


_VOWELS = {
    "en": "aeiouy",
    "de": "aeiouyäöü",
    "fr": "aeiouyàâéèêëîïôûùüÿœæ",
    "es": "aeiouáéíóúü",
}
_GROUPS = {lang: re.compile(f"[{v}]+") for lang, v in _VOWELS.items()}
_ES_STRONG = set("aeoáéíóú")


def syllables(word: str, language: str) -> int:
    """An estimate good enough for a readability formula: vowel groups, with the commonest
    silent endings of each language taken off."""
    w = word.lower().replace("’", "'")
    groups = _GROUPS.get(language, _GROUPS["en"]).findall(w)
    count = len(groups)
    if language == "en":
        silent_e = len(w) > 2 and w.endswith("e") and not w.endswith(("le", "ee", "ye"))
        silent_ed = w.endswith(("ed", "es")) and len(w) > 3 and w[-3] not in "aeiouytdszcgx"
        if silent_e or silent_ed:
            count -= 1
    elif language == "fr":
        if len(w) > 2 and w.endswith(("e", "es", "ent")) and count > 1:
            count -= 1
    elif language == "es":
        # Two strong vowels side by side are two syllables (hiatus: "le-e", "a-é-re-o").
        for group in groups:
            count += sum(
                1 for a, b in itertools.pairwise(group) if a in _ES_STRONG and b in _ES_STRONG
            )
    return max(1, count)
