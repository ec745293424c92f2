"""Light formatting of what an agent writes: a small Markdown subset, as HTML and as plain text.

Agents type (or the composer's toolbar inserts) `**bold**`, `*italics*` (or `_italics_`),
lines starting `- ` (or `* `, `+ `) for a bulleted list and `1. ` for a numbered one (indented
two spaces or more: a list inside the item above), and `[text](https://...)` for a link; a bare
`https://...` becomes a link too. Nothing else is markup: everything is escaped first, and the
HTML is then cleaned by nh3 against an allow-list, so nothing an agent or a template types can
reach a customer's mail client as script, style or an event handler.

Pure functions: text in, text out; no database, no settings.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

import nh3

# What our HTML may hold, and nothing else (nh3 drops other tags, keeping their text, and
# drops <script> and <style> with their content).
ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "blockquote", "div"}
ALLOWED_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}, "blockquote": {"type"}}
LINK_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "noopener noreferrer"
_HREFLESS_LINK = re.compile(rf'<a rel="{LINK_REL}">(.*?)</a>', re.DOTALL)

_LINK = re.compile(r"\[([^\[\]\n]+)\]\(\s*([^()\s]+)\s*\)")
# A bare address: up to whitespace or <, without the punctuation that usually ends a sentence.
_BARE_URL = re.compile(r"\b(?:https?://|mailto:)[^\s<>\"]+[^\s<>\".,;:!?)\]'*_]")
_STRONG = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_EM_STAR = re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])")
_EM_UNDERSCORE = re.compile(r"(?<![\w_])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![\w_])")
_ITEM = re.compile(
    r"^(?P<indent>[ \t]*)(?:(?P<bullet>[-*+])|(?P<number>\d{1,9})[.)])[ \t]+(?P<text>.*)$"
)


def link_target(url: str) -> str | None:
    """`url` if a link may point there (http, https, mailto), else None."""
    scheme, colon, _ = url.partition(":")
    if not colon or scheme.lower() not in LINK_SCHEMES:
        return None
    return url


def _inline_html(text: str) -> str:
    """One line's text as HTML: links (written or bare) and emphasis; everything else escaped.

    Links are cut out first so that the `_` and `*` in an address are never read as emphasis.
    """
    out: list[str] = []
    pos = 0
    for match in _links(text):
        out.append(_emphasis(html.escape(text[pos : match.start()], quote=False)))
        out.append(_anchor(match))
        pos = match.end()
    out.append(_emphasis(html.escape(text[pos:], quote=False)))
    return "".join(out)


def _links(text: str) -> list[re.Match[str]]:
    """Written links and bare addresses, in order, never overlapping."""
    found = list(_LINK.finditer(text))
    taken = [(m.start(), m.end()) for m in found]
    for bare in _BARE_URL.finditer(text):
        if not any(a <= bare.start() < b for a, b in taken):
            found.append(bare)
    return sorted(found, key=lambda m: m.start())


def _anchor(match: re.Match[str]) -> str:
    if match.re is _LINK:
        label, url = match.group(1), match.group(2)
    else:
        label = url = match.group(0)
    target = link_target(url)
    if target is None:  # javascript:, data:, a relative path ...: shown as the words written
        return _emphasis(html.escape(match.group(0), quote=False))
    label_html = html.escape(label, quote=False)
    if match.re is _LINK:
        label_html = _emphasis(label_html)
    return f'<a href="{html.escape(target, quote=True)}">{label_html}</a>'


def _emphasis(escaped: str) -> str:
    escaped = _STRONG.sub(r"<strong>\1</strong>", escaped)
    escaped = _EM_STAR.sub(r"<em>\1</em>", escaped)
    return _EM_UNDERSCORE.sub(r"<em>\1</em>", escaped)


@dataclass
class _List:
    ordered: bool
    indent: int
    start: int
    items: list[list[str]] = field(default_factory=list)  # each item: its HTML pieces


def _indent_width(indent: str) -> int:
    return len(indent.replace("\t", "    "))


def _lists_html(lines: list[str]) -> str:
    """A block of list lines (and lines continuing an item) as nested <ul>/<ol>."""
    stack: list[_List] = []
    out: list[str] = []

    def close_to(depth: int) -> None:
        while len(stack) > depth:
            done = stack.pop()
            rendered = _list_html(done)
            if stack:
                stack[-1].items[-1].append(rendered)
            else:
                out.append(rendered)

    for line in lines:
        item = _ITEM.match(line)
        if item is None:  # a line continuing the item above
            if stack:
                stack[-1].items[-1].append("<br>" + _inline_html(line.strip()))
            continue
        indent = _indent_width(item["indent"])
        ordered = item["number"] is not None
        while stack and indent < stack[-1].indent:
            close_to(len(stack) - 1)
        if stack and indent == stack[-1].indent and stack[-1].ordered != ordered:
            close_to(len(stack) - 1)  # "1." after "-" at the same depth: a list of its own
        if not stack or indent > stack[-1].indent:
            stack.append(_List(ordered, indent, int(item["number"] or 1)))
        stack[-1].items.append([_inline_html(item["text"])])
    close_to(0)
    return "".join(out)


def _list_html(block: _List) -> str:
    tag = "ol" if block.ordered else "ul"
    start = f' start="{block.start}"' if block.ordered and block.start != 1 else ""
    items = "".join(f"<li>{''.join(pieces)}</li>" for pieces in block.items)
    return f"<{tag}{start}>{items}</{tag}>"


def _blocks(text: str) -> list[list[str]]:
    """Paragraphs: runs of lines between blank lines, a list starting a new one."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if not line.strip():
            if current:
                blocks.append(current)
            current = []
            continue
        starts_list = _ITEM.match(line) is not None
        if (current and starts_list and _ITEM.match(current[0]) is None) or (
            current
            and not starts_list
            and _ITEM.match(current[0]) is not None
            and not line.startswith((" ", "\t"))  # not indented: the list has ended
        ):
            blocks.append(current)
            current = []
        current.append(line)
    if current:
        blocks.append(current)
    return blocks


