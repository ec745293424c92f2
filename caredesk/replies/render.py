"""Rendering a saved reply. The engine is `caredesk.core.render`, below every app that renders
(system emails are built at intake, under this app); it is re-exported here for the code and
tests that name it by this module."""

from __future__ import annotations

from caredesk.core.render import (
    PLACEHOLDER,
    VARIABLES,
    Rendered,
    choose_language,
    placeholder,
    placeholders_in,
    placeholders_refusal,
    render,
)

__all__ = [
    "PLACEHOLDER",
    "VARIABLES",
    "Rendered",
    "choose_language",
    "placeholder",
    "placeholders_in",
    "placeholders_refusal",
    "render",
]
