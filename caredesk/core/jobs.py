"""Huey's Django task decorators, typed.

`huey.contrib.djhuey.db_task` and `db_periodic_task` carry no annotations, so a decorated
function would lose its signature. These return Huey's own task wrapper unchanged and only tell
the type checker what it is: calling the task queues it with the function's arguments,
`call_local` runs it here and returns what the function returns.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, ParamSpec, Protocol, TypeVar, cast

from huey.api import Result
from huey.contrib import djhuey

P = ParamSpec("P")
R = TypeVar("R")
R_co = TypeVar("R_co", covariant=True)


class Job(Protocol[P, R_co]):
    """The parts of Huey's `TaskWrapper` that caredesk calls. Queuing answers a `Result`, or
    None when the queue keeps no results (caredesk's settings keep none)."""

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> Result | None: ...

    def call_local(self, *args: P.args, **kwargs: P.kwargs) -> R_co: ...

    def schedule(
        self,
        args: tuple[Any, ...] | None = None,
        kwargs: dict[str, Any] | None = None,
        eta: datetime | None = None,
        delay: float | None = None,
    ) -> Result | None: ...


def db_task(
    *, priority: int | None = None, retries: int = 0, retry_delay: int = 0
) -> Callable[[Callable[P, R]], Job[P, R]]:
    """A queued job that closes its database connection when done (`djhuey.db_task`)."""

    def decorate(fn: Callable[P, R]) -> Job[P, R]:
        task = djhuey.db_task(priority=priority, retries=retries, retry_delay=retry_delay)(fn)
        return cast("Job[P, R]", task)

    return decorate


def db_periodic_task(
    validate_datetime: Callable[[datetime], bool],
) -> Callable[[Callable[[], R]], Job[[], R]]:
    """A job the consumer runs whenever `validate_datetime` (a `huey.crontab`) says so."""

    def decorate(fn: Callable[[], R]) -> Job[[], R]:
        return cast("Job[[], R]", djhuey.db_periodic_task(validate_datetime)(fn))

    return decorate