def formatted_html_fragment(text: str) -> str:
    """`text` (the light Markdown above) as HTML, not yet cleaned: use `formatted_html`."""
    parts: list[str] = []
    for block in _blocks(text):
        if _ITEM.match(block[0]):
            parts.append(_lists_html(block))
        else:
            parts.append("<p>" + "<br>".join(_inline_html(line) for line in block) + "</p>")
    return "\n".join(parts)


def html_clean(fragment: str) -> str:
    """`fragment` with only our allow-list left: tags, attributes, and links to http, https
    and mailto (each with rel=noopener); script and style go with their content."""
    cleaned = nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=LINK_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )
    # A link whose address nh3 refused keeps only its rel: its words stand alone.
    return _HREFLESS_LINK.sub(r"\1", cleaned)


def formatted_html(text: str) -> str:
    """What an agent wrote, as the HTML a customer (and the timeline) sees: rendered, then
    cleaned."""
    return html_clean(formatted_html_fragment(text))


def formatted_plain(text: str) -> str:
    """What an agent wrote, as the plain-text part: as written, but a link reads
    "text (url)" (or the address alone when that is its text)."""

    def plain_link(match: re.Match[str]) -> str:
        label, url = match.group(1), match.group(2)
        return url if label.strip() == url else f"{label} ({url})"

    return _LINK.sub(plain_link, text)


def plain_as_html(text: str) -> str:
    """Plain text (a signature, a customer's message) as HTML: escaped, paragraphs and line
    breaks kept, addresses linked."""
    paragraphs = re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip("\n"))
    rendered = []
    for paragraph in paragraphs:
        lines = paragraph.split("\n")
        rendered.append("<p>" + "<br>".join(_plain_line(line) for line in lines) + "</p>")
    return "\n".join(rendered) if text.strip() else ""


def _plain_line(line: str) -> str:
    out: list[str] = []
    pos = 0
    for match in _BARE_URL.finditer(line):
        out.append(html.escape(line[pos : match.start()], quote=False))
        url = match.group(0)
        out.append(f'<a href="{html.escape(url, quote=True)}">{html.escape(url, quote=False)}</a>')
        pos = match.end()
    out.append(html.escape(line[pos:], quote=False))
    return "".join(out)


def quoted_plain(text: str) -> str:
    """`text` as a quote in a plain-text email: every line prefixed "> " (">" when empty)."""
    return "\n".join(f"> {line}" if line else ">" for line in text.strip("\n").split("\n"))


def html_document(body: str) -> str:
    """A cleaned `body` in the smallest complete HTML document mail clients render alike."""
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head>\n'
        f"<body>\n{body}\n</body></html>\n"
    )
