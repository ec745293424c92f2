"""Two tiers of errors (STYLE.md): the caller's problem, and ours."""

from __future__ import annotations


class CaredeskError(Exception):
    """Base class for errors caredesk raises on purpose."""


class InvalidRequest(CaredeskError):
    """The caller asked for something that cannot be done; the message says why (a 4xx)."""


class NotFound(InvalidRequest):
    """The thing asked for does not exist (or the caller may not see it)."""


class Forbidden(InvalidRequest):
    """The caller may see the thing but not do this to it (a 403). When they may not even see
    it, caredesk raises NotFound instead, so a refusal never tells that something exists."""
