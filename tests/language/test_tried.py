"""What a customer says they already tried, found in their words (caredesk.language.tried)."""

from __future__ import annotations

import pytest

from caredesk.language.tried import MAX_SENTENCE, tried_sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Hi. I already reinstalled the app and restarted my phone. It still crashes!",
            ["I already reinstalled the app and restarted my phone."],
        ),
        (
            "I tried logging in twice, it didn't work.",
            ["I tried logging in twice, it didn't work."],
        ),
        ("We've cleared the cache on both laptops.", ["We've cleared the cache on both laptops."]),
        (
            "Das ist schon ärgerlich. Ich habe die App bereits neu installiert.",
            ["Ich habe die App bereits neu installiert."],
        ),
        ("J'ai déjà vidé le cache. Rien ne change.", ["J'ai déjà vidé le cache."]),
        ("Ya no funciona la app. Ya he borrado la caché.", ["Ya he borrado la caché."]),
    ],
)
def test_the_sentences_saying_what_was_tried_are_found(text: str, expected: list[str]) -> None:
    assert [t.sentence for t in tried_sentences(text)] == expected


@pytest.mark.parametrize(
    "text",
    [
        "My order 10501 has not arrived. Can you help?",
        "Ya no funciona la aplicación.",  # "ya no": any more, not a step tried
        "Das ist schon ärgerlich.",  # "schon": really
        "I was already charged twice for one order.",  # already charged: not a step
    ],
)
def test_calm_reports_and_look_alike_words_are_not_steps(text: str) -> None:
    assert tried_sentences(text) == []


def test_each_sentence_once_and_cut() -> None:
    long = "I already tried " + "restarting the router and " * 20 + "nothing."
    found = tried_sentences(f"I already restarted. I already restarted. {long}")
    assert found[0].sentence == "I already restarted."
    assert len(found) == 2
    assert len(found[1].sentence) <= MAX_SENTENCE + 1 and found[1].sentence.endswith("…")
