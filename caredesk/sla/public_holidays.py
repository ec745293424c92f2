"""Public holidays by country and subdivision, from the `holidays` package."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import holidays


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
