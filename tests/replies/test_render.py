"""The renderer is a sandbox: only the documented names, as plain strings, and a visible
placeholder for everything else."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from caredesk.core.text import first_name
from caredesk.replies.macros import macro_problems, validate_macro
from caredesk.replies.render import (
    VARIABLES,
    choose_language,
    placeholders_in,
    render,
)

VALUES = {
    "customer.name": "Anna Schmidt",
    "customer.first_name": "Anna",
    "ticket.reference": "#12",
    "ticket.subject": "Refund",
    "ticket.promised_reply": "tomorrow by 10:00 CET",
    "agent.name": "Ann Agent",
    "agent.signature": "Ann, Example Support",
    "mailbox.name": "Example Support",
}


def test_every_documented_variable_is_filled_in() -> None:
    body = " | ".join(f"{{{{ {name} }}}}" for name in VARIABLES)
    got = render(body, VALUES)
    assert got.text == " | ".join(VALUES[name] for name in VARIABLES)
    assert got.missing == ()


def test_spacing_inside_the_braces_does_not_matter() -> None:
    assert render("Hi {{customer.first_name}}, {{   ticket.reference   }}", VALUES).text == (
        "Hi Anna, #12"
    )


@pytest.mark.parametrize(
    "name",
    [
        "settings.SECRET_KEY",
        "customer.__class__",
        "customer.__class__.__init__.__globals__",
        "ticket.customer.addresses",
        "customer",
        "customer.name|upper",
        "",
    ],
)
def test_anything_but_a_documented_name_renders_a_placeholder(name: str) -> None:
    # Even a value handed in under that name is not read: the list of names is the sandbox.
    got = render(f"Key: {{{{ {name} }}}}.", {**VALUES, name: "leaked"})
    assert "leaked" not in got.text
    assert got.text == f"Key: [missing: {name or '?'}]."
    assert got.missing == (name,)


def test_a_variable_the_ticket_has_no_value_for_is_a_placeholder_listed_once() -> None:
    got = render(
        "Hello {{ customer.first_name }}, {{ customer.first_name }}! {{ agent.signature }}",
        {**VALUES, "customer.first_name": ""},
    )
    assert got.text == (
        "Hello [missing: customer.first_name], [missing: customer.first_name]! Ann, Example Support"
    )
    assert got.missing == ("customer.first_name",)
    assert placeholders_in(got.text) == ["customer.first_name"]


def test_values_are_not_rendered_again() -> None:
    got = render("Hi {{ customer.name }}", {"customer.name": "{{ agent.signature }}"})
    assert got.text == "Hi {{ agent.signature }}"
    assert got.missing == ()


def test_django_and_jinja_syntax_is_only_text() -> None:
    body = "{% load static %}{% debug %}{{ customer.name }} {# note #}"
    assert render(body, VALUES).text == "{% load static %}{% debug %}Anna Schmidt {# note #}"


def test_placeholders_in_a_reply_the_agent_edited() -> None:
    assert placeholders_in("Dear Anna, as promised") == []
    assert placeholders_in("Dear [missing: customer.first_name], [missing: x]") == [
        "customer.first_name",
        "x",
    ]


@pytest.mark.parametrize(
    ("name", "first"),
    [
        ("Anna Schmidt", "Anna"),
        ("  Jo ", "Jo"),
        ("", ""),
        ("anna@example.net", ""),
        ("Li,", "Li"),
        ("Lopez, Maria", "Maria"),
        ('"Maria Lopez"', "Maria"),
    ],
)
def test_first_name(name: str, first: str) -> None:
    assert first_name(name) == first


@pytest.mark.parametrize(
    ("available", "customer", "mailbox", "chosen"),
    [
        (["en", "de"], "de", "en", "de"),  # the customer's language
        (["en", "de"], "de-AT", "en", "de"),  # by its primary subtag
        (["en", "pt-br"], "pt_BR", "en", "pt-br"),
        (["en", "de"], "fr", "de", "de"),  # else the mailbox's
        (["en", "de"], "", "de", "de"),
        (["fr", "es"], "ja", "de", "fr"),  # else the first variant
        (["fr"], "", "", "fr"),
        ([], "de", "en", None),
    ],
)
def test_variant_choice(available: list[str], customer: str, mailbox: str, chosen: str) -> None:
    assert choose_language(available, customer_language=customer, mailbox_language=mailbox) == (
        chosen
    )


def test_a_macro_sets_only_ticket_fields_with_valid_values() -> None:
    good = {
        "status": "pending",
        "priority": "high",
        "team": 3,
        "assignee": 7,
        "category": "billing",
        "tags": ["refund", "vip"],
    }
    assert macro_problems(good) == []
    assert macro_problems({}) == []
    assert macro_problems({"status": "new", "team": "3", "tags": "x", "owner": 1}) == [
        "a macro cannot set 'owner'",
        "status must be one of open, pending, on_hold, solved, closed",
        "team must be an id (a whole number)",
        "tags must be a list of words",
    ]
    with pytest.raises(ValidationError, match="a macro is a set of fields"):
        validate_macro(["status"])
