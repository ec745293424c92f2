"""The draft checks: readability, jargon, blame, empathy, personal, clarity."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from caredesk.assistant import lexicon as lx
from caredesk.assistant.text import Sentence, sentences, syllables, words

FindingType = Literal["readability", "jargon", "blame", "empathy", "personal", "clarity"]
FINDING_TYPES: tuple[FindingType, ...] = (
    "readability",
    "jargon",
    "blame",
    "empathy",
    "personal",
    "clarity",
)
LANGUAGES = ("en", "de", "fr", "es")
LONG_SENTENCE_WORDS = 30
# Under this a draft is hard going: "fairly difficult" or worse on the Flesch-type scales; for
# Spanish, Szigriszt-Pazos reads lower, and 40 is where INFLESZ starts "muy difícil".
HARD_BELOW = {"en": 50.0, "de": 50.0, "fr": 50.0, "es": 40.0}
MIN_WORDS_FOR_GRADE = 20  # a formula over fewer words says more about chance than the text
STEPS_FOR_NUMBERING = 3

FORMULAS = {
    "en": "Flesch reading ease",
    "de": "Amstad (Flesch for German)",
    "fr": "Kandel-Moles (Flesch for French)",
    "es": "Szigriszt-Pazos (Flesch for Spanish)",
}


@dataclass(frozen=True, slots=True)
class Finding:
    type: FindingType
    start: int  # the span in the draft the finding is about: text[start:end]
    end: int
    why: str
    fix: str


@dataclass(frozen=True, slots=True)
class Readability:
    formula: str
    score: float | None  # None when the draft is too short to grade
    label: str
    words: int
    sentences: int


@dataclass(frozen=True, slots=True)
class DraftReport:
    language: str
    readability: Readability
    findings: tuple[Finding, ...]


def draft_check(
    *,
    text: str,
    language: str = "en",
    customer_text: str = "",
    customer_name: str = "",
    upset: bool = False,
    glossary: Mapping[str, str] | None = None,
) -> DraftReport:
    """Everything the assistant has to say about `text`, a reply to `customer_text`.

    `language` is one of LANGUAGES (anything else is checked as English); `customer_name` the
    name to address them by (the first name); `upset` whether their message reads as upset;
    `glossary` the desk's own terms and the plain words for them."""
    lang = language if language in LANGUAGES else "en"
    split = sentences(text)
    grade = readability_grade(split, lang)
    findings: list[Finding] = []
    findings += _readability(text, split, lang, grade)
    findings += _jargon(text, glossary or {})
    findings += _blame(text, lang)
    findings += _empathy(text, split, lang, upset)
    findings += _personal(text, split, lang, customer_text, customer_name)
    findings += _clarity(text, split, lang)
    findings.sort(key=lambda f: (f.start, FINDING_TYPES.index(f.type)))
    return DraftReport(language=lang, readability=grade, findings=tuple(findings))


def readability_grade(split: list[Sentence], language: str) -> Readability:
    all_words = [w for s in split for w in words(s.text)]
    n_words, n_sentences = len(all_words), max(1, len(split))
    formula = FORMULAS[language]
    if n_words < MIN_WORDS_FOR_GRADE:
        return Readability(formula, None, "too short to grade", n_words, len(split))
    asl = n_words / n_sentences
    asw = sum(syllables(w, language) for w in all_words) / n_words
    if language == "de":
        score = 180 - asl - 58.5 * asw
    elif language == "fr":
        score = 207 - 1.015 * asl - 73.6 * asw
    elif language == "es":
        score = 206.835 - 62.3 * asw - asl
    else:
        score = 206.835 - 1.015 * asl - 84.6 * asw
    score = round(max(0.0, min(100.0, score)), 1)
    return Readability(formula, score, _label(score), n_words, len(split))


def _label(score: float) -> str:
    for floor, label in (
        (90, "very easy"),
        (80, "easy"),
        (70, "fairly easy"),
        (60, "plain"),
        (50, "fairly difficult"),
        (30, "difficult"),
    ):
        if score >= floor:
            return label
    return "very difficult"


