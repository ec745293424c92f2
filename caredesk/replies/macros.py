"""A template's macro: the ticket fields it sets when a reply made from it is sent (pure).

Stored on the template as JSON, checked here on every write (the admin's form included):
`{"status": "pending", "priority": "high", "team": 3, "assignee": 7, "category": "billing",
"tags": ["refund"]}`, every key optional. `caredesk.replies.sending` applies them when a
reply made from the template is sent; the composer shows what they will set.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from caredesk.core.vocabulary import Priority, Status

STATUSES = tuple(s for s in Status.values if s != Status.NEW)
PRIORITIES = tuple(Priority.values)
KEYS = ("status", "priority", "team", "assignee", "category", "tags")


def macro_problems(actions: Any) -> list[str]:
    """What is wrong with a macro, in words; empty when it is fine."""
    if not isinstance(actions, dict):
        return ["a macro is a set of fields (a JSON object)"]
    problems = [f"a macro cannot set {key!r}" for key in actions if key not in KEYS]
    for key, allowed in (("status", STATUSES), ("priority", PRIORITIES)):
        if key in actions and actions[key] not in allowed:
            problems.append(f"{key} must be one of {', '.join(allowed)}")
    for key in ("team", "assignee"):
        value = actions.get(key)
        if key in actions and not (isinstance(value, int) and not isinstance(value, bool)):
            problems.append(f"{key} must be an id (a whole number)")
    if "category" in actions and not (
        isinstance(actions["category"], str) and len(actions["category"]) <= 100
    ):
        problems.append("category must be a text of at most 100 characters")
    tags = actions.get("tags")
    if "tags" in actions and not (
        isinstance(tags, list) and all(isinstance(t, str) and t.strip() for t in tags)
    ):
        problems.append("tags must be a list of words")
    return problems


def validate_macro(actions: Any) -> None:
    problems = macro_problems(actions)
    if problems:
        raise ValidationError("; ".join(problems))
