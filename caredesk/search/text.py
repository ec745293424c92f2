"""How the search syntax reads characters: folding for comparison, the forms typed text is
normalised to, punctuation and quote marks. Pure."""

from __future__ import annotations

import unicodedata

# Any of these opens a phrase and any closes it: "…", “…”, „…“, «…», »…«, ”…” (Swedish).
QUOTES = frozenset('"“”„«»')
# Kept at the edges of a token: a reference's "#", a prefix's "*", an address part's "@".
KEPT_AT_EDGES = frozenset("#*@")


def fold(text: str) -> str:
    """`text` for comparing: case folded, accents removed from Latin, Greek and Cyrillic
    letters ("Émilie" -> "emilie", "Straße" -> "strasse"). Marks on other scripts stay: the
    voicing mark of Japanese kana is a different letter, not an accent ("が" is not "か")."""
    kept: list[str] = []
    base = ""
    for char in unicodedata.normalize("NFD", text):
        if unicodedata.category(char) == "Mn" and base and base < "\u0530":
            continue
        if unicodedata.category(char) != "Mn":
            base = char
        kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept).casefold())


def normalised(text: str) -> str:
    """NFKC (full-width letters and digits as their plain forms), with control characters,
    NUL and lone surrogates read as spaces."""
    text = "".join(" " if unicodedata.category(c) in ("Cc", "Cs") else c for c in text)
    return unicodedata.normalize("NFKC", text)


def is_punctuation(char: str) -> bool:
    return unicodedata.category(char).startswith("P")


def strip_leading(text: str, keep: frozenset[str] = frozenset()) -> str:
    start = 0
    while start < len(text) and is_punctuation(text[start]) and text[start] not in keep:
        start += 1
    return text[start:]


def strip_trailing(text: str, keep: frozenset[str] = frozenset()) -> str:
    end = len(text)
    while end > 0 and is_punctuation(text[end - 1]) and text[end - 1] not in keep:
        end -= 1
    return text[:end]


def strip_edges(text: str, keep: frozenset[str] = frozenset()) -> str:
    """`text` without the punctuation around it ("(refund)," -> "refund"), except `keep`."""
    return strip_trailing(strip_leading(text, keep), keep)
