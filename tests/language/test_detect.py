"""Language detection: the desk's languages only, and "unknown" for what is too short."""

from __future__ import annotations

import pytest

from caredesk.language.detect import (
    MIN_CONFIDENCE,
    UNKNOWN,
    language_detect,
    language_name,
    languages_parse,
)

DESK = languages_parse("en,de,fr,es,it,nl,pt,pl,sv,da,no,fi,ja,zh,ru,tr")


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Hallo, mein Drucker zeigt seit heute Morgen einen Fehler an.", "de"),
        ("My order has not arrived yet, can you check the tracking?", "en"),
        ("Bonjour, ma commande n'est pas encore arrivée.", "fr"),
        ("Hola, mi pedido todavía no ha llegado.", "es"),
        ("Buongiorno, il mio ordine non è ancora arrivato.", "it"),
        ("注文した商品がまだ届いていません。", "ja"),
        ("Здравствуйте, мой заказ ещё не пришёл.", "ru"),
    ],
)
def test_support_texts_are_read_in_their_language(text: str, language: str) -> None:
    found = language_detect(text, languages=DESK)
    assert found.language == language
    assert found.known and found.confidence >= MIN_CONFIDENCE
    assert found.sure


@pytest.mark.parametrize("text", ["ok", "Danke", "Thanks!", "👍", "", "12345 67890", "  \n "])
def test_a_text_too_short_to_tell_is_unknown(text: str) -> None:
    found = language_detect(text, languages=DESK)
    assert found.language == UNKNOWN
    assert not found.known


def test_a_detection_can_be_known_without_being_sure_enough_for_the_customer() -> None:
    # Danish and Norwegian are close: the answer is kept on the message, not on the customer.
    found = language_detect("Mere herom på landsmødet.", languages=DESK)
    assert found.known and not found.sure


def test_addresses_and_links_do_not_count_as_words() -> None:
    found = language_detect(
        "see https://example.com/orders/12345 jane.doe@example.net", languages=DESK
    )
    assert found.language == UNKNOWN


def test_only_the_desks_languages_are_chosen() -> None:
    # Without Dutch configured, a Dutch text is not called Dutch.
    text = "Hallo, mijn bestelling is nog niet aangekomen. Kunt u de zending controleren?"
    assert language_detect(text, languages=DESK).language == "nl"
    assert language_detect(text, languages=("en", "de")).language != "nl"


def test_the_setting_keeps_known_codes_once_in_order() -> None:
    assert languages_parse(" de, EN,xx,de ,,fr") == ("de", "en", "fr")


def test_names_for_agents() -> None:
    assert language_name("de") == "German"
    assert language_name("xx") == "xx"
