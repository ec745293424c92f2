"""What an agent types into the search box, parsed into a typed `Query` (docs/search.md).

Pure: text in, a frozen `Query` or a `QueryError` out; no database, no settings. Both search
backends and the API read the same `Query`, so the syntax has one definition. Matching (case,
accents, stemming, ranking) is the backends' job: a term keeps the text as typed and a folded
form to compare with.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from caredesk.core.errors import InvalidRequest
from caredesk.search.text import (
    KEPT_AT_EDGES,
    QUOTES,
    fold,
    is_punctuation,
    normalised,
    strip_edges,
    strip_leading,
    strip_trailing,
)

MAX_LENGTH = 200  # characters of the query as written back (`str(query)`)
MAX_INPUT = 4 * MAX_LENGTH  # characters read at all: a pasted page is refused before parsing
MAX_TERMS = 32  # words, phrases, prefixes, codes and references, wanted or excluded
MAX_FILTERS = 32
MAX_VALUE = 100  # characters of one filter's value
MAX_REFERENCE_DIGITS = 18  # the largest ticket number (a BigAutoField) has 19 digits
MAX_RELATIVE_DAYS = 3660

# Kept in step with caredesk.core.vocabulary by tests/search/test_query.py: this module does not
# import Django.
STATUSES = ("new", "open", "pending", "on_hold", "solved", "closed")
PRIORITIES = ("urgent", "high", "normal", "low")
IS_VALUES = ("unanswered", "upset")
ASSIGNEE_WORDS = ("me", "none")
KEYS = (
    "status",
    "from",
    "to",
    "tag",
    "team",
    "assignee",
    "mailbox",
    "priority",
    "language",
    "category",
    "is",
    "before",
    "after",
)

OR = "OR"
_KEY_THEN_QUOTE = re.compile(r"([A-Za-z]+):$")
_FILTER = re.compile(r"([A-Za-z]+):(.*)", re.DOTALL)
_REFERENCE = re.compile(rf"#([0-9]{{1,{MAX_REFERENCE_DIGITS}}})")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_RELATIVE = re.compile(r"([0-9]{1,5})([dw])")
_LANGUAGE = re.compile(r"[a-z]{2,3}")


class QueryError(InvalidRequest):
    """The query cannot be read; the message says why and what would do (a 400)."""


class Kind(StrEnum):
    WORD = "word"
    PHRASE = "phrase"
    PREFIX = "prefix"
    EXACT = "exact"  # numbers, codes, addresses: matched as typed, never stemmed
    REFERENCE = "reference"  # "#123": the ticket with that number


@dataclass(frozen=True)
class Term:
    """One thing to find: `text` as typed (without quotes, "#" or "*"), `folded` for matching
    (case and, in Latin, Greek and Cyrillic scripts, accents removed)."""

    kind: Kind
    text: str
    folded: str

    def __str__(self) -> str:
        if self.kind is Kind.PHRASE:
            return f'"{self.text}"'
        if self.kind is Kind.PREFIX:
            return f"{self.text}*"
        if self.kind is Kind.REFERENCE:
            return f"#{self.text}"
        return self.text


@dataclass(frozen=True)
class Filter:
    """`key:value`, the value normalised for its key (a status in lower case, a date as
    YYYY-MM-DD, a relative date as "7d"); `negated` for `-key:value`."""

    key: str
    value: str
    negated: bool = False

    @property
    def date(self) -> date | None:
        """The day of a `before:`/`after:` filter given as a date."""
        return date.fromisoformat(self.value) if _ISO_DATE.fullmatch(self.value) else None

    @property
    def days_ago(self) -> int | None:
        """How many days back a relative `before:`/`after:` filter ("7d", "2w") reaches."""
        match = _RELATIVE.fullmatch(self.value)
        if match is None:
            return None
        return int(match[1]) * (7 if match[2] == "w" else 1)

    def __str__(self) -> str:
        value = f'"{self.value}"' if _needs_quotes(self.value) else self.value
        return f"{'-' if self.negated else ''}{self.key}:{value}"


@dataclass(frozen=True)
class Query:
    """A parsed search: every clause must match (a clause is one term, or terms joined by OR),
    no excluded term may match, and every filter holds."""

    clauses: tuple[tuple[Term, ...], ...] = ()
    excluded: tuple[Term, ...] = ()
    filters: tuple[Filter, ...] = ()

    def _of(self, kind: Kind) -> tuple[Term, ...]:
        return tuple(term for clause in self.clauses for term in clause if term.kind is kind)

    @property
    def terms(self) -> tuple[Term, ...]:
        """The words wanted, in every clause."""
        return self._of(Kind.WORD)

    @property
    def phrases(self) -> tuple[Term, ...]:
        return self._of(Kind.PHRASE)

    @property
    def prefixes(self) -> tuple[Term, ...]:
        return self._of(Kind.PREFIX)

    @property
    def exact(self) -> tuple[Term, ...]:
        return self._of(Kind.EXACT)

    @property
    def references(self) -> tuple[int, ...]:
        return tuple(int(term.text) for term in self._of(Kind.REFERENCE))

    @property
    def negations(self) -> tuple[Term | Filter, ...]:
        """What must not match: excluded terms, then negated filters."""
        return self.excluded + tuple(f for f in self.filters if f.negated)

    @property
    def is_empty(self) -> bool:
        return not (self.clauses or self.excluded or self.filters)

    def __str__(self) -> str:
        parts = [" OR ".join(str(term) for term in clause) for clause in self.clauses]
        parts += [f"-{term}" for term in self.excluded]
        parts += [str(f) for f in self.filters]
        return " ".join(parts)


def parse(text: str) -> Query:
    """The `Query` that `text` says; raises `QueryError` (and nothing else) when it cannot be
    read. An empty or punctuation-only text gives an empty `Query`."""
    if len(text) > MAX_INPUT:
        raise QueryError(_too_long(len(text)))
    query = _assemble(_tokens(normalised(text)))
    written = len(str(query))
    if written > MAX_LENGTH:
        raise QueryError(_too_long(written))
    return query


def _too_long(length: int) -> str:
    return f"A search is at most {MAX_LENGTH} characters; this one has {length:,}."


# A token of the text: a bare run of characters, a quoted phrase, or `key:"quoted value"`.
@dataclass(frozen=True)
class _Token:
    text: str
    negated: bool
    quoted: bool = False
    key: str | None = None


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        negated = text[i] == "-" and i + 1 < n and not text[i + 1].isspace()
        if negated:
            i += 1
        if text[i] in QUOTES:
            phrase, i = _quoted(text, i + 1)
            tokens.append(_Token(phrase, negated, quoted=True))
            continue
        start = i
        while i < n and not text[i].isspace():
            key = _quoted_value_key(text[start:i]) if text[i] in QUOTES else None
            if key is not None:
                value, i = _quoted(text, i + 1)
                tokens.append(_Token(value, negated, quoted=True, key=key))
                break
            i += 1
        else:
            tokens.append(_Token(text[start:i], negated))
    return tokens


def _quoted_value_key(before: str) -> str | None:
    """The key when `before` (what precedes a quote mark in a token) is `key:`, as in
    `team:"Billing EU"` or `(team:"Billing EU"`."""
    match = _KEY_THEN_QUOTE.fullmatch(strip_leading(before))
    return match[1].lower() if match and match[1].lower() in KEYS else None


def _quoted(text: str, i: int) -> tuple[str, int]:
    """The text from `i` to the next quote mark (or the end: an unbalanced quote runs to the
    end of the query), whitespace folded, and the position after the closing mark."""
    end = i
    while end < len(text) and text[end] not in QUOTES:
        end += 1
    return " ".join(text[i:end].split()), end + 1


def _needs_quotes(value: str) -> bool:
    """Whether a filter's value is written back quoted. A value holding a quote mark came
    unquoted (a quote would have ended it), so it goes back unquoted."""
    if any(c in QUOTES for c in value):
        return False
    return any(c.isspace() for c in value) or strip_edges(value, KEPT_AT_EDGES) != value


class _Or:
    """The OR operator between two terms."""


_OR = _Or()


def _part(token: _Token) -> Term | Filter | _Or | None:
    """What `token` says; None when it says nothing (punctuation, an empty phrase)."""
    if token.key is not None:
        return _filter(token.key, token.text, negated=token.negated)
    if token.quoted:
        if all(is_punctuation(c) or c.isspace() for c in token.text):
            return None
        return Term(Kind.PHRASE, token.text, fold(token.text))
    # Read without its leading punctuation ("(status:open)", "#tag:x"), so that no word, prefix
    # or code written back can read as a filter.
    match = _FILTER.fullmatch(strip_leading(token.text))
    if match and match[1].lower() in KEYS:
        value = strip_trailing(match[2], keep=KEPT_AT_EDGES)
        return _filter(match[1].lower(), value, negated=token.negated)
    text = strip_edges(token.text, keep=KEPT_AT_EDGES)
    if not token.negated and strip_edges(text) == OR:
        return _OR
    reference = _REFERENCE.fullmatch(text)
    if reference and int(reference[1]) > 0:
        number = str(int(reference[1]))
        return Term(Kind.REFERENCE, number, number)
    if text.endswith("*"):
        return _prefix(strip_edges(text.rstrip("*")))
    word = strip_edges(text, keep=frozenset("@"))
    if not word.strip("@"):
        return None
    exact = "@" in word or any(c.isdigit() for c in word)
    return Term(Kind.EXACT if exact else Kind.WORD, word, fold(word))


def _prefix(stem: str) -> Term | None:
    if not stem:
        return None
    if len(stem) < 2:
        raise QueryError(f"A prefix needs at least 2 letters before the *, as in refun* ({stem}*).")
    return Term(Kind.PREFIX, stem, fold(stem))


def _filter(key: str, value: str, *, negated: bool) -> Filter:
    value = " ".join(value.split())
    if not value:
        raise QueryError(f"{key}: needs a value{_HINTS.get(key, '')}.")
    if len(value) > MAX_VALUE:
        raise QueryError(f"A {key}: value is at most {MAX_VALUE} characters.")
    normalise = _NORMALISE.get(key)
    return Filter(key, normalise(key, value) if normalise else value, negated)


def _one_of(choices: tuple[str, ...]) -> Callable[[str, str], str]:
    def normalise(key: str, value: str) -> str:
        value = value.lower().replace("-", "_")
        if value not in choices:
            raise QueryError(f"{key} must be one of {', '.join(choices)}")
        return value

    return normalise


def _assignee(key: str, value: str) -> str:
    return value.lower() if value.lower() in ASSIGNEE_WORDS else value


def _address(key: str, value: str) -> str:
    return value.lower()


def _language(key: str, value: str) -> str:
    if not _LANGUAGE.fullmatch(value.lower()):
        raise QueryError(f"{key} must be a language code such as en, de or ja")
    return value.lower()


def _day(key: str, value: str) -> str:
    if _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            raise QueryError(f"{key}:{value} is not a day of the calendar") from None
    relative = _RELATIVE.fullmatch(value.lower())
    if relative:
        number, unit = int(relative[1]), relative[2]
        if number * (7 if unit == "w" else 1) > MAX_RELATIVE_DAYS:
            raise QueryError(f"{key} reaches back at most {MAX_RELATIVE_DAYS} days")
        return f"{number}{unit}"
    raise QueryError(f"{key} must be a date (2026-11-01) or days or weeks back (7d, 2w)")


_NORMALISE: dict[str, Callable[[str, str], str]] = {
    "status": _one_of(STATUSES),
    "priority": _one_of(PRIORITIES),
    "is": _one_of(IS_VALUES),
    "assignee": _assignee,
    "from": _address,
    "to": _address,
    "language": _language,
    "before": _day,
    "after": _day,
}
_HINTS = {
    "status": f" (one of {', '.join(STATUSES)})",
    "priority": f" (one of {', '.join(PRIORITIES)})",
    "is": f" (one of {', '.join(IS_VALUES)})",
    "assignee": " (me, none, or an agent)",
    "from": " (an address or part of one: ana@, @example.com)",
    "to": " (an address or part of one)",
    "before": " (a date such as 2026-12-01, or 7d)",
    "after": " (a date such as 2026-11-01, or 7d)",
}
_OR_JOINS = "OR joins words and phrases (refund OR chargeback), not filters or excluded words."


def _assemble(tokens: list[_Token]) -> Query:
    """The parts in order: a term after OR joins the clause before it. A leading, trailing or
    doubled OR says nothing; OR next to a filter or an excluded term is refused, since
    `status:open OR refund` has no reading an agent would expect."""
    clauses: list[list[Term]] = []
    excluded: list[Term] = []
    filters: list[Filter] = []
    joining = False
    last = ""  # "term", "or", "other"
    for token in tokens:
        part = _part(token)
        if part is None:
            continue
        if isinstance(part, _Or):
            if last == "other":
                raise QueryError(_OR_JOINS)
            joining = joining or last == "term"
            last = "or"
            continue
        if isinstance(part, Filter) or token.negated:
            if joining:
                raise QueryError(_OR_JOINS)
            if isinstance(part, Filter):
                filters.append(part)
            else:
                excluded.append(part)
            last = "other"
            continue
        if joining:
            clauses[-1].append(part)
        else:
            clauses.append([part])
        joining, last = False, "term"
    terms = sum(len(clause) for clause in clauses) + len(excluded)
    if terms > MAX_TERMS:
        raise QueryError(f"A search has at most {MAX_TERMS} words; this one has {terms}.")
    if len(filters) > MAX_FILTERS:
        raise QueryError(
            f"A search has at most {MAX_FILTERS} filters; this one has {len(filters)}."
        )
    return Query(tuple(tuple(c) for c in clauses), tuple(excluded), tuple(filters))
