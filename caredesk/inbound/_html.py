"""Customer HTML: sanitised for display, and flattened to plain text for HTML-only emails."""

from __future__ import annotations

import html as html_lib
import re
from html.parser import HTMLParser

import nh3

# Beyond this much HTML it is marketing or an attack, not a customer's words.
MAX_HTML = 2_000_000
# The sanitiser's HTML tree builder does work proportional to the depth of open elements for
# every block-level tag, so thousands of unclosed <div>s take minutes. No real email nests
# anywhere near this deep.
MAX_NESTING = 400
# Deeper blockquotes are written with this many "> " prefixes, so text stays linear in size.
MAX_QUOTE_PREFIX = 10

_SKIP = frozenset({"script", "style", "head", "title", "template", "xml", "object", "iframe"})
_PARAGRAPH = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "dl", "pre"})
_LINE = frozenset(
    {
        "div", "li", "tr", "dt", "dd", "hr", "section", "article", "header", "footer", "address",
        "center", "caption", "figure", "figcaption", "main", "nav", "aside", "form", "fieldset",
    }
)  # fmt: skip
_VOID = frozenset({"br", "hr", "img", "meta", "link", "input", "area", "col", "wbr", "base"})
_SPACES = re.compile(r"[ \t\r\n\f\v\xa0\u200b\u200c\u200d\ufeff]+")
_ZERO_WIDTH = re.compile(r"[\u200b\u200c\u200d\ufeff]")
_TAG_NAME = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9:-]*)")
# Elements the tree builder closes by itself when the next one starts, so they do not nest.
_SELF_CLOSING = _VOID | {"p", "li", "dt", "dd", "tr", "td", "th", "option", "thead", "tbody"}
_BREAK = re.compile(r"<(?:br|/p|/div|/li|/tr|/h\d)\b[^<>]*>", re.IGNORECASE)
_ANY_TAG = re.compile(r"<[^<>]*>")


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self._buffer: list[str] = []
        self._skip = 0
        self._pre = 0
        self._quote = 0
        self._href = ""
        self._link_text: list[str] = []

    # Lines carry the blockquote depth they were written at, so quote splitting still works.
    def _flush(self, *, force: bool = False) -> None:
        text = "".join(self._buffer)
        self._buffer = []
        if not self._pre:
            text = text.strip(" ")
        if text or force:
            prefix = "> " * min(self._quote, MAX_QUOTE_PREFIX)
            for line in text.split("\n"):
                self.lines.append((prefix + line).rstrip())

    def _blank_line(self) -> None:
        self._flush()
        if self.lines and self.lines[-1].strip(">"):
            self.lines.append(">" * min(self._quote, MAX_QUOTE_PREFIX))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skip += 1
            return
        if tag == "body":  # a <head> that was never closed must not hide the whole message
            self._skip = 0
        elif tag == "br":
            self._flush(force=True)
        elif tag == "blockquote":
            self._blank_line()
            self._quote += 1
        elif tag in _PARAGRAPH:
            self._blank_line()
            if tag == "pre":
                self._pre += 1
        elif tag in _LINE:
            self._flush()
            if tag == "li":
                self._buffer.append("- ")
        elif tag in ("td", "th"):
            self._buffer.append(" ")
        elif tag == "a":
            href = dict(attrs).get("href") or ""
            self._href = href if href.startswith(("http://", "https://")) else ""
            self._link_text = []

    def parse_marked_section(self, i: int, report: bool = True) -> int:
        # The stdlib raises on "<![anything-unexpected"; browsers treat it as a bogus comment.
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:
            end = self.rawdata.find(">", i + 3)
            return -1 if end < 0 else end + 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skip = max(0, self._skip - 1)
        elif self._skip:
            return
        elif tag == "blockquote":
            self._flush()
            self._quote = max(0, self._quote - 1)
            self._blank_line()
        elif tag in _PARAGRAPH:
            if tag == "pre":
                self._pre = max(0, self._pre - 1)
            self._blank_line()
        elif tag in _LINE:
            self._flush()
        elif tag == "a" and self._href:
            text = "".join(self._link_text).strip()
            if text and text != self._href and self._href not in text:
                self._buffer.append(f" ({self._href})")
            self._href = ""

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._pre:
            data = _ZERO_WIDTH.sub("", data.replace("\xa0", " ").replace("\r\n", "\n"))
        else:
            data = _SPACES.sub(" ", data)
            if data == " " and (not self._buffer or self._buffer[-1].endswith(" ")):
                return
        self._buffer.append(data)
        if self._href:
            self._link_text.append(data)

    def text(self) -> str:
        self._flush()
        lines = self.lines
        while lines and lines[-1].strip(">") == "":
            lines.pop()
        start = 0
        while start < len(lines) and lines[start].strip(">") == "":
            start += 1
        return "\n".join(lines[start:])


