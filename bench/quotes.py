"""How well caredesk separates a customer's words from quoted history, side by side with talon.

    .venv/bin/python bench/quotes.py > quotes.json
    .venv/bin/python bench/quotes.py --skip-talon --show-failures    # caredesk alone

Cases come from bench/data/quotes/*.json (built by bench/quotes_build.py from the test suites of
mailgun/talon and closeio/quotequail; see bench/data/quotes/README.md). Each case is an email
body (plain text or HTML) and the words its writer wrote. Both splitters see the same body:
caredesk's `split_reply` (after `html_to_text` for HTML, as the pipeline does), talon's
`quotations.extract_from_plain` / `extract_from_html`, run in its own venv (bench/.venv-talon,
created with talon from PyPI when missing). Prints JSON: exact matches, losses (cases where a
word the customer wrote is missing from what is kept) and milliseconds per email.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from quotes_build import html_words

from caredesk.inbound._html import html_to_text, sanitize_html
from caredesk.inbound.quoting import split_reply

HERE = Path(__file__).parent
DATA = HERE / "data" / "quotes"
TALON_VENV = HERE / ".venv-talon"
TALON_VERSION = "1.4.4"
REPEAT = 20  # timing: each case split this many times, the median kept

# Runs inside talon's venv: cases on stdin, outputs and timings on stdout.
TALON_DRIVER = """
import json, sys, time
import talon
talon.init()  # registers the XPath functions extract_from_html needs
from talon import quotations
cases = json.load(sys.stdin)
out = []
for case in cases:
    html = case["format"] == "html"
    extract = quotations.extract_from_html if html else quotations.extract_from_plain
    times = []
    error = ""
    for _ in range(REPEAT):
        start = time.perf_counter()
        try:
            kept = extract(case["body"])
        except Exception as exc:  # counted as a miss, and reported
            kept, error = "", f"{type(exc).__name__}: {exc}"
        times.append(time.perf_counter() - start)
    times.sort()
    out.append({"kept": kept, "seconds": times[len(times) // 2], "error": error})
json.dump(out, sys.stdout)
"""

_QUOTE_MARK = re.compile(r"^[ \t]*(?:>[ \t]?)+", re.MULTILINE)
_DELIMITER = re.compile(r"^--[ \t]*$", re.MULTILINE)
_WHITESPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w+")


def normalised(text: str, fmt: str) -> str:
    """Text cases compare with runs of whitespace collapsed; HTML cases without any whitespace
    (as talon's own HTML tests do) and without the "> " caredesk writes for a <blockquote>.
    A signature's "-- " line is not a word: caredesk keeps what follows it as the signature."""
    text = _DELIMITER.sub("", text)
    if fmt == "html":
        return _WHITESPACE.sub("", _QUOTE_MARK.sub("", text))
    return _WHITESPACE.sub(" ", text).strip()


def lost(expected: str, kept: str, fmt: str) -> bool:
    if fmt == "html":  # HTML labels have lost their whitespace: look for each word in order
        rest = normalised(kept, fmt).lower()
        for word in _WORD.findall(expected.lower()):
            found = rest.find(word)
            if found < 0:
                return True
            rest = rest[found + len(word) :]
        return False
    want = Counter(_WORD.findall(expected.lower()))
    have = Counter(_WORD.findall(kept.lower()))
    return any(have[word] < count for word, count in want.items())


def caredesk_run(case: dict[str, Any]) -> tuple[str, float]:
    times = []
    kept = ""
    for _ in range(REPEAT):
        start = time.perf_counter()
        text = case["body"]
        if case["format"] == "html":
            text = html_to_text(sanitize_html(text))
        split = split_reply(text)
        kept = "\n\n".join(part for part in (split.new, split.signature) if part)
        times.append(time.perf_counter() - start)
    times.sort()
    return kept, times[len(times) // 2]


def caredesk_split_only(case: dict[str, Any]) -> float:
    text = case["body"]
    if case["format"] == "html":
        text = html_to_text(sanitize_html(text))
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        split_reply(text)
        times.append(time.perf_counter() - start)
    times.sort()
    return times[len(times) // 2]


def talon_python(venv: Path) -> Path:
    python = venv / "bin" / "python"
    if not python.exists():
        print(f"creating {venv} with talon=={TALON_VERSION} from PyPI", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", f"talon=={TALON_VERSION}"], check=True
        )
    return python


def talon_run(venv: Path, cases: list[dict[str, Any]]) -> list[tuple[str, float]]:
    python = talon_python(venv)
    driver = TALON_DRIVER.replace("REPEAT", str(REPEAT))
    result = subprocess.run(
        [str(python), "-c", driver],
        input=json.dumps([{"format": c["format"], "body": c["body"]} for c in cases]),
        capture_output=True,
        text=True,
    )
    if result.returncode:
        sys.exit(f"talon failed:\n{result.stderr}")
    outputs = json.loads(result.stdout)
    for case, output in zip(cases, outputs, strict=True):
        if output["error"]:
            print(f"talon raised on {case['id']}: {output['error']}", file=sys.stderr)
    return [
        (html_words(o["kept"]) if c["format"] == "html" else o["kept"], o["seconds"])
        for c, o in zip(cases, outputs, strict=True)
    ]


def score(
    cases: list[dict[str, Any]], results: list[tuple[str, float]]
) -> tuple[dict[str, Any], list[str], list[str]]:
    exact = 0
    failures: list[str] = []
    losses: list[str] = []
    for case, (kept, _) in zip(cases, results, strict=True):
        if normalised(kept, case["format"]) == normalised(case["expected"], case["format"]):
            exact += 1
        else:
            failures.append(case["id"])
        if lost(case["expected"], kept, case["format"]):
            losses.append(case["id"])
    millis = [seconds * 1000 for _, seconds in results]
    figures = {
        "cases": len(cases),
        "exact": exact,
        "exact_pct": round(100 * exact / len(cases), 1) if cases else None,
        "losses": len(losses),
        "mean_ms": round(statistics.fmean(millis), 4) if millis else None,
        "median_ms": round(statistics.median(millis), 4) if millis else None,
    }
    return figures, failures, losses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA, help="folder of case files")
    parser.add_argument("--talon-venv", type=Path, default=TALON_VENV)
    parser.add_argument("--skip-talon", action="store_true")
    parser.add_argument("--show-failures", action="store_true", help="list failing case ids")
    args = parser.parse_args()

    files = sorted(args.data.glob("*.json"))
    if not files:
        sys.exit(f"no cases in {args.data}: run bench/quotes_build.py first (see its README)")
    every = [case for path in files for case in json.loads(path.read_text())["cases"]]
    # quotequail folds forwarded messages away; caredesk keeps them on purpose: not scored.
    cases = [case for case in every if case.get("policy") != "forward"]
    subsets = {
        "public": cases,
        "tuned_on": [c for c in cases if not c["held_out"]],
        "held_out": [c for c in cases if c["held_out"]],
        "talon_suite": [c for c in cases if c["id"].startswith("talon/")],
        "quotequail_suite": [c for c in cases if c["id"].startswith("quotequail/")],
        "html": [c for c in cases if c["format"] == "html"],
    }
    runners: dict[str, list[tuple[str, float]]] = {"caredesk": [caredesk_run(c) for c in cases]}
    if not args.skip_talon:
        runners["talon"] = talon_run(args.talon_venv, cases)
    index = {case["id"]: n for n, case in enumerate(cases)}
    report: dict[str, Any] = {
        "cases": {name: len(subset) for name, subset in subsets.items()},
        "not_scored_forwards": len(every) - len(cases),
        "sources": [path.name for path in files],
        "repeat": REPEAT,
    }
    for runner, results in runners.items():
        report[runner] = {}
        for name, subset in subsets.items():
            picked = [results[index[c["id"]]] for c in subset]
            figures, failures, losses = score(subset, picked)
            if args.show_failures and name == "public":
                figures["failures"] = failures
                figures["lost_words_in"] = losses
            report[runner][name] = figures
    split_ms = [caredesk_split_only(c) * 1000 for c in cases]
    report["caredesk"]["split_only_mean_ms"] = round(statistics.fmean(split_ms), 4)
    report["caredesk"]["split_only_max_ms"] = round(max(split_ms), 4)
    json.dump(report, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
