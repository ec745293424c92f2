"""Build the labelled language-detection set (bench/data/language/lingua.tsv) from a public one.

    python bench/language_build.py --lingua MIRROR.git

MIRROR.git is a git directory (a clone or a bare mirror) of pemistahl/lingua-py. Its
`language-testdata/sentences/<code>.txt` hold sentences per language from the Wortschatz
corpora of Leipzig University. From each of the desk's default languages this takes the
PER_LANGUAGE sentences the length of a short support email's line
(SHORT_MIN..SHORT_MAX characters; fewer for Chinese and Japanese, written without spaces),
chosen by a hash of the sentence so the set is the same on every run. Nothing from lingua is
imported or run; the file is read as text.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
from pathlib import Path

OUT = Path(__file__).parent / "data" / "language" / "lingua.tsv"
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


def pick(sentences: list[str], code: str) -> list[str]:
    low, high = (CJK_MIN, CJK_MAX) if code in ("ja", "zh") else (SHORT_MIN, SHORT_MAX)
    short = {s.strip() for s in sentences if low <= len(s.strip()) <= high and "\t" not in s}
    ranked = sorted(short, key=lambda s: hashlib.sha256(s.encode()).hexdigest())
    return ranked[:PER_LANGUAGE]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lingua", type=Path, required=True, help="git dir of lingua-py")
    args = parser.parse_args()
    commit = git_commit(args.lingua)
    lines = [f"# pemistahl/lingua-py@{commit} language-testdata/sentences (Wortschatz, Leipzig)"]
    for code, name in LANGUAGES.items():
        text = git_show(args.lingua, f"language-testdata/sentences/{name}.txt")
        lines += [f"{code}\t{s}" for s in pick(text.splitlines(), code)]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines) - 1} sentences in {len(LANGUAGES)} languages -> {OUT}")


if __name__ == "__main__":
    main()
