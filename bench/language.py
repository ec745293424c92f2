"""Language detection on short texts: accuracy and time per text. Prints JSON.

    python bench/language.py

Two labelled sets, each line "code<TAB>text":

- bench/data/language/lingua.tsv, public: 40 sentences of 20-120 characters (8-50 in Chinese
  and Japanese) in each of the 16 default CAREDESK_LANGUAGES, from the test data of
  pemistahl/lingua-py (Apache-2.0), whose sentences come from the Wortschatz corpora of
  Leipzig University (CC BY). Not kept in the repository: bench/language_build.py rebuilds it
  from a clone (see bench/data/language/README.md).
- tests/fixtures/upset/labelled.tsv, self-written: short support emails (calm reports and upset
  customers) in eight languages, the set the upset-level test uses.

A text counts as right only when detection names its language; "unknown" (too short or unsure,
where intake keeps the customer's known language) is reported apart from wrong answers.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from caredesk.language.detect import UNKNOWN, language_detect, languages_parse  # noqa: E402
from caredesk.language.upset import upset_assess  # noqa: E402

DESK = languages_parse("en,de,fr,es,it,nl,pt,pl,sv,da,no,fi,ja,zh,ru,tr")
SETS = {
    "lingua": ROOT / "bench" / "data" / "language" / "lingua.tsv",
    "support": ROOT / "tests" / "fixtures" / "upset" / "labelled.tsv",
}
EMAIL = (
    "Hallo, ich habe am Montag die Bestellung 55731 aufgegeben und noch keine "
    "Versandbestätigung bekommen. Können Sie bitte nachsehen, ob alles in Ordnung ist?"
)


def _read(path: Path) -> list[tuple[str, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        code, text = (fields[1], fields[2]) if len(fields) == 3 else (fields[0], fields[1])
        rows.append((code, text))
    return rows


def measure(rows: list[tuple[str, str]]) -> dict[str, object]:
    times: list[float] = []
    right = unknown = 0
    wrong: list[str] = []
    for code, text in rows:
        start = time.perf_counter()
        found = language_detect(text, languages=DESK)
        times.append((time.perf_counter() - start) * 1000)
        if found.language == code:
            right += 1
        elif found.language == UNKNOWN:
            unknown += 1
        else:
            wrong.append(f"{code}->{found.language}: {text[:60]}")
    times.sort()
    return {
        "texts": len(rows),
        "languages": len({code for code, _ in rows}),
        "accuracy": round(right / len(rows), 4),
        "unknown": unknown,
        "wrong": len(wrong),
        "accuracy_when_decided": round(right / max(1, len(rows) - unknown), 4),
        "ms_p50": round(statistics.median(times), 3),
        "ms_p95": round(times[int(len(times) * 0.95) - 1], 3),
        "ms_max": round(times[-1], 3),
        "wrong_examples": wrong[:10],
    }


def main() -> None:
    language_detect(EMAIL, languages=DESK)  # load the model once, as a worker does
    report: dict[str, object] = {"detector": "py3langid", "desk_languages": list(DESK)}
    for name, path in SETS.items():
        if not path.exists():
            report[name] = f"missing: {path} (see bench/data/language/README.md)"
            continue
        report[name] = measure(_read(path))
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
