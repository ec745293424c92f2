"""Priority detection from what a customer wrote."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caredesk.tickets.priority import PhraseSignal, PriorityRules

RULES = PriorityRules()


@pytest.mark.parametrize(
    ("subject", "text", "expected", "why"),
    [
        ("Help", "I can’t log in since this morning", "high", "cannot log in"),
        ("Login", "I CANNOT LOG IN to my account", "high", "cannot log in"),
        ("Anmeldung", "Ich kann mich nicht anmelden.", "high", "cannot log in"),
        ("Connexion", "Je ne peux pas me connecter depuis hier", "high", "cannot log in"),
        ("Cuenta", "No puedo iniciar sesión en la app", "high", "cannot log in"),
        ("ログイン", "昨日からログインできません。", "high", "cannot log in"),
        ("Invoice", "You charged twice for order 1234", "urgent", "charged twice"),
        ("Rechnung", "Der Betrag wurde zweimal abgebucht", "urgent", "charged twice"),
        ("Facture", "J'ai été débité deux fois", "urgent", "charged twice"),
        ("請求", "二重請求されています", "urgent", "charged twice"),
        ("Outage?", "Your API is down for all our users", "urgent", "outage"),
        ("Store", "There was a total outage last night", "urgent", "outage"),
    ],
)
def test_phrases_in_several_languages_raise_the_priority(
    subject: str, text: str, expected: str, why: str
) -> None:
    verdict = RULES.detect(subject=subject, text=text)
    assert verdict.priority == expected
    assert verdict.reason.startswith(why)


@pytest.mark.parametrize(
    "text",
    [
        "Hello, how do I change my delivery address?",
        "The login page looks great, thanks!",
        "The invoice is downloadable, right?",  # "is down" inside a word does not count
        "My husband was charged once and that is fine.",
        "This is the worst weather, anyway: where is my parcel?",  # one angry word is not anger
    ],
)
def test_ordinary_questions_stay_normal(text: str) -> None:
    verdict = RULES.detect(subject="Question", text=text)
    assert verdict.priority == "normal"
    assert verdict.reasons == ()


def test_strong_anger_is_high_with_the_words_that_showed_it() -> None:
    verdict = RULES.detect(subject="Order", text="This is unacceptable. Worst service ever.")
    assert verdict.priority == "high"
    assert verdict.reason == "strong anger: unacceptable, worst"
    shouting = RULES.detect(subject="Order", text="Ridiculous!! Where is my money")
    assert shouting.priority == "high"


def test_vip_customers_are_high_and_the_strongest_signal_wins() -> None:
    assert RULES.detect(subject="Hi", text="A question", vip=True).priority == "high"
    both = RULES.detect(subject="Hi", text="I was charged twice", vip=True)
    assert both.priority == "urgent"
    assert both.reasons == ('charged twice: "charged twice"',)


def test_signals_are_configurable() -> None:
    rules = PriorityRules(
        phrases=[PhraseSignal("urgent", "data loss", ("lost all my data", "datos perdidos"))],
        anger=(),
        vip_priority="urgent",
    )
    assert rules.detect(subject="", text="I lost all my data!").priority == "urgent"
    assert rules.detect(subject="", text="I can't log in").priority == "normal"
    assert rules.detect(subject="", text="hello", vip=True).priority == "urgent"
    with pytest.raises(ValueError, match="unknown priority 'critical'"):
        PriorityRules(phrases=[PhraseSignal("critical", "x", ("x",))])


@given(subject=st.text(max_size=200), text=st.text(max_size=2000), vip=st.booleans())
def test_any_text_gets_a_known_priority_and_never_raises(
    subject: str, text: str, vip: bool
) -> None:
    verdict = RULES.detect(subject=subject, text=text, vip=vip)
    assert verdict.priority in ("urgent", "high", "normal", "low")
    assert (verdict.priority == "normal") == (verdict.reasons == ())
