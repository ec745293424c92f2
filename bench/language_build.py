"""Build the labelled language-detection sets (bench/data/language/) from a public one.

    python bench/language_build.py --lingua MIRROR.git

MIRROR.git is a git directory (a clone or a bare mirror) of pemistahl/lingua-py. Its
`language-testdata/sentences/<code>.txt` hold sentences per language from the Wortschatz
corpora of Leipzig University. From each of the desk's default languages this takes the
sentences the length of a short support email's line (SHORT_MIN..SHORT_MAX characters; fewer
for Chinese and Japanese, written without spaces) and ranks them by a hash of the sentence, so
the sets are the same on every run:

- lingua.tsv, the test set: the first PER_LANGUAGE of each language. Reported, never tuned on.
- lingua_dev.tsv, the development set: all the others (about 9,000). What the detector's
  thresholds and close-language weights were chosen on.

No sentence is in both. Nothing from lingua is imported or run; the files are read as text.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
from pathlib import Path

OUT = Path(__file__).parent / "data" / "language" / "lingua.tsv"
DEV = OUT.with_name("lingua_dev.tsv")
PER_LANGUAGE = 40
SHORT_MIN, SHORT_MAX = 20, 120
CJK_MIN, CJK_MAX = 8, 50
# caredesk's code (py3langid's) -> lingua's file name.
LANGUAGES = {
    "en": "en", "de": "de", "fr": "fr", "es": "es", "it": "it", "nl": "nl", "pt": "pt",
    "pl": "pl", "sv": "sv", "da": "da", "no": "nb", "fi": "fi", "ja": "ja", "zh": "zh",
    "ru": "ru", "tr": "tr",
}  # fmt: skip


def git_show(git_dir: Path, path: str) -> str:
    out = subprocess.run(
        ["git", f"--git-dir={git_dir}", "show", f"HEAD:{path}"], check=True, capture_output=True
    )
    return out.stdout.decode("utf-8")


def git_commit(git_dir: Path) -> str:
    out = subprocess.run(
        ["git", f"--git-dir={git_dir}", "rev-parse", "HEAD"], check=True, capture_output=True
    )
    return out.stdout.decode().strip()


def ranked(sentences: list[str], code: str) -> list[str]:
    """The short sentences of one language, in the order of their hash."""
    low, high = (CJK_MIN, CJK_MAX) if code in ("ja", "zh") else (SHORT_MIN, SHORT_MAX)
    short = {s.strip() for s in sentences if low <= len(s.strip()) <= high and "\t" not in s}
    return sorted(short, key=lambda s: hashlib.sha256(s.encode()).hexdigest())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lingua", type=Path, required=True, help="git dir of lingua-py")
    args = parser.parse_args()
    commit = git_commit(args.lingua)
    source = f"# pemistahl/lingua-py@{commit} language-testdata/sentences (Wortschatz, Leipzig)"
    test, dev = [source], [source + ", development set"]
    for code, name in LANGUAGES.items():
        text = git_show(args.lingua, f"language-testdata/sentences/{name}.txt")
        order = ranked(text.splitlines(), code)
        test += [f"{code}\t{s}" for s in order[:PER_LANGUAGE]]
        dev += [f"{code}\t{s}" for s in order[PER_LANGUAGE:]]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    for path, lines in ((OUT, test), (DEV, dev)):
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"{len(lines) - 1} sentences in {len(LANGUAGES)} languages -> {path}")


if __name__ == "__main__":
    main()
