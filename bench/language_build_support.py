"""Build the public support-style language set (bench/data/language/support_public.tsv).

    python bench/language_build_support.py --mail MAIL.git --deck DECK.git --calendar CALENDAR.git

Each is a git directory (a clone or a bare mirror) of one of Nextcloud's apps: nextcloud/mail,
nextcloud/deck and nextcloud/calendar. Their `l10n/<code>.json` hold the apps' messages
("Could not load your message.", "Please contact your administrator.") translated by their
community, in every one of the desk's default languages: the short error and help texts a help
desk meets in its customers' mail, which the news sentences of lingua.tsv are not. One app
alone has too few whole sentences in Danish, Finnish and Norwegian. The rules, fixed before
the detector was run on them:

- a message is taken only when its English original, placeholders and markup removed, is a
  whole sentence: it starts with a capital letter, ends with ".", "!" or "?" (not "...") and
  has at least MIN_WORDS words;
- placeholders ({user}, %s, %1$s, [linkopen]), HTML tags (their text is kept) and URLs are
  removed from both, and the spaces they leave are closed up;
- the translation keeps SHORT_MIN..SHORT_MAX characters (CJK_MIN..CJK_MAX in Chinese and
  Japanese, written without spaces);
- a translation identical to its English original, or whose words are mostly words of the
  original (untranslated, product names), is skipped; so is a Chinese, Japanese or Russian one
  whose letters are mostly not in its script;
- English is the originals themselves, under the same rules;
- each language's texts are de-duplicated and ranked by their sha256; the first PER_LANGUAGE
  are the set, so it is the same on every run.

Nothing from the mirror is run; the files are read as text. The first line of the set names
the commit.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
from pathlib import Path

from language_build import git_commit, git_show  # the same mirror readers

OUT = Path(__file__).parent / "data" / "language" / "support_public.tsv"
APPS = ("mail", "deck", "calendar")
PER_LANGUAGE = 50
MIN_WORDS = 4
SHORT_MIN, SHORT_MAX = 20, 160
CJK_MIN, CJK_MAX = 8, 80
MOSTLY = 0.5
# caredesk's code (py3langid's) -> the apps' l10n file; English is the source.
LANGUAGES = {
    "de": "de", "fr": "fr", "es": "es", "it": "it", "nl": "nl", "pt": "pt_BR", "pl": "pl",
    "sv": "sv", "da": "da", "no": "nb", "fi": "fi", "ja": "ja", "zh": "zh_CN", "ru": "ru",
    "tr": "tr",
}  # fmt: skip
SCRIPTS = {
    "ja": re.compile(r"[\u3040-\u30ff\u3400-\u9fff]"),
    "zh": re.compile(r"[\u3400-\u9fff]"),
    "ru": re.compile(r"[\u0400-\u04ff]"),
}
PLACEHOLDER = re.compile(r"\{\{[^{}]*\}\}|\{[^{}]*\}|%(?:\d+\$)?[sdnu]|%n|\[link(?:open|close)\]")
TAG = re.compile(r"<[^<>]+>")
URL = re.compile(r"https?://\S+")
EMPTY_PAIR = re.compile(r"\"\s*\"|'\s*'|“\s*”|„\s*“|«\s*»|「\s*」|\(\s*\)")
SPACE_BEFORE_MARK = re.compile(r"\s+([.,!?:;。，！？、])")
WORD = re.compile(r"\w{3,}")
SENTENCE_END = (".", "!", "?")


def translations(git_dir: Path, name: str) -> dict[str, str]:
    """English original -> translation; plural forms (lists) are left out."""
    data = json.loads(git_show(git_dir, f"l10n/{name}.json"))["translations"]
    return {en: text for en, text in data.items() if isinstance(text, str) and text.strip()}


def cleaned(text: str) -> str:
    """The text without placeholders, markup and URLs, and without the gaps they leave."""
    text = URL.sub("", TAG.sub("", PLACEHOLDER.sub("", text)))
    text = EMPTY_PAIR.sub("", text)
    text = " ".join(text.split())
    return SPACE_BEFORE_MARK.sub(r"\1", text).strip()


def is_sentence(english: str) -> bool:
    """A whole English sentence, not a label, a heading or a fragment."""
    return (
        english[:1].isupper()
        and english.endswith(SENTENCE_END)
        and not english.endswith("..")
        and len(english.split()) >= MIN_WORDS
    )


def is_short(text: str, code: str) -> bool:
    low, high = (CJK_MIN, CJK_MAX) if code in ("ja", "zh") else (SHORT_MIN, SHORT_MAX)
    return low <= len(text) <= high and "\t" not in text


def is_translated(text: str, english: str, code: str) -> bool:
    """Not the original left as it was, nor mostly its words or product names."""
    if text.casefold() == english.casefold():
        return False
    script = SCRIPTS.get(code)
    if script is not None:
        letters = [c for c in text if c.isalpha()]
        return sum(bool(script.match(c)) for c in letters) > MOSTLY * len(letters)
    words = WORD.findall(text.casefold())
    original = set(WORD.findall(english.casefold()))
    return bool(words) and sum(w in original for w in words) <= MOSTLY * len(words)


def ranked(texts: set[str]) -> list[str]:
    return sorted(texts, key=lambda s: hashlib.sha256(s.encode()).hexdigest())


def candidates(by_language: dict[str, list[tuple[str, str]]]) -> dict[str, list[str]]:
    """Each language's texts that pass the rules, in the order of their hash."""
    english: set[str] = set()
    chosen: dict[str, list[str]] = {}
    for code, pairs in by_language.items():
        texts: set[str] = set()
        for original, translation in pairs:
            source, text = cleaned(original), cleaned(translation)
            if not is_sentence(source):
                continue
            if is_short(source, "en"):
                english.add(source)
            if is_short(text, code) and is_translated(text, source, code):
                texts.add(text)
        chosen[code] = ranked(texts)
    return {"en": ranked(english), **chosen}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for app in APPS:
        parser.add_argument(
            f"--{app}", type=Path, required=True, help=f"git dir of nextcloud/{app}"
        )
    args = parser.parse_args()
    dirs: list[Path] = [getattr(args, app) for app in APPS]
    by_language = {
        code: [pair for git_dir in dirs for pair in translations(git_dir, name).items()]
        for code, name in LANGUAGES.items()
    }
    commits = " ".join(
        f"nextcloud/{app}@{git_commit(d)}" for app, d in zip(APPS, dirs, strict=True)
    )
    lines = [f"# {commits} l10n/*.json (AGPL-3.0), whole sentences"]
    for code, texts in candidates(by_language).items():
        if len(texts) < PER_LANGUAGE:
            raise SystemExit(f"{code}: only {len(texts)} texts pass the rules")
        print(f"{code}: {len(texts)} pass, {PER_LANGUAGE} taken")
        lines += [f"{code}\t{text}" for text in texts[:PER_LANGUAGE]]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines) - 1} texts in {len(LANGUAGES) + 1} languages -> {OUT}")


if __name__ == "__main__":
    main()
