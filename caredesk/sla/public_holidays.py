"""Public holidays by country and subdivision, from the `holidays` package."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import holidays
from holidays import registry


def check_country(country: str, subdivision: str | None) -> None:
    """Raise ValueError unless public holidays are known for the country and subdivision."""
    try:
        holidays.country_holidays(country, subdiv=subdivision)
    except (NotImplementedError, TypeError, AttributeError) as exc:
        where = country if subdivision is None else f"{country}-{subdivision}"
        raise ValueError(f"no public holidays known for {where!r}: {exc}") from None


def is_public_holiday(country: str, subdivision: str | None, day: date) -> bool:
    return day in _holidays(country, subdivision, day.year)


@lru_cache(maxsize=256)
def _holidays(country: str, subdivision: str | None, year: int) -> frozenset[date]:
    # Observed days (a holiday on a Saturday observed on the Friday) are closed days too.
    return frozenset(holidays.country_holidays(country, subdiv=subdivision, years=year))


@dataclass(frozen=True)
class Region:
    """A country whose public holidays are known, for choosing one (the admin's calendar form)."""

    code: str  # ISO 3166 alpha-2, as calendars store it
    name: str
    subdivisions: tuple[tuple[str, str], ...]  # (code, name), as the `holidays` package has them


@lru_cache(maxsize=1)
def holiday_regions() -> tuple[Region, ...]:
    """Every country the `holidays` package knows, by name, with its subdivisions."""
    regions = []
    for class_name, code, *_ in registry.COUNTRIES.values():
        country = getattr(holidays, class_name)
        names: dict[str, str] = {}
        for alias, sub in getattr(country, "subdivisions_aliases", {}).items():
            if len(alias) > len(names.get(sub, "")):
                names[sub] = alias  # the longest alias is the name, not another code
        subdivisions = tuple(
            (sub, f"{names[sub]} ({sub})" if sub in names else sub) for sub in country.subdivisions
        )
        regions.append(Region(code, re.sub(r"(?<=[a-z])(?=[A-Z])", " ", class_name), subdivisions))
    return tuple(sorted(regions, key=lambda r: r.name))