def html_to_text(html: str) -> str:
    """Readable plain text: block elements become lines, blockquotes are prefixed with "> ".

    Give it sanitised HTML: html.parser takes quadratic time on some malformed markup, and the
    sanitiser's output is always well-formed.
    """
    parser = _TextExtractor()
    try:
        parser.feed(html[:MAX_HTML])
        parser.close()
        return parser.text()
    except Exception:  # html.parser has raised on malformed markup before; keep the words
        return crude_text(html)


def crude_text(html: str) -> str:
    """Tags stripped by pattern, for HTML too hostile to parse. Linear time on any input."""
    flat = html_lib.unescape(_ANY_TAG.sub("", _BREAK.sub("\n", html[:MAX_HTML])))
    lines = (_SPACES.sub(" ", line).strip() for line in flat.splitlines())
    return "\n".join(line for line in lines if line)


# Only presentational properties: nothing that can load a URL (background, list-style-image...).
_STYLE_PROPERTIES = frozenset(
    {
        "color", "background-color", "font-weight", "font-style", "font-size", "font-family",
        "text-align", "text-decoration", "text-indent", "vertical-align", "line-height",
        "white-space", "direction", "width", "height", "max-width", "margin", "margin-left",
        "margin-right", "margin-top", "margin-bottom", "padding", "padding-left", "padding-right",
        "padding-top", "padding-bottom", "border", "border-left", "border-right", "border-top",
        "border-bottom", "border-collapse", "border-color", "border-style", "border-width",
        "list-style-type",
    }
)  # fmt: skip


def _attributes() -> dict[str, set[str]]:
    allowed = {tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()}
    allowed["*"] = {"style", "dir", "lang", "title", "align"}
    allowed["font"] = {"color", "face", "size"}
    allowed["table"] = allowed.get("table", set()) | {"border", "cellpadding", "cellspacing"}
    allowed["table"] |= {"width", "bgcolor"}
    for cell in ("td", "th"):
        allowed[cell] = allowed.get(cell, set()) | {"width", "height", "valign", "bgcolor"}
    return allowed


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    # data: URLs are fine as images (they cannot run script there) but not as links.
    if value[:5].lower() == "data:" and not (
        tag == "img" and attribute == "src" and value[:11].lower() == "data:image/"
    ):
        return None
    return value


_CLEANER = nh3.Cleaner(
    tags=set(nh3.ALLOWED_TAGS) | {"font"},
    clean_content_tags={"script", "style", "title", "iframe", "object", "embed", "template"},
    attributes=_attributes(),
    attribute_filter=_filter_attribute,
    url_schemes={"http", "https", "mailto", "tel", "cid", "data"},
    link_rel="noopener noreferrer nofollow",
    filter_style_properties=set(_STYLE_PROPERTIES),
)


def too_deeply_nested(html: str) -> bool:
    """Whether `html` would open more than MAX_NESTING elements at once (an upper bound)."""
    if html.count("<") <= MAX_NESTING:
        return False
    depth = 0
    for closing, name in _TAG_NAME.findall(html):
        name = name.lower()
        if name in _SELF_CLOSING:
            continue
        if closing:
            depth = depth - 1 if depth else 0
        else:
            depth += 1
            if depth > MAX_NESTING:
                return True
    return False


def sanitize_html(html: str) -> str:
    """Customer HTML made safe to show: no script, event handlers, style sheets, frames or forms.

    Remote images survive here on purpose; the UI blocks them until an agent asks for them.
    """
    return _CLEANER.clean(html)
