"""How upset a customer sounds: a per-language lexicon of anger, disappointment and ultimatums,
shouting and "!!", plus signals that need no language (how many times they wrote without an
answer, how long they have waited, whether they write again after the ticket was closed).

Plain problem words ("error", "broken", "does not work") are deliberately absent: every support
email has them, and counting them is what makes general sentiment tools raise false alarms on
calm reports. Levels and weights: docs/language.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from enum import IntEnum


class Upset(IntEnum):
    CALM = 0
    ANNOYED = 1
    UPSET = 2
    ANGRY = 3


LABELS = {Upset.CALM: "calm", Upset.ANNOYED: "annoyed", Upset.UPSET: "upset", Upset.ANGRY: "angry"}

# (phrase pattern, weight). Weight 2: ultimatums and anger; 1: disappointment and repetition.
# Patterns are regular expressions matched case-insensitively on word boundaries.
LEXICON: dict[str, tuple[tuple[str, int], ...]] = {
    "en": (
        (r"(i will|i'll|i am going to|i'm going to|going to) (cancel|close my account|leave)", 2),
        (r"cancel (my|the) (subscription|account|contract)", 2),
        (r"(want|demand) (a|my) (full )?refund", 2),
        (r"(lawyer|legal action|sue you|small claims|chargeback|consumer protection)", 2),
        (r"(unacceptable|ridiculous|outrageous|disgraceful|pathetic|useless|joke)", 2),
        (r"(worst|terrible|horrible|awful) (service|support|company|experience)", 2),
        (r"(fed up|sick of|sick and tired|had enough|fuming|furious|livid|angry)", 2),
        (r"(wtf|damn|crap|bloody)", 2),
        (r"(third|3rd|fourth|4th|fifth|5th|umpteenth) time", 2),
        (r"(still|again) (not|no|nothing|haven't|hasn't|have not|has not|waiting)", 1),
        (r"(no one|nobody|no-one) (has )?(answered|replied|responded|got back|cares)", 2),
        (r"(disappointed|frustrated|frustrating|annoyed|annoying|upset)", 1),
        (r"(how many times|how long do i have to|every time i|yet again|once again)", 1),
        (r"(as i (already )?(said|told you|explained)|i already (told|explained|said))", 1),
        (r"(waste of (my )?(time|money)|wasted (my|hours|days))", 2),
        (r"(never again|never buying|last time i)", 2),
    ),
    "de": (
        (r"(ich werde|ich will) (kündigen|stornieren|den vertrag kündigen)", 2),
        (r"(kündige|storniere) (ich|den vertrag|mein abo)", 2),
        (r"(anwalt|rechtliche schritte|verbraucherzentrale|rückbuchung)", 2),
        (r"(unverschämt|unverschämtheit|inakzeptabel|lächerlich|frechheit|skandal|zumutung)", 2),
        (r"(schlechteste[rn]?|miserable[rn]?|katastrophal\w*)", 2),
        (r"(die nase voll|reicht mir|stinksauer|wütend|verärgert|sauer)", 2),
        (r"(dritte[ns]?|vierte[ns]?|x-te[ns]?) (mal|male)", 2),
        (r"(zum dritten|zum vierten|zum x-ten) mal", 2),
        (r"(immer noch|noch immer|schon wieder) (nicht|kein|keine|nichts)", 1),
        (r"(niemand|keiner) (hat )?(geantwortet|antwortet|meldet sich|reagiert)", 2),
        (r"(enttäuscht|enttäuschend|frustriert|frustrierend|genervt|ärgerlich)", 1),
        (r"(wie oft (noch|muss)|jedes mal|wie lange (noch|soll))", 1),
        (r"(zeitverschwendung|geldverschwendung)", 2),
        (r"(nie wieder)", 2),
    ),
    "fr": (
        (r"(je vais|je veux) (résilier|annuler|partir|porter plainte)", 2),
        (r"(résilier|annuler) (mon|mes|le) (abonnement|contrat|compte)", 2),
        (r"(avocat|action en justice|plainte|litige|rétrofacturation)", 2),
        (r"(inadmissible|inacceptable|scandaleux|ridicule|honteux|lamentable|nul)", 2),
        (r"(pire|déplorable|catastrophique) (service|support|expérience)?", 2),
        (r"(j'en ai marre|ras le bol|ras-le-bol|furieux|furieuse|en colère|énervée?)", 2),
        (r"(troisième|quatrième|énième) fois", 2),
        (r"(toujours|encore) (pas|rien|aucune?)", 1),
        (r"(personne ne|aucune réponse|sans réponse|pas de réponse)", 2),
        (r"(déçue?|décevant|frustrée?|frustrant|agacée?|agaçant)", 1),
        (r"(combien de fois|à chaque fois|encore une fois)", 1),
        (r"(perte de temps)", 2),
        (r"(plus jamais)", 2),
    ),
    "es": (
        (r"(voy a|quiero) (cancelar|darme de baja|irme|denunciar)", 2),
        (r"(cancelar|anular) (mi|la|el) (suscripción|cuenta|contrato)", 2),
        (r"(abogado|demanda|denuncia|reclamación formal|consumo)", 2),
        (r"(inaceptable|inadmisible|ridículo|vergüenza|vergonzoso|indignante|pésimo)", 2),
        (r"(peor) (servicio|atención|experiencia|empresa)", 2),
        (r"(estoy harto|estoy harta|harto|harta|furioso|furiosa|enfadad[oa]|indignad[oa])", 2),
        (r"(tercera|cuarta|enésima) vez", 2),
        (r"(todavía|sigo sin|sigue sin) (no|nada|ninguna?|recibir|respuesta)", 1),
        (r"(nadie (me )?(responde|contesta|ha respondido|ha contestado)|sin respuesta)", 2),
        (r"(decepcionad[oa]|decepcionante|frustrad[oa]|frustrante|molest[oa])", 1),
        (r"(cuántas veces|cada vez que|otra vez)", 1),
        (r"(pérdida de tiempo)", 2),
        (r"(nunca más)", 2),
    ),
}
_COMPILED = {
    language: tuple(
        (re.compile(rf"(?<!\w){pattern}(?!\w)", re.IGNORECASE), weight)
        for pattern, weight in entries
    )
    for language, entries in LEXICON.items()
}
_WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)
_BANGS = re.compile(r"[!?]*![!?]*!")
READ_CHARS = 3000

# Language-free signals.
UNANSWERED_NOTICED = 2  # the customer's second message in a row without a reply
UNANSWERED_MANY = 3
WAITED_NOTICED = timedelta(days=1)
WAITED_LONG = timedelta(days=3)


@dataclass(frozen=True)
class Signals:
    """What the conversation says, whatever the language."""

    unanswered: int = 1  # the customer's messages in a row without a reply, this one included
    waited: timedelta = timedelta(0)  # since the first of those messages
    reopened: bool = False  # they write again on a ticket that was closed or solved


@dataclass(frozen=True)
class Assessment:
    level: Upset
    reasons: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return LABELS[self.level]


def upset_assess(text: str, *, language: str, signals: Signals | None = None) -> Assessment:
    """How upset the author of `text` (a customer's new text, quotes removed) sounds, with the
    reasons. `language` picks the lexicon; English phrases count in every language, and an
    unknown language is read with every lexicon."""
    sample = text[:READ_CHARS]
    score = 0
    reasons: list[str] = []
    if language in _COMPILED:
        languages = [language] if language == "en" else [language, "en"]
    else:
        languages = list(_COMPILED)
    found: list[tuple[int, int, int]] = []  # start, end, weight
    for code in languages:
        for pattern, weight in _COMPILED[code]:
            match = pattern.search(sample)
            if match is not None:
                found.append((match.start(), match.end(), weight))
    # Overlapping phrases ("I will cancel" and "cancel my subscription") are one reason, with
    # the weight of the strongest.
    taken: list[tuple[int, int, int]] = []
    for start, end, weight in sorted(found):
        if taken and start < taken[-1][1]:
            last = taken[-1]
            taken[-1] = (last[0], max(last[1], end), max(last[2], weight))
        else:
            taken.append((start, end, weight))
    for start, end, weight in taken:
        reasons.append(f"'{' '.join(sample[start:end].split()).lower()}'")
        score += weight
    if _shouting(sample):
        reasons.append("shouting")
        score += 2
    if _BANGS.search(sample):
        reasons.append("'!!'")
        score += 1
    signals = signals or Signals()
    if signals.unanswered >= UNANSWERED_NOTICED:
        reasons.append(f"{_ordinal(signals.unanswered)} message without a reply")
        score += 2 if signals.unanswered >= UNANSWERED_MANY else 1
    if signals.waited >= WAITED_NOTICED:
        reasons.append(f"waited {_duration(signals.waited)}")
        score += 2 if signals.waited >= WAITED_LONG else 1
    if signals.reopened:
        reasons.append("wrote again after it was closed")
        score += 1
    return Assessment(_level(score), reasons)


def _level(score: int) -> Upset:
    if score <= 0:
        return Upset.CALM
    if score == 1:
        return Upset.ANNOYED
    if score <= 3:
        return Upset.UPSET
    return Upset.ANGRY


def _shouting(text: str) -> bool:
    """Mostly capital letters, over enough words that an acronym or two does not count."""
    words = [
        w for w in _WORD.findall(text) if any(c.isalpha() and c.lower() != c.upper() for c in w)
    ]
    if len(words) < 4:
        return False
    capitals = [w for w in words if w.isupper() and len(w) > 1]
    return len(capitals) >= 3 and len(capitals) / len(words) >= 0.6


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _duration(waited: timedelta) -> str:
    days = waited.days
    if days >= 1:
        return f"{days} day{'s' if days != 1 else ''}"
    hours = int(waited.total_seconds() // 3600)
    return f"{hours} hour{'s' if hours != 1 else ''}"
