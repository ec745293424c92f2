"""The composer's light formatting: what it renders, what the plain part reads, and that
nothing typed reaches the customer's mail client as script, style or an event handler."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caredesk.outbound.formatting import (
    formatted_html,
    formatted_plain,
    html_clean,
    plain_as_html,
    quoted_plain,
)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


def tags_of(html: str) -> list[tuple[str, dict[str, str | None]]]:
    """The tags (and their attributes) a browser would build from `html`."""
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser.found


SAFE_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a"}


def assert_safe(html: str) -> None:
    for tag, attrs in tags_of(html):
        assert tag in SAFE_TAGS, tag
        assert not [a for a in attrs if a.startswith("on") or a == "style"], attrs
        if tag == "a":
            assert re.match(r"(https?|mailto):", attrs.get("href") or ""), attrs
            assert "noopener" in (attrs.get("rel") or "")


def test_bold_italics_and_paragraphs() -> None:
    html = formatted_html("Hi **Ana**, this is *really* _done_.\nSecond line.\n\nNext paragraph.")
    assert html == (
        "<p>Hi <strong>Ana</strong>, this is <em>really</em> <em>done</em>.<br>Second line.</p>\n"
        "<p>Next paragraph.</p>"
    )


def test_words_with_underscores_and_lone_stars_stay_as_written() -> None:
    html = formatted_html("Set max_upload_size to 5 * 3 and 2*4 ** 2.")
    assert "<em>" not in html and "<strong>" not in html
    assert "max_upload_size" in html


def test_bulleted_and_numbered_lists() -> None:
    html = formatted_html("Next:\n- first\n- second\n\n1. one\n2. two")
    assert html == (
        "<p>Next:</p>\n<ul><li>first</li><li>second</li></ul>\n<ol><li>one</li><li>two</li></ol>"
    )


def test_nested_lists_and_a_numbered_list_that_starts_later() -> None:
    html = formatted_html("- fruit\n  - apple\n  - pear\n- veg\n\n3. three\n4. four")
    assert html == (
        "<ul><li>fruit<ul><li>apple</li><li>pear</li></ul></li><li>veg</li></ul>\n"
        '<ol start="3"><li>three</li><li>four</li></ol>'
    )


def test_a_list_ends_at_an_unindented_line() -> None:
    html = formatted_html("- one\n- two\nThanks, Ann")
    assert html == "<ul><li>one</li><li>two</li></ul>\n<p>Thanks, Ann</p>"


def test_links_written_and_bare_get_rel_noopener() -> None:
    html = formatted_html(
        "See [the guide](https://example.com/a_b?x=1&y=2) or https://example.com/c_d."
    )
    assert (
        '<a href="https://example.com/a_b?x=1&amp;y=2" rel="noopener noreferrer">the guide</a>'
        in html
    )
    assert (
        '<a href="https://example.com/c_d" rel="noopener noreferrer">https://example.com/c_d</a>.'
        in html
    )
    assert "<em>" not in html  # the underscores in the addresses are not emphasis


def test_mailto_links() -> None:
    html = formatted_html("[write to us](mailto:help@example.com)")
    assert '<a href="mailto:help@example.com" rel="noopener noreferrer">write to us</a>' in html


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '<a href="javascript:alert(1)" onclick="alert(2)">x</a>',
        "<style>body{display:none}</style>",
        "<svg onload=alert(1)>",
        "<iframe src=https://evil.example></iframe>",
        '"><script>alert(1)</script>',
    ],
)
def test_html_typed_into_a_reply_is_text(hostile: str) -> None:
    html = formatted_html(f"Hello {hostile} there")
    assert_safe(html)
    assert {tag for tag, _ in tags_of(html)} <= {"p", "a"}
    assert "&lt;" in html  # shown to the customer as the characters typed


@pytest.mark.parametrize(
    "link",
    [
        "[click](javascript:alert(1))",
        "[click](JavaScript:alert(1))",
        "[click](data:text/html;base64,PHNjcmlwdD4=)",
        "[click](vbscript:msgbox)",
        "[click](/relative/path)",
    ],
)
def test_links_only_to_http_https_and_mailto(link: str) -> None:
    html = formatted_html(link)
    assert "<a" not in html and "href" not in html
    assert "click" in html


def test_nested_lists_with_hostile_items_stay_clean() -> None:
    html = formatted_html(
        "- <b onmouseover=alert(1)>one</b>\n  - [x](javascript:alert(1))\n    1. **<script>**"
    )
    assert "<ul><li>&lt;b onmouseover=alert(1)&gt;one&lt;/b&gt;<ul><li>" in html
    assert "<ol><li><strong>&lt;script&gt;</strong></li></ol>" in html
    assert_safe(html)
    assert "href" not in html


def test_the_cleaner_removes_what_is_not_allowed() -> None:
    """Defence in depth: the renderer escapes everything, and nh3 checks its output anyway."""
    dirty = (
        '<p onclick="x()">a<script>alert(1)</script><a href="javascript:x">b</a>'
        '<a href="https://example.com" target="_blank" style="color:red">c</a>'
        '<img src="https://t.example/p.gif"><style>p{}</style></p>'
    )
    assert html_clean(dirty) == (
        '<p>ab<a href="https://example.com" rel="noopener noreferrer">c</a></p>'
    )


def test_plain_part_reads_as_written_with_links_as_text_and_address() -> None:
    written = "Hi **Ana**,\n\n- see [the guide](https://example.com/g)\n- or https://example.com/h"
    assert formatted_plain(written) == (
        "Hi **Ana**,\n\n- see the guide (https://example.com/g)\n- or https://example.com/h"
    )
    assert formatted_plain("[https://example.com](https://example.com)") == "https://example.com"


def test_plain_text_as_html_and_as_a_quote() -> None:
    assert plain_as_html("a <b>\nc\n\nhttps://x.example/") == (
        '<p>a &lt;b&gt;<br>c</p>\n<p><a href="https://x.example/">https://x.example/</a></p>'
    )
    assert quoted_plain("one\n\ntwo\n") == "> one\n>\n> two"


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from([*"ab <>\"'=/*_-[]()1.:\n\t", "javascript:", "https://", "on", "  - "]),
        max_size=60,
    ).map("".join)
)
def test_no_text_makes_a_tag_outside_the_allow_list(text: str) -> None:
    assert_safe(formatted_html(text))