def _readability(text: str, split: list[Sentence], lang: str, grade: Readability) -> list[Finding]:
    found: list[Finding] = []
    if grade.score is not None and grade.score < HARD_BELOW[lang]:
        found.append(
            Finding(
                "readability",
                0,
                len(text.rstrip()),
                f"{grade.formula} is {grade.score:g} ({grade.label}): many customers will "
                "have to read it twice.",
                "Use shorter sentences and everyday words.",
            )
        )
    for sentence in split:
        count = len(words(sentence.text))
        if count > LONG_SENTENCE_WORDS:
            found.append(
                Finding(
                    "readability",
                    sentence.start,
                    sentence.end,
                    f"This sentence has {count} words; past {LONG_SENTENCE_WORDS} readers "
                    "lose the thread.",
                    "Split it into two or three sentences, one idea each.",
                )
            )
    if lang == "en":
        for match in lx.PASSIVE.finditer(text):
            if match.group(1).lower() in lx.ADJECTIVAL:
                continue
            found.append(
                Finding(
                    "readability",
                    match.start(),
                    match.end(),
                    f'"{match.group(0)}" is passive: it hides who does it.',
                    'Say who acts, e.g. "we have fixed" rather than "it has been fixed".',
                )
            )
    return found


_JARGON_CACHE: dict[
    tuple[tuple[str, str], ...], tuple[re.Pattern[str], dict[str, tuple[str, str]]]
] = {}


def _jargon_pattern(
    glossary: Mapping[str, str],
) -> tuple[re.Pattern[str], dict[str, tuple[str, str]]]:
    """One pattern for every term, longest first; and term (lower-cased) -> (term, plain)."""
    key = tuple(sorted(glossary.items()))
    cached = _JARGON_CACHE.get(key)
    if cached is None:
        terms = {**lx.JARGON, **{k.strip(): v for k, v in glossary.items() if k.strip()}}
        alternatives = []
        for term in sorted(terms, key=len, reverse=True):
            # An abbreviation counts only in capitals ("OS", not the Spanish "os").
            escaped = re.escape(term)
            alternatives.append(escaped if term.isupper() else f"(?i:{escaped})")
        pattern = re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)})(?!\w)")
        lookup = {term.lower(): (term, plain) for term, plain in terms.items()}
        cached = (pattern, lookup)
        if len(_JARGON_CACHE) > 64:
            _JARGON_CACHE.clear()
        _JARGON_CACHE[key] = cached
    return cached


def _jargon(text: str, glossary: Mapping[str, str]) -> list[Finding]:
    found: list[Finding] = []
    pattern, lookup = _jargon_pattern(glossary)
    for match in pattern.finditer(text):
        term, plain = lookup.get(match.group(0).lower(), (match.group(0), ""))
        found.append(
            Finding(
                "jargon",
                match.start(),
                match.end(),
                f'"{match.group(0)}" is a word from our side of the desk; the customer may '
                "not know it.",
                f'Say "{plain}" instead, or explain "{term}" in a few words.',
            )
        )
    return found


def _blame(text: str, lang: str) -> list[Finding]:
    found: list[Finding] = []
    for pattern, why, fix in lx.BLAME[lang]:
        for match in pattern.finditer(text):
            found.append(Finding("blame", match.start(), match.end(), why, fix))
    return found


def _empathy(text: str, split: list[Sentence], lang: str, upset: bool) -> list[Finding]:
    if not upset or not text.strip():
        return []
    heard = lx.GENERIC_APOLOGY[lang].sub(" ", text)
    if lx.EMPATHY[lang].search(heard):
        return []
    first = split[0] if split else Sentence(0, len(text), text)
    generic = lx.GENERIC_APOLOGY[lang].search(text)
    why = "The customer is upset and the draft does not acknowledge it"
    why += (
        '; a general apology for "any inconvenience" does not show you read what happened.'
        if generic
        else "."
    )
    span = (generic.start(), generic.end()) if generic else (first.start, first.end)
    return [
        Finding(
            "empathy",
            span[0],
            span[1],
            why,
            "Open by naming what went wrong for them, e.g. \"I'm sorry the export failed twice "
            'before your deadline; I understand how frustrating that is."',
        )
    ]


