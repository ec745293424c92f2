"""Language detection on short texts: accuracy and time per text. Prints JSON.

    python bench/language.py

Four labelled sets, each line "code<TAB>text":

- lingua (bench/data/language/lingua.tsv), the test set: 40 sentences of 20-120 characters
  (8-50 in Chinese and Japanese) in each of the 16 default CAREDESK_LANGUAGES, from the test
  data of pemistahl/lingua-py (Apache-2.0), whose sentences come from the Wortschatz corpora of
  Leipzig University (CC BY). Reported; nothing was tuned on it.
- lingua_dev (bench/data/language/lingua_dev.tsv), the development set: every other sentence
  of those files of the same lengths (about 9,000, none in the test set). The thresholds and
  the close-language weights (caredesk/language/close.py) were chosen on it.
- support (tests/fixtures/upset/labelled.tsv), self-written: short support emails (calm
  reports and upset customers) in eight languages, the set the upset-level test uses.
- support_public (bench/data/language/support_public.tsv), public and support-style: 50
  whole-sentence error and help messages (20-160 characters, 8-80 in Chinese and Japanese) in
  each of the 16 languages, from the community translations of Nextcloud's mail, deck and
  calendar apps (AGPL-3.0). Chosen by rules fixed before it was first measured; nothing was
  tuned on it.

The lingua and support_public sets are not kept in the repository: bench/language_build.py and
bench/language_build_support.py rebuild them from clones (see bench/data/language/README.md).
`--set NAME` measures one set only.

A text counts as right only when detection names its language; "unknown" (too short or unsure,
where intake keeps the customer's known language) is reported apart from wrong answers.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from caredesk.language.detect import (  # noqa: E402
    MIN_CONFIDENCE,
    SURE,
    UNKNOWN,
    language_detect,
    languages_parse,
)
from caredesk.language.upset import upset_assess  # noqa: E402

DESK = languages_parse("en,de,fr,es,it,nl,pt,pl,sv,da,no,fi,ja,zh,ru,tr")
SETS = {
    "lingua": ROOT / "bench" / "data" / "language" / "lingua.tsv",
    "lingua_dev": ROOT / "bench" / "data" / "language" / "lingua_dev.tsv",
    "support": ROOT / "tests" / "fixtures" / "upset" / "labelled.tsv",
    "support_public": ROOT / "bench" / "data" / "language" / "support_public.tsv",
}
EMAIL = (
    "Hallo, ich habe am Montag die Bestellung 55731 aufgegeben und noch keine "
    "Versandbestätigung bekommen. Können Sie bitte nachsehen, ob alles in Ordnung ist?"
)


def _read(path: Path) -> tuple[str, list[tuple[str, str]]]:
    """The set's source (its first comment line) and its (code, text) rows."""
    rows: list[tuple[str, str]] = []
    source = path.relative_to(ROOT).as_posix()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# ") and not rows:
            source = line[2:]
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        code, text = (fields[1], fields[2]) if len(fields) == 3 else (fields[0], fields[1])
        rows.append((code, text))
    return source, rows


def measure(rows: list[tuple[str, str]]) -> dict[str, object]:
    times: list[float] = []
    right, unknown, sure_wrong = 0, 0, 0
    wrong: list[str] = []
    per_language: Counter[str] = Counter()
    right_per_language: Counter[str] = Counter()
    for code, text in rows:
        start = time.perf_counter()
        found = language_detect(text, languages=DESK)
        times.append((time.perf_counter() - start) * 1000)
        per_language[code] += 1
        if found.language == code:
            right += 1
            right_per_language[code] += 1
        elif found.language == UNKNOWN:
            unknown += 1
        else:
            sure_wrong += found.sure
            wrong.append(f"{code}->{found.language} {found.confidence}: {text[:60]}")
    times.sort()
    return {
        "texts": len(rows),
        "languages": len(per_language),
        "accuracy": round(right / len(rows), 4),
        "right": right,
        "unknown": unknown,
        "wrong": len(wrong),
        "wrong_when_sure": sure_wrong,
        "accuracy_when_decided": round(right / max(1, len(rows) - unknown), 4),
        "per_language": {
            code: {"texts": n, "accuracy": round(right_per_language[code] / n, 4)}
            for code, n in per_language.items()
        },
        "ms_p50": round(statistics.median(times), 3),
        "ms_p95": round(times[int(len(times) * 0.95) - 1], 3),
        "ms_max": round(times[-1], 3),
        "wrong_examples": wrong[:10],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=sorted(SETS), help="measure this set only")
    args = parser.parse_args()
    language_detect(EMAIL, languages=DESK)  # load the model once, as a worker does
    report: dict[str, object] = {
        "detector": "py3langid, then caredesk/language/close.py for close languages",
        "desk_languages": list(DESK),
        "min_confidence": MIN_CONFIDENCE,
        "sure": SURE,
    }
    for name, path in SETS.items():
        if args.set and name != args.set:
            continue
        if not path.exists():
            report[name] = f"missing: {path} (see bench/data/language/README.md)"
            continue
        source, rows = _read(path)
        report[name] = {"source": source, **measure(rows)}
    start = time.perf_counter()
    for _ in range(1000):
        language_detect(EMAIL, languages=DESK)
    report["ms_for_1000_detections"] = round((time.perf_counter() - start) * 1000, 1)
    start = time.perf_counter()
    for _ in range(1000):
        upset_assess(EMAIL, language="de")
    report["ms_for_1000_upset_assessments"] = round((time.perf_counter() - start) * 1000, 1)
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
