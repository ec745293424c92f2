"""Which language a system email is written in, which wording it takes, and how it is filled
in: pure, no database."""

from __future__ import annotations

import pytest

from caredesk.system_emails.choose import (
    Overrides,
    acknowledgement_language,
    language_primary,
    wording_choose,
)
from caredesk.system_emails.kinds import ACKNOWLEDGEMENT, KINDS, PASSWORD_RESET, shipped_languages
from caredesk.system_emails.render import email_render
from caredesk.system_emails.shipped import Wording

ACK = KINDS[ACKNOWLEDGEMENT]
RESET = KINDS[PASSWORD_RESET]


@pytest.mark.parametrize(
    ("detected", "confidence", "customer", "mailbox", "expected"),
    [
        ("fr", 0.99, "de", "es", "fr"),  # a sure detection wins, even over the customer's
        ("fr", 0.90, "", "en", "fr"),  # the threshold at which it becomes the customer's
        ("fr", 0.89, "de", "es", "de"),  # unsure: the customer's known language
        ("fr", None, "de", "es", "de"),
        ("unknown", 0.0, "de-AT", "es", "de"),  # tags count by their primary language
        ("", None, "", "es", "es"),  # nothing known: the mailbox's
        ("", None, "", "", "en"),  # and then English
        ("ja", 1.0, "", "", "ja"),
    ],
)
def test_the_acknowledgement_language(
    detected: str, confidence: float | None, customer: str, mailbox: str, expected: str
) -> None:
    got = acknowledgement_language(
        detected=detected,
        confidence=confidence,
        customer_language=customer,
        mailbox_language=mailbox,
    )
    assert got == expected


def test_language_tags_are_kept_by_primary_language() -> None:
    assert [language_primary(t) for t in ("de-AT", "pt_BR", " FR ", "", None)] == [
        "de",
        "pt",
        "fr",
        "",
        "",
    ]


def _w(name: str) -> Wording:
    return Wording(subject=name, body=name)


MAILBOX = 7
EVERY: Overrides = {
    (MAILBOX, "fr"): _w("mailbox fr"),
    (None, "fr"): _w("all fr"),
    (MAILBOX, "de"): _w("mailbox de"),
    (None, "de"): _w("all de"),
    (MAILBOX, "en"): _w("mailbox en"),
    (None, "en"): _w("all en"),
}


def _choose(overrides: Overrides, language: str, mailbox_language: str = "de") -> tuple[str, str]:
    chosen = wording_choose(
        kind=ACK,
        overrides=overrides,
        mailbox_id=MAILBOX,
        language=language,
        mailbox_language=mailbox_language,
    )
    return chosen.wording.subject, chosen.language


def test_the_override_order_step_by_step() -> None:
    """(mailbox, language) -> (all mailboxes, language) -> shipped (language) -> the same for
    the mailbox's language -> the same for English. Each step is removed in turn."""
    left = dict(EVERY)
    assert _choose(left, "fr") == ("mailbox fr", "fr")
    del left[(MAILBOX, "fr")]
    assert _choose(left, "fr") == ("all fr", "fr")
    del left[(None, "fr")]
    assert _choose(left, "fr") == (ACK.shipped["fr"].subject, "fr")  # shipped French
    # Italian is shipped by nobody: the mailbox's language next, then English.
    assert _choose(left, "it") == ("mailbox de", "de")
    del left[(MAILBOX, "de")]
    assert _choose(left, "it") == ("all de", "de")
    del left[(None, "de")]
    assert _choose(left, "it") == (ACK.shipped["de"].subject, "de")
    assert _choose(left, "it", mailbox_language="pl") == ("mailbox en", "en")
    del left[(MAILBOX, "en")]
    assert _choose(left, "it", mailbox_language="pl") == ("all en", "en")
    del left[(None, "en")]
    assert _choose(left, "it", mailbox_language="pl") == (ACK.shipped["en"].subject, "en")


def test_another_mailboxs_override_is_not_used() -> None:
    assert _choose({(MAILBOX + 1, "fr"): _w("theirs")}, "fr")[0] == ACK.shipped["fr"].subject