def _personal(
    text: str, split: list[Sentence], lang: str, customer_text: str, customer_name: str
) -> list[Finding]:
    found: list[Finding] = []
    name = customer_name.strip()
    if (
        name
        and text.strip()
        and not re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE)
    ):
        first = split[0] if split else Sentence(0, len(text), text)
        found.append(
            Finding(
                "personal",
                first.start,
                first.end,
                f"The draft does not address {name} by name.",
                f'Start with "{lx.GREETING[lang].format(name=name)}".',
            )
        )
    if customer_text:
        for step, per_language in lx.TRIED.items():
            said, asked = per_language[lang]
            if not said.search(customer_text):
                continue
            match = asked.search(text)
            if match and not _acknowledged(said, text, match):
                found.append(
                    Finding(
                        "personal",
                        match.start(),
                        match.end(),
                        lx.TRIED_WHY,
                        lx.TRIED_FIX.format(step=step),
                    )
                )
    return found


_SENTENCE_BREAK = re.compile(r"[.!?\n]")
_ALREADY = re.compile(
    r"\b(?:already|thanks for|thank you for|schon|bereits|danke für|déjà|merci d[’']avoir|ya)\b",
    re.IGNORECASE,
)


def _acknowledged(said: re.Pattern[str], text: str, asked: re.Match[str]) -> bool:
    """The draft mentions the step as done near where it names it ("since you already
    reinstalled, ..."), in words other than the request itself."""
    # Within the sentence that asks, at most 40 characters either side.
    start, end = max(0, asked.start() - 40), min(len(text), asked.end() + 40)
    before = _SENTENCE_BREAK.search(text[start : asked.start()][::-1])
    if before:
        start = asked.start() - before.start()
    after = _SENTENCE_BREAK.search(text, asked.end(), end)
    if after:
        end = after.start()
    if _ALREADY.search(text, start, end):
        return True
    for match in said.finditer(text, start, end):
        if match.end() <= asked.start() or match.start() >= asked.end():
            return True
    return False


def _clarity(text: str, split: list[Sentence], lang: str) -> list[Finding]:
    if not text.strip():
        return []
    found: list[Finding] = []
    numbered_lines = _numbered_spans(text)
    counted = [(s, _instructions(s.text, lang)) for s in split if not _inside(s, numbered_lines)]
    loose = [s for s, n in counted if n]
    steps = sum(n for _, n in counted)
    if steps >= STEPS_FOR_NUMBERING:
        found.append(
            Finding(
                "clarity",
                loose[0].start,
                loose[-1].end,
                f"{steps} instructions are run together in the text; steps are easy to miss.",
                "Write them as numbered steps, one action per line.",
            )
        )
    has_steps = bool(loose) or bool(numbered_lines)
    if not has_steps and not lx.NEXT_STEP[lang].search(text) and not lx.CLOSING[lang].search(text):
        # The last sentence of some length: not the signature under it.
        long_enough = [s for s in split if len(words(s.text)) >= 4]
        last = (long_enough or split or [Sentence(0, len(text), text)])[-1]
        found.append(
            Finding(
                "clarity",
                last.start,
                last.end,
                "The draft does not say what happens next or when.",
                "End with the next step and a time, e.g. \"I'll write again by Thursday noon "
                'with the result."',
            )
        )
    return found


def _instructions(sentence: str, lang: str) -> int:
    """How many instructions a sentence gives: its clauses ("open X, click Y and choose Z")
    that start as one does."""
    clauses = lx.CLAUSE_BREAK[lang].split(sentence.strip())
    return sum(1 for clause in clauses if lx.INSTRUCTION_START[lang].search(clause.strip()))


_LINE = re.compile(r"[^\n]+")


def _numbered_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _LINE.finditer(text) if lx.NUMBERED.match(m.group(0))]


def _inside(sentence: Sentence, spans: list[tuple[int, int]]) -> bool:
    return any(start <= sentence.start < end for start, end in spans)
