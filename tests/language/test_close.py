"""Close languages (Danish, Norwegian, Swedish; Spanish, Portuguese) told apart by their words."""

from __future__ import annotations

import pytest

from caredesk.language.close import close_decide
from caredesk.language.detect import SURE, language_detect, languages_parse

DESK = languages_parse("en,de,fr,es,it,nl,pt,pl,sv,da,no,fi,ja,zh,ru,tr")

# Short support emails, the same request written in each language of a close pair.
PAIRS = [
    ("da", "Hvad koster det at få pakken leveret i morgen?"),
    ("no", "Hva koster det å få pakken levert i morgen?"),
    ("da", "Jeg kan ikke logge ind på min konto."),
    ("no", "Jeg kan ikke logge inn på kontoen min."),
    ("da", "Hvorfor er min bestilling blevet annulleret?"),
    ("no", "Hvorfor har bestillingen min blitt kansellert?"),
    ("da", "Vi har ventet i tre uger på svar."),
    ("no", "Vi har ventet i tre uker på svar."),
    ("da", "Tak for svaret, det hjalp meget."),
    ("no", "Takk for svaret, det hjalp mye."),
    ("da", "Hvornår får jeg mine penge tilbage?"),
    ("no", "Når får jeg pengene mine tilbake?"),
    ("sv", "När får jag tillbaka mina pengar?"),
    ("da", "Appen virker ikke efter opdateringen."),
    ("no", "Appen virker ikke etter oppdateringen."),
    ("sv", "Appen fungerar inte efter uppdateringen."),
    ("da", "Fakturaen er forkert, jeg har betalt to gange."),
    ("no", "Fakturaen er feil, jeg har betalt to ganger."),
    ("da", "Mere information om sagen, tak."),
    ("no", "Mer informasjon om saken, takk."),
    ("es", "Mi contraseña no funciona desde ayer."),
    ("pt", "A minha senha não funciona desde ontem."),
    ("es", "No he recibido el correo de confirmación."),
    ("pt", "Não recebi o e-mail de confirmação."),
]


@pytest.mark.parametrize(("language", "text"), PAIRS)
def test_each_of_a_close_pair_is_read_in_its_own_language(language: str, text: str) -> None:
    assert language_detect(text, languages=DESK).language == language


@pytest.mark.parametrize(
    ("language", "text"),
    [
        # The n-gram model alone is split on these (0.58-0.78): their words make them sure
        # enough to become the customer's language.
        ("da", "Jeg kan ikke logge ind på min konto."),
        ("da", "Hvorfor er min bestilling blevet annulleret?"),
        ("no", "Kan dere sende meg en ny faktura?"),
        ("no", "Vi har ventet i tre uker på svar."),
        ("da", "Tak for svaret, det hjalp meget."),
    ],
)
def test_distinctive_words_make_a_short_text_sure(language: str, text: str) -> None:
    found = language_detect(text, languages=DESK)
    assert found.language == language and found.confidence >= SURE


def test_the_words_decide_within_the_group_and_keep_the_groups_share() -> None:
    ranked = [("no", 0.5), ("da", 0.3), ("sv", 0.1), ("en", 0.1)]
    decided = dict(close_decide("hvad siger du til det", ranked))
    assert max(decided, key=decided.__getitem__) == "da"
    assert decided["en"] == pytest.approx(0.1)
    assert decided["da"] + decided["no"] + decided["sv"] == pytest.approx(0.9)


def test_words_of_a_group_count_only_when_the_text_is_of_that_group() -> None:
    # "at", "og", "af" are Danish words, but this text reads as English first.
    ranked = [("en", 0.6), ("da", 0.2), ("no", 0.2)]
    assert close_decide("look at og af", ranked) == ranked


def test_a_desk_with_one_language_of_the_group_is_left_alone() -> None:
    ranked = [("da", 0.7), ("en", 0.3)]
    assert close_decide("hva sier du", ranked) == ranked
    # Without Norwegian on the desk, Norwegian reads as the nearest language it has.
    found = language_detect("Hva koster det å få pakken levert?", languages=("da", "en"))
    assert found.language == "da"
