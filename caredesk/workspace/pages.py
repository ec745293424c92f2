"""Pages of a long list by keyset rather than offset: a page starts right after (or ends right
before) a ticket, so page 2,000 costs what page 1 costs, and rows added meanwhile never make
the list repeat or skip a row the way OFFSET does.

An order is a sequence of keys (`core.ordering.Key`), the last one unique (the id). Nullable
keys sort their empty values last, reading forwards.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce
from typing import Any, Generic, TypeVar

from django.db.models import Model, Q, QuerySet

from caredesk.core.ordering import Key

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Page(Generic[M]):
    rows: list[M]
    after: int | None  # the id to continue after, when there is more
    before: int | None  # the id to go back before, when this is not the first page


def _past(keys: Sequence[Key], values: Sequence[Any], *, backwards: bool) -> Q:
    terms: list[Q] = []
    equal = Q()
    for key, value in zip(keys, values, strict=True):
        step = key.beyond(value, backwards=backwards)
        if step is not None:
            terms.append(equal & step)
        equal &= key.same(value)
    return reduce(operator.or_, terms)


def keyset_page(
    rows: QuerySet[M],
    keys: Sequence[Key],
    *,
    after: int | None = None,
    before: int | None = None,
    size: int = 50,
) -> Page[M]:
    """One page of `rows` in the order of `keys`: the first, the one after ticket `after`, or
    the one before ticket `before`. A cursor whose row has gone starts again from the top."""
    fields = [key.field for key in keys]
    cursor = after if after is not None else before
    anchor = rows.model._default_manager.filter(pk=cursor).values_list(*fields).first()
    if anchor is None:
        found = list(rows.order_by(*(k.order() for k in keys))[: size + 1])
        return Page(found[:size], _last_id(found, size), None)
    backwards = after is None
    found = list(
        rows.filter(_past(keys, anchor, backwards=backwards)).order_by(
            *(k.order(backwards=backwards) for k in keys)
        )[: size + 1]
    )
    if not backwards:
        return Page(found[:size], _last_id(found, size), found[0].pk if found else None)
    if len(found) <= size:  # back at the start: show the first page, whole
        return keyset_page(rows, keys, size=size)
    shown = found[:size][::-1]
    return Page(shown, shown[-1].pk, shown[0].pk)


def _last_id(found: Sequence[Model], size: int) -> int | None:
    return found[size - 1].pk if len(found) > size else None
