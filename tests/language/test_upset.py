"""Upset-customer detection: phrases, shouting and signals that need no language, and few
false alarms on calm problem reports (a labelled set in tests/fixtures/upset)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from caredesk.language.detect import language_detect, languages_parse
from caredesk.language.upset import Signals, Upset, upset_assess

LABELLED = Path(__file__).parent.parent / "fixtures" / "upset" / "labelled.tsv"
DESK = languages_parse("en,de,fr,es,it,nl,pt,pl,sv,da,no,fi,ja,zh,ru,tr")


def _labelled() -> list[tuple[str, str, str]]:
    rows = []
    for line in LABELLED.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            label, language, text = line.split("\t")
            rows.append((label, language, text))
    return rows


def test_the_labelled_set_is_big_enough_and_in_several_languages() -> None:
    rows = _labelled()
    calm = [r for r in rows if r[0] == "calm"]
    upset = [r for r in rows if r[0] == "upset"]
    assert len(calm) >= 60 and len(upset) >= 40
    assert {"en", "de", "fr", "es"} <= {r[1] for r in upset}
    assert {"en", "de", "fr", "es"} <= {r[1] for r in calm}


def test_few_false_alarms_on_calm_reports_and_most_upset_customers_found() -> None:
    calm_alarms: list[str] = []
    missed: list[str] = []
    rows = _labelled()
    for label, _, text in rows:
        level = upset_assess(text, language=language_detect(text, languages=DESK).language).level
        if label == "calm" and level >= Upset.UPSET:
            calm_alarms.append(text)
        if label == "upset" and level < Upset.UPSET:
            missed.append(text)
    calm = sum(1 for r in rows if r[0] == "calm")
    upset = len(rows) - calm
    assert len(calm_alarms) / calm <= 0.10, calm_alarms
    assert (upset - len(missed)) / upset >= 0.80, missed


def test_a_calm_report_is_calm_with_no_reasons() -> None:
    found = upset_assess("The export to CSV is broken, the file is empty.", language="en")
    assert found.level == Upset.CALM
    assert found.reasons == []
    assert found.label == "calm"


@pytest.mark.parametrize(
    ("text", "language", "reason"),
    [
        ("This is the third time I write about this.", "en", "'third time'"),
        ("I will cancel my subscription.", "en", "'i will cancel my subscription'"),
        ("Ich schreibe zum dritten Mal.", "de", "'zum dritten mal'"),
        ("C'est inadmissible.", "fr", "'inadmissible'"),
        ("Es la tercera vez que escribo.", "es", "'tercera vez'"),
    ],
)
def test_phrases_are_named_as_reasons(text: str, language: str, reason: str) -> None:
    found = upset_assess(text, language=language)
    assert reason in found.reasons
    assert found.level >= Upset.UPSET


def test_shouting_and_double_bangs() -> None:
    found = upset_assess("WHERE IS MY ORDER, I PAID LAST WEEK", language="en")
    assert found.reasons == ["shouting"]
    assert "'!!'" in upset_assess("Where is my order!!", language="en").reasons
    # An acronym or two is not shouting.
    assert upset_assess("The SSO login via SAML returns HTTP 403", language="en").reasons == []


def test_an_unknown_language_is_read_with_every_lexicon() -> None:
    assert "'inaceptable'" in upset_assess("inaceptable", language="unknown").reasons


def test_signals_that_need_no_language() -> None:
    calm_text = "Any news on my order?"
    assert upset_assess(calm_text, language="en", signals=Signals()).level == Upset.CALM
    second = upset_assess(calm_text, language="en", signals=Signals(unanswered=2))
    assert second.level == Upset.ANNOYED
    assert second.reasons == ["2nd message without a reply"]
    waited = upset_assess(
        calm_text, language="en", signals=Signals(unanswered=3, waited=timedelta(days=3, hours=2))
    )
    assert waited.reasons == ["3rd message without a reply", "waited 3 days"]
    assert waited.level == Upset.ANGRY
    again = upset_assess(calm_text, language="en", signals=Signals(reopened=True))
    assert again.reasons == ["wrote again after it was closed"]
    hours = upset_assess(calm_text, language="en", signals=Signals(waited=timedelta(hours=30)))
    assert hours.reasons == ["waited 1 day"]
