"""Which priority a customer's email asks for, from what it says: pure and configurable.

Signals, strongest first: phrases that mean something is broken for the customer right now
("can't log in", "charged twice", "outage", in several languages), strong anger, and customers
marked VIP. The text scanned is what the customer wrote now (quoted history removed), and the
subject. Agents can always override the result; the reason is recorded with it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from caredesk.tickets.models import PRIORITY_RANK, Priority


@dataclass(frozen=True)
class PhraseSignal:
    """Any of `phrases` (matched whole-word, case- and accent-insensitively, apostrophes and
    spacing normalised) raises the priority to `priority`."""

    priority: str
    name: str  # what the reason says, e.g. "cannot log in"
    phrases: tuple[str, ...]


@dataclass(frozen=True)
class PriorityVerdict:
    priority: str
    reasons: tuple[str, ...] = ()

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


DEFAULT_PHRASES: tuple[PhraseSignal, ...] = (
    PhraseSignal(
        Priority.URGENT,
        "outage",
        (
            "outage",
            "is down",
            "site down",
            "service down",
            "not loading at all",
            "nothing works",
            "production down",
            "ausfall",
            "störung",
            "geht gar nichts",
            "panne",
            "ne fonctionne plus du tout",
            "caída del servicio",
            "no funciona nada",
            "障害",
            "サービスが停止",
        ),
    ),
    PhraseSignal(
        Priority.URGENT,
        "charged twice",
        (
            "charged twice",
            "double charged",
            "double charge",
            "charged two times",
            "billed twice",
            "zweimal abgebucht",
            "doppelt abgebucht",
            "doppelt belastet",
            "débité deux fois",
            "prélevé deux fois",
            "cobrado dos veces",
            "cobro duplicado",
            "二重請求",
            "二重に請求",
        ),
    ),
    PhraseSignal(
        Priority.HIGH,
        "cannot log in",
        (
            "can't log in",
            "cannot log in",
            "can not log in",
            "can't login",
            "cannot login",
            "can't sign in",
            "cannot sign in",
            "unable to log in",
            "locked out",
            "kann mich nicht anmelden",
            "kann mich nicht einloggen",
            "login funktioniert nicht",
            "je ne peux pas me connecter",
            "impossible de me connecter",
            "no puedo iniciar sesión",
            "no puedo entrar",
            "ログインできません",
            "ログインできない",
        ),
    ),
    PhraseSignal(
        Priority.HIGH,
        "security",
        (
            "account hacked",
            "been hacked",
            "was hacked",
            "unauthorized",
            "unauthorised",
            "fraud",
            "gehackt",
            "betrug",
            "piraté",
            "fraude",
            "hackeado",
            "不正アクセス",
        ),
    ),
)

# Words of strong anger; two of them (or one with shouting) make an email "high".
DEFAULT_ANGER: tuple[str, ...] = (
    "unacceptable",
    "disgusting",
    "furious",
    "outrageous",
    "ridiculous",
    "worst",
    "scam",
    "lawyer",
    "chargeback",
    "terrible",
    "incompetent",
    "never again",
    "inakzeptabel",
    "unverschämt",
    "frechheit",
    "katastrophe",
    "anwalt",
    "inadmissible",
    "scandaleux",
    "honteux",
    "avocat",
    "inaceptable",
    "vergonzoso",
    "abogado",
    "estafa",
    "ひどい",
    "最悪",
)


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.replace("’", "'").replace("‘", "'").replace("`", "'")
    return " " + re.sub(r"\s+", " ", text) + " "


class _Phrases:
    """Finds phrases in normalised text: whole words where words are separated by spaces;
    phrases in scripts written without spaces (Japanese, Chinese) anywhere. Plain substring
    search first, the word check only on hits: far cheaper than one big regex."""

    def __init__(self, phrases: Iterable[str]) -> None:
        self._phrases = [(_normalise(p).strip(), _unspaced_script(p)) for p in phrases if p.strip()]

    def __bool__(self) -> bool:
        return bool(self._phrases)

    def found(self, text: str) -> list[str]:
        """The phrases that occur in `text` (which `_normalise` made), in configured order."""
        hits = []
        for phrase, anywhere in self._phrases:
            at = text.find(phrase)
            while at != -1:
                end = at + len(phrase)
                if anywhere or not (_wordy(text[at - 1]) or _wordy(text[end : end + 1])):
                    hits.append(phrase)
                    break
                at = text.find(phrase, at + 1)
        return hits


def _wordy(char: str) -> bool:
    return char.isalnum() or char == "_"


def _unspaced_script(phrase: str) -> bool:
    return any(unicodedata.east_asian_width(c) in ("W", "F") for c in phrase)


class PriorityRules:
    """Compiled signals; build once (e.g. at start-up) and reuse for every email."""

    def __init__(
        self,
        phrases: Sequence[PhraseSignal] = DEFAULT_PHRASES,
        anger: Sequence[str] = DEFAULT_ANGER,
        *,
        vip_priority: str = Priority.HIGH,
    ) -> None:
        if vip_priority not in PRIORITY_RANK:
            raise ValueError(f"unknown priority {vip_priority!r}")
        for signal in phrases:
            if signal.priority not in PRIORITY_RANK:
                raise ValueError(f"unknown priority {signal.priority!r} for {signal.name!r}")
        self._phrases = [(s, _Phrases(s.phrases)) for s in phrases]
        self._anger = _Phrases(anger)
        self.vip_priority = vip_priority

    def detect(self, *, subject: str, text: str, vip: bool = False) -> PriorityVerdict:
        """The priority `subject` and `text` (the customer's new words) ask for, with why."""
        scanned = _normalise(f"{subject}\n{text}")
        found: list[tuple[str, str]] = []
        for signal, phrases in self._phrases:
            hits = phrases.found(scanned)
            if hits:
                found.append((signal.priority, f'{signal.name}: "{hits[0]}"'))
        words = set(self._anger.found(scanned))
        if len(words) >= 2 or (words and _shouting(f"{subject}\n{text}")):
            found.append((Priority.HIGH, f"strong anger: {', '.join(sorted(words))}"))
        if vip:
            found.append((self.vip_priority, "VIP customer"))
        if not found:
            return PriorityVerdict(Priority.NORMAL)
        top = max(PRIORITY_RANK[p] for p, _ in found)
        priority = next(p for p, r in PRIORITY_RANK.items() if r == top)
        return PriorityVerdict(
            priority, tuple(reason for p, reason in found if PRIORITY_RANK[p] == top)
        )


def _shouting(text: str) -> bool:
    """Several exclamation marks in a row, or a long stretch in capitals."""
    if "!!" in text or "！！" in text:
        return True
    letters = [c for c in text if c.isalpha() and c.isascii()]
    return len(letters) >= 20 and sum(c.isupper() for c in letters) / len(letters) > 0.6
