"""The workspace's list of templates: those an agent may see, filtered, searched and sorted by
any column, with each one's review-by flag and its effectiveness (caredesk.replies
.effectiveness). Supervisors' review queue is this list narrowed to "in review".

Sorting by a figure needs every row's figures, so the list is worked out whole (templates
number in the hundreds, not the hundred thousands): one query for the templates with their
owners, one for their variants, two for their effectiveness, one for the review queue's count.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet

from caredesk.access import Principal, templates_reviewer, templates_visible
from caredesk.core.errors import InvalidRequest
from caredesk.replies.effectiveness import (
    DEFAULT_PERIOD,
    NONE,
    PERIODS,
    Effectiveness,
    template_effectiveness,
)
from caredesk.replies.models import ReplyTemplate, ReplyTemplateVariant, Scope, State

LIST_LIMIT = 1000
SOON = timedelta(days=7)  # a review-by date this close is "due soon" (and flagged to its owner)


@dataclass(frozen=True)
class TemplateRow:
    template: ReplyTemplate
    languages: list[str]
    figures: Effectiveness
    review: str  # "overdue", "soon" or ""


def review_flag(review_by: date | None, today: date) -> str:
    """ "overdue" once the review-by date has passed, "soon" from 7 days before it."""
    if review_by is None:
        return ""
    if review_by < today:
        return "overdue"
    return "soon" if review_by <= today + SOON else ""


@dataclass(frozen=True)
class Column:
    slug: str
    key: Callable[[TemplateRow], Any]  # None for an empty value, which sorts last either way
    first: str = "asc"  # what the first click on its header asks for


def _reopen(row: TemplateRow) -> float | None:
    return row.figures.reopen_rate


COLUMNS: dict[str, Column] = {
    c.slug: c
    for c in (
        Column("name", lambda r: r.template.name.lower()),
        Column("scope", lambda r: r.template.scope),
        Column("state", lambda r: list(State.values).index(r.template.state)),
        Column("owner", lambda r: r.template.owner.name.lower() if r.template.owner else None),
        Column("languages", lambda r: ", ".join(r.languages) or None),
        Column("review", lambda r: r.template.review_by),
        Column("uses", lambda r: r.figures.uses, first="desc"),
        Column("reopen", _reopen, first="desc"),
        Column("solve", lambda r: r.figures.median_to_solve, first="desc"),
    )
}


@dataclass(frozen=True)
class TemplateQuery:
    """What the list was asked for, read from its address."""

    state: str = ""
    scope: str = ""
    words: str = ""
    sort: str = "name"  # a column's slug
    descending: bool = False
    period: str = DEFAULT_PERIOD

    @property
    def sort_param(self) -> str:
        return f"-{self.sort}" if self.descending else self.sort

    def since(self, now: datetime) -> datetime | None:
        days = PERIODS[self.period]
        return None if days is None else now - timedelta(days=days)


def template_query_parse(params: Mapping[str, str]) -> TemplateQuery:
    """The list's query string read, refusing (InvalidRequest, saying what would do) a value
    that is not one of the choices."""
    state = params.get("state", "").strip()
    if state and state not in State.values:
        raise InvalidRequest(f"state {state[:40]!r} is not one of {', '.join(State.values)}")
    scope = params.get("scope", "").strip()
    if scope and scope not in Scope.values:
        raise InvalidRequest(f"scope {scope[:40]!r} is not one of {', '.join(Scope.values)}")
    period = params.get("period", "").strip() or DEFAULT_PERIOD
    if period not in PERIODS:
        raise InvalidRequest(f"period {period[:40]!r} is not one of {', '.join(PERIODS)}")
    sort = params.get("sort", "").strip().lower() or "name"
    if sort.removeprefix("-") not in COLUMNS:
        raise InvalidRequest(f"sort {sort[:40]!r} is not one of {', '.join(COLUMNS)}")
    return TemplateQuery(
        state=state,
        scope=scope,
        words=params.get("q", "")[:200].replace("\x00", "").strip(),
        sort=sort.removeprefix("-"),
        descending=sort.startswith("-"),
        period=period,
    )


def _matching(principal: Principal, query: TemplateQuery) -> QuerySet[ReplyTemplate]:
    rows = ReplyTemplate.objects.filter(templates_visible(principal))
    if query.state:
        rows = rows.filter(state=query.state)
    if query.scope:
        rows = rows.filter(scope=query.scope)
    for word in query.words.split()[:10]:
        rows = rows.filter(
            Q(name__icontains=word)
            | Q(pk__in=ReplyTemplateVariant.objects.filter(body__icontains=word).values("template"))
        )
    return rows


def _sorted(rows: list[TemplateRow], query: TemplateQuery) -> list[TemplateRow]:
    column = COLUMNS[query.sort]
    rows = sorted(rows, key=lambda r: (r.template.name.lower(), r.template.pk))
    present = [r for r in rows if column.key(r) is not None]
    empty = [r for r in rows if column.key(r) is None]
    present.sort(key=column.key, reverse=query.descending)
    return present + empty


@dataclass(frozen=True)
class TemplateList:
    rows: list[TemplateRow]
    more: bool  # more matched than LIST_LIMIT
    in_review: int | None  # the review queue's size, for reviewers; None for others
    sorts: dict[str, dict[str, str]] = field(default_factory=dict)


def template_list(
    *, principal: Principal, query: TemplateQuery, today: date, now: datetime
) -> TemplateList:
    """The templates `principal` may see that match `query`, in its order, with their
    figures for its period."""
    matching = _matching(principal, query)
    templates = list(
        matching.select_related("owner", "team").prefetch_related("variants")[: LIST_LIMIT + 1]
    )
    figures = template_effectiveness(templates=matching, since=query.since(now))
    rows = [
        TemplateRow(
            template=t,
            languages=sorted(v.language for v in t.variants.all()),
            figures=figures.get(t.pk, NONE),
            review=review_flag(t.review_by, today),
        )
        for t in templates[:LIST_LIMIT]
    ]
    in_review = None
    if templates_reviewer(principal):
        visible = ReplyTemplate.objects.filter(templates_visible(principal))
        in_review = visible.filter(state=State.IN_REVIEW).count()
    return TemplateList(
        rows=_sorted(rows, query),
        more=len(templates) > LIST_LIMIT,
        in_review=in_review,
        sorts=sort_links(query),
    )


def sort_links(query: TemplateQuery) -> dict[str, dict[str, str]]:
    """For each header: the `sort` a click asks for and the state it announces (aria-sort),
    as the inbox's headers do."""
    links = {}
    for slug, column in COLUMNS.items():
        if slug == query.sort:
            descending = not query.descending
            state = "descending" if query.descending else "ascending"
        else:
            descending, state = column.first == "desc", "none"
        links[slug] = {"param": f"-{slug}" if descending else slug, "state": state}
    return links
