"""An order of rows as data: a sequence of keys, so that one order can both sort a query and
say where the next page of it starts (`workspace.pages`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import F, OrderBy, Q


@dataclass(frozen=True)
class Key:
    """One sort key of an order. A `nullable` key sorts its empty values last, reading forwards."""

    field: str
    descending: bool = False
    nullable: bool = False

    def order(self, *, backwards: bool = False) -> OrderBy:
        descending = self.descending != backwards
        nulls = {"nulls_first": True} if backwards else {"nulls_last": True}
        extra: dict[str, bool] = nulls if self.nullable else {}
        return F(self.field).desc(**extra) if descending else F(self.field).asc(**extra)

    def beyond(self, value: Any, *, backwards: bool = False) -> Q | None:
        """Rows strictly past `value` on this key alone, in the reading direction."""
        later = "lt" if self.descending != backwards else "gt"
        if not backwards:
            if value is None:
                return None  # nothing sorts after an empty value
            past = Q(**{f"{self.field}__{later}": value})
            return past | Q(**{f"{self.field}__isnull": True}) if self.nullable else past
        if value is None:
            return Q(**{f"{self.field}__isnull": False})
        return Q(**{f"{self.field}__{later}": value})

    def same(self, value: Any) -> Q:
        return Q(**{f"{self.field}__isnull": True}) if value is None else Q(**{self.field: value})
