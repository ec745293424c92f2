"""The search syntax: what an agent types, read into a typed Query and written back."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caredesk.core.vocabulary import Priority, Status
from caredesk.search import Filter, Kind, Query, QueryError, Term, fold, parse
from caredesk.search.query import MAX_FILTERS, MAX_LENGTH, MAX_TERMS, PRIORITIES, STATUSES


def _term(kind: Kind, text: str) -> Term:
    return Term(kind, text, fold(text))


def _word(text: str) -> Term:
    return _term(Kind.WORD, text)


def _error(text: str) -> str:
    with pytest.raises(QueryError) as caught:
        parse(text)
    return str(caught.value)


# --- words, phrases, codes, prefixes, references


def test_words_are_anded_and_keep_their_text_with_a_folded_form() -> None:
    query = parse("Émilie  Straße")
    assert query.clauses == ((_word("Émilie"),), (_word("Straße"),))
    assert [t.folded for t in query.terms] == ["emilie", "strasse"]


def test_folding_keeps_the_marks_that_make_another_letter_in_japanese() -> None:
    assert fold("がっこう") == "がっこう"
    assert fold("ÇA VA") == "ca va"
    assert fold("Ёлка") == "елка"


def test_a_word_keeps_no_punctuation_around_it() -> None:
    assert parse("(refund), please!").terms == (_word("refund"), _word("please"))


@pytest.mark.parametrize(
    "typed",
    ['"charged twice"', "“charged twice”", "„charged twice“", "«charged twice»", "»charged twice«"],
)
def test_phrases_in_straight_and_typographic_quotes(typed: str) -> None:
    query = parse(f"card {typed}")
    assert query.phrases == (_term(Kind.PHRASE, "charged twice"),)
    assert query.terms == (_word("card"),)
    assert str(query) == 'card "charged twice"'


def test_a_phrase_has_its_whitespace_folded() -> None:
    assert parse('"  charged \t twice "').phrases == (_term(Kind.PHRASE, "charged twice"),)


@pytest.mark.parametrize("code", ["10501", "E1042", "INV-2026-0042", "kim@example.org", "ana@"])
def test_numbers_codes_and_addresses_are_exact_tokens(code: str) -> None:
    assert parse(f"{code},").exact == (_term(Kind.EXACT, code),)


def test_hash_and_a_number_is_a_ticket_reference() -> None:
    query = parse("#123 #0042")
    assert query.references == (123, 42)
    assert str(query) == "#123 #42"


def test_a_number_too_long_for_a_ticket_is_an_exact_token_not_a_reference() -> None:
    query = parse("#" + "9" * 19)
    assert query.references == ()
    assert query.exact == (_term(Kind.EXACT, "9" * 19),)


def test_a_prefix() -> None:
    query = parse("Refun*")
    assert query.prefixes == (Term(Kind.PREFIX, "Refun", "refun"),)
    assert str(query) == "Refun*"


def test_a_one_letter_prefix_is_refused() -> None:
    assert "at least 2 letters" in _error("r*")


def test_a_word_with_a_colon_that_is_no_key_is_a_word() -> None:
    query = parse("https://x.y re: note:later")
    assert query.terms == (_word("https://x.y"), _word("re"), _word("note:later"))
    assert query.filters == ()


# --- negation and OR


def test_negation_of_words_phrases_and_filters() -> None:
    query = parse('refund -spam -"out of office" -tag:spam')
    assert query.terms == (_word("refund"),)
    assert query.excluded == (_word("spam"), _term(Kind.PHRASE, "out of office"))
    assert query.filters == (Filter("tag", "spam", negated=True),)
    assert query.negations == (*query.excluded, Filter("tag", "spam", negated=True))
    assert str(query) == 'refund -spam -"out of office" -tag:spam'


def test_a_lone_dash_says_nothing() -> None:
    assert parse("refund - card").terms == (_word("refund"), _word("card"))


def test_or_joins_neighbouring_terms_and_and_is_implicit() -> None:
    query = parse('refund OR chargeback "charged twice" OR #12 card')
    assert query.clauses == (
        (_word("refund"), _word("chargeback")),
        (_term(Kind.PHRASE, "charged twice"), Term(Kind.REFERENCE, "12", "12")),
        (_word("card"),),
    )
    assert str(query) == 'refund OR chargeback "charged twice" OR #12 card'


def test_lower_case_or_is_a_word() -> None:
    assert parse("refund or chargeback").clauses == (
        (_word("refund"),),
        (_word("or"),),
        (_word("chargeback"),),
    )


def test_a_leading_trailing_or_doubled_or_says_nothing() -> None:
    assert parse("OR refund OR OR card OR") == parse("refund OR card")


def test_an_excluded_or_is_the_word() -> None:
    assert parse("-OR").excluded == (_word("OR"),)


@pytest.mark.parametrize("typed", ["status:open OR refund", "refund OR -card", "-card OR refund"])
def test_or_next_to_a_filter_or_an_exclusion_is_refused(typed: str) -> None:
    assert "OR joins words and phrases" in _error(typed)


# --- filters


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("status:Open", Filter("status", "open")),
        ("from:ana@", Filter("from", "ana@")),
        ("from:@Example.com", Filter("from", "@example.com")),
        ("to:billing@example.com", Filter("to", "billing@example.com")),
        ("tag:vip", Filter("tag", "vip")),
        ('team:"Billing EU"', Filter("team", "Billing EU")),
        ("assignee:ME", Filter("assignee", "me")),
        ("assignee:none", Filter("assignee", "none")),
        ("assignee:kim@example.org", Filter("assignee", "kim@example.org")),
        ("mailbox:support@example.com", Filter("mailbox", "support@example.com")),
        ("priority:URGENT", Filter("priority", "urgent")),
        ("language:DE", Filter("language", "de")),
        ("category:payment", Filter("category", "payment")),
        ("is:unanswered", Filter("is", "unanswered")),
        ("is:upset", Filter("is", "upset")),
        ("after:2026-11-01", Filter("after", "2026-11-01")),
        ("before:2026-12-01", Filter("before", "2026-12-01")),
        ("after:7d", Filter("after", "7d")),
        ("before:2W", Filter("before", "2w")),
    ],
)
def test_every_filter_key(typed: str, read: Filter) -> None:
    query = parse(f"refund {typed}")
    assert query.filters == (read,)
    assert query.terms == (_word("refund"),)
    assert parse(str(query)) == query


def test_filters_and_together_in_the_order_typed() -> None:
    query = parse("tag:vip status:open tag:refund")
    assert query.filters == (
        Filter("tag", "vip"),
        Filter("status", "open"),
        Filter("tag", "refund"),
    )


def test_keys_are_read_in_any_case_and_a_status_with_a_dash() -> None:
    assert parse("Status:ON-HOLD").filters == (Filter("status", "on_hold"),)


def test_dates_and_days_back() -> None:
    after, back, weeks = parse("after:2026-11-01 after:007d before:2w").filters
    assert (after.date, after.days_ago) == (date(2026, 11, 1), None)
    assert (back.value, back.date, back.days_ago) == ("7d", None, 7)
    assert weeks.days_ago == 14


def test_a_quoted_value_in_typographic_quotes_and_unbalanced() -> None:
    assert parse("team:„Billing EU“").filters == (Filter("team", "Billing EU"),)
    assert parse('team:"Billing EU').filters == (Filter("team", "Billing EU"),)


def test_a_value_keeps_the_at_and_loses_trailing_punctuation() -> None:
    assert parse("(from:ana@), tag:spam.").filters == (
        Filter("from", "ana@"),
        Filter("tag", "spam"),
    )


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("status:bogus", "status must be one of new, open, pending, on_hold, solved, closed"),
        ("priority:meh", "priority must be one of urgent, high, normal, low"),
        ("is:happy", "is must be one of unanswered, upset"),
        ("language:english", "language must be a language code such as en, de or ja"),
        ("after:yesterday", "after must be a date (2026-11-01) or days or weeks back (7d, 2w)"),
        ("before:2026-02-30", "before:2026-02-30 is not a day of the calendar"),
        ("after:99999d", "after reaches back at most 3660 days"),
        ("status:", "status: needs a value (one of new, open, pending, on_hold, solved, closed)."),
        ('team:""', "team: needs a value."),
        ("-tag:", "tag: needs a value."),
        ("from:", "from: needs a value (an address or part of one: ana@, @example.com)."),
        ("tag:" + "x" * 101, "A tag: value is at most 100 characters."),
    ],
)
def test_a_bad_value_is_a_clear_error(typed: str, message: str) -> None:
    assert _error(typed) == message


def test_the_choices_are_the_tickets() -> None:
    assert set(STATUSES) == set(Status.values)
    assert set(PRIORITIES) == set(Priority.values)


def test_query_error_is_an_invalid_request_which_the_interfaces_answer_with_a_400() -> None:
    from caredesk.core.errors import InvalidRequest

    assert issubclass(QueryError, InvalidRequest)


# --- limits and hostile input


def test_at_most_200_characters() -> None:
    assert parse("a" * MAX_LENGTH).terms == (_word("a" * MAX_LENGTH),)
    assert _error("a" * (MAX_LENGTH + 1)) == "A search is at most 200 characters; this one has 201."


def test_ten_kilobytes_are_refused_before_they_are_read() -> None:
    assert _error("refund " * 1500) == "A search is at most 200 characters; this one has 10,500."


def test_padding_does_not_count() -> None:
    assert str(parse(" " * 300 + "refund" + " " * 300)) == "refund"


def test_at_most_32_terms_and_32_filters() -> None:
    assert len(parse(" ".join(["ab"] * MAX_TERMS)).terms) == MAX_TERMS
    assert _error(" ".join(["ab"] * (MAX_TERMS + 1))) == (
        "A search has at most 32 words; this one has 33."
    )
    assert _error(" ".join(["tag:a"] * (MAX_FILTERS + 1))) == (
        "A search has at most 32 filters; this one has 33."
    )


@pytest.mark.parametrize(
    "typed", ["", "   ", "!!! ??? ...", '"" “ ”', "- -- ---", "* ** #", "\x00\x00"]
)
def test_nothing_to_find_is_an_empty_query(typed: str) -> None:
    query = parse(typed)
    assert query.is_empty
    assert query == Query()
    assert str(query) == ""


def test_an_unbalanced_quote_runs_to_the_end() -> None:
    assert parse('card "charged twice').phrases == (_term(Kind.PHRASE, "charged twice"),)
    assert str(parse('card "charged twice')) == 'card "charged twice"'


def test_nul_bytes_and_control_characters_separate_words() -> None:
    assert parse("ref\x00und\tcard\r\n").terms == (_word("ref"), _word("und"), _word("card"))


def test_emoji_are_words() -> None:
    assert parse("😡 refund 👍🏽").terms == (_word("😡"), _word("refund"), _word("👍🏽"))


def test_japanese_without_spaces_is_one_word_with_its_text_kept() -> None:
    query = parse("返金してください　注文番号１２３")  # an ideographic space, full-width digits
    assert query.terms == (_word("返金してください"),)
    assert query.exact == (_term(Kind.EXACT, "注文番号123"),)


def test_full_width_forms_read_as_plain_ones() -> None:
    assert parse("ｓｔａｔｕｓ：ｏｐｅｎ").filters == (Filter("status", "open"),)


def test_the_module_imports_no_django() -> None:
    code = "import sys, caredesk.search; print(any(m.startswith('django') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- written back


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("REFUND   or  Card", "REFUND or Card"),
        ("status:OPEN refund", "refund status:open"),
        ("-tag:spam -spam refund", "refund -spam -tag:spam"),
        ("team:Billing", "team:Billing"),
        ('team:"Billing EU" tag:"vip"', 'team:"Billing EU" tag:vip'),
        ('tag:"(vip)"', 'tag:"(vip)"'),
        ("tag:(vip", 'tag:"(vip"'),
        ('tag:a"b', 'tag:a"b'),
        ("«facture» refun**", '"facture" refun*'),
    ],
)
def test_written_back_canonically(typed: str, canonical: str) -> None:
    query = parse(typed)
    assert str(query) == canonical
    assert parse(canonical) == query


# What agents type, and what the parser must survive: the alphabet the strategies draw from.
MARKS = [" ", "-", '"', "“", "”", "„", "«", "»", ":", "*", "#", "@", "(", ")", ",", ".", "OR"]
KEYS = ["status:", "tag:", "team:", "from:", "after:", "is:", "assignee:", "language:", "x:"]
VALUES = ["open", "spam", "7d", "2026-11-01", "me", "none", "upset", "en", "123", "E1042"]
ODD = [
    "refund",
    "Émilie",
    "返金",
    "😡",
    "ß",
    "İ",
    "ｓ",
    "\u0301",
    "\ufeff",
    "\u3000",
    "\ud800",
    "\x00",
]
SYNTAX = st.sampled_from([*MARKS, *KEYS, *VALUES, *ODD])
QUERIES = st.one_of(st.lists(SYNTAX, max_size=40).map("".join), st.text(max_size=300))


@settings(max_examples=3000, deadline=None)
@given(QUERIES)
def test_parse_raises_only_query_error_and_its_writing_reads_back_the_same(typed: str) -> None:
    try:
        query = parse(typed)
    except QueryError as error:
        assert str(error)
        return
    written = str(query)
    assert len(written) <= MAX_LENGTH
    assert parse(written) == query
    assert str(parse(written)) == written
