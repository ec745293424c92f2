"""What a customer says they have already tried ("I already reinstalled the app"), in their own
words, so the agent does not ask for it again (pure).

A sentence counts when it says the writer did something already or tried it: "already",
"I tried", "I've restarted", in the languages the reply assistant checks. Words that only
sometimes mean it are asked for with a verb nearby (Spanish "ya" also means "any more", German
"schon" also "really"), so "ya no funciona" or "das ist schon ärgerlich" are not taken for steps
tried.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_SENTENCE = 240

_PATTERNS = [
    re.compile(p, re.IGNORECASE)
    for p in (
        # English
        r"\balready\b(?!\s+(?:been\s+)?(?:charged|paid|billed)\b)",
        r"\b(?:i|we)(?:\s+have|'ve|\s+had|'d)?\s+(?:also\s+)?(?:tried|attempted)\b",
        r"\b(?:i|we)(?:\s+have|'ve)?\s+(?:re-?installed|restarted|rebooted|cleared|reset|"
        r"updated|logged out|signed out|uninstalled|disabled|checked)\b",
        r"\bnone of (?:it|that|this) (?:worked|helped)\b",
        r"\bdidn'?t (?:work|help)\b",
        # German
        r"\b(?:habe|haben|hab)\b[^.!?\n]{0,60}\b(?:schon|bereits)\b",
        r"\b(?:schon|bereits)\b[^.!?\n]{0,60}\b(?:versucht|probiert|gemacht|installiert|"
        r"gestartet|gelöscht|geleert|zurückgesetzt|geprüft)\b",
        r"\b(?:versucht|probiert)\b",
        # French
        r"\bdéjà\b",
        r"\bj'ai (?:aussi |également )?(?:essayé|tenté|réinstallé|redémarré|vidé|supprimé)\b",
        # Spanish
        r"\bya\s+(?:he|hemos|lo|la|los|las|intenté|probé|hice|reinstal\w+|reinici\w+|borr\w+|"
        r"limpi\w+|actualic\w+|revis\w+)\b",
        r"\b(?:he|hemos)\s+(?:intentado|probado|reinstalado|reiniciado|borrado)\b",
        r"\b(?:intenté|probé)\b",
    )
]
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")


@dataclass(frozen=True, slots=True)
class Tried:
    """One sentence of the customer's saying they did something already."""

    sentence: str


def tried_sentences(text: str) -> list[Tried]:
    """The sentences of `text` (a customer's new text, quotes removed) that say what they have
    already tried, in order, each once, cut to MAX_SENTENCE characters."""
    found: list[Tried] = []
    seen: set[str] = set()
    for match in _SENTENCE.finditer(text):
        sentence = " ".join(match.group(0).split())
        if len(sentence) < 8 or sentence.lower() in seen:
            continue
        if any(p.search(sentence) for p in _PATTERNS):
            seen.add(sentence.lower())
            if len(sentence) > MAX_SENTENCE:
                sentence = sentence[:MAX_SENTENCE].rsplit(" ", 1)[0] + "…"
            found.append(Tried(sentence))
    return found