def test_an_email_of_no_mailbox_takes_only_the_overrides_for_all() -> None:
    chosen = wording_choose(
        kind=RESET,
        overrides={(None, "de"): _w("all de"), (MAILBOX, "de"): _w("mailbox de")},
        mailbox_id=None,
        language="de",
    )
    assert (chosen.wording.subject, chosen.source) == ("all de", "all mailboxes")


def test_every_kind_ships_the_five_languages_with_only_its_own_variables() -> None:
    from caredesk.core.render import variables_in

    assert set(shipped_languages()) >= {"en", "de", "fr", "es", "ja"}
    for kind in KINDS.values():
        assert set(kind.shipped) >= {"en", "de", "fr", "es", "ja"}, kind.key
        for language, wording in kind.shipped.items():
            used = set(variables_in(wording.subject + wording.body))
            assert used <= set(kind.variables), (kind.key, language, used)


VALUES = {
    "customer.name": "Camille Lefèvre",
    "customer.first_name": "Camille",
    "ticket.reference": "#12",
    "ticket.subject": "Commande 48213",
    "ticket.promised_reply": "demain avant 10:00 CET",
    "mailbox.name": "Example Support",
}


def test_the_french_acknowledgement_reads_as_french() -> None:
    shown = email_render(ACK.shipped["fr"], VALUES, kind=ACK, language="fr")
    assert shown.subject == "Re: Commande 48213 [#12]"
    assert shown.body.startswith("Bonjour Camille Lefèvre,\n\nMerci d'avoir écrit à Example")
    assert "ouvert le ticket #12\u00a0:" in shown.body
    assert "Une personne de notre équipe vous répondra demain avant 10:00 CET." in shown.body


def test_a_customer_without_a_name_is_not_greeted_with_a_gap() -> None:
    nameless = {**VALUES, "customer.name": "", "customer.first_name": ""}
    firsts = {}
    for language in ("en", "de", "fr", "es", "ja"):
        body = email_render(ACK.shipped[language], nameless, kind=ACK, language=language).body
        firsts[language] = body.splitlines()[0]
        assert " ," not in body and "様" not in body and not body.startswith("\n")
    # A greeting of one word goes with the missing name; "Guten Tag," stands on its own.
    assert firsts["de"] == "Guten Tag,"
    assert firsts["en"].startswith("Thank you for writing to Example Support.")
    assert firsts["fr"].startswith("Merci d'avoir écrit")
    assert firsts["es"].startswith("Gracias por escribir")
    assert firsts["ja"].startswith("このたびはExample Supportに")


def test_an_empty_value_mid_sentence_leaves_no_space_before_punctuation() -> None:
    wording = Wording("Hi {{ customer.first_name }}!", "Dear {{ customer.first_name }}, see.\n")
    shown = email_render(wording, {}, kind=ACK, language="en")
    assert shown.subject == "Hi!"
    assert shown.body == "Dear, see.\n"  # two words are a sentence: kept, without the gap


def test_no_reply_target_promises_as_soon_as_possible_in_the_language() -> None:
    none = {**VALUES, "ticket.promised_reply": ""}
    for language, words in [
        ("en", "will reply as soon as we can."),
        ("de", "antwortet Ihnen so bald wie möglich."),
        ("fr", "vous répondra dès que possible."),
        ("es", "le responderá lo antes posible."),
        ("ja", "担当者よりできる限り早めにご返信いたします。"),
    ]:
        assert words in email_render(ACK.shipped[language], none, kind=ACK, language=language).body


def test_values_are_never_rendered_again_and_unknown_names_show_nothing() -> None:
    sneaky = {**VALUES, "customer.name": "{{ mailbox.name }}"}
    wording = Wording("x", "To {{ customer.name }} {{ settings.SECRET_KEY }}from us.\n")
    assert email_render(wording, sneaky, kind=ACK, language="en").body == (
        "To {{ mailbox.name }} from us.\n"
    )
