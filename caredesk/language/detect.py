"""The language of a short text, among the languages the desk works in.

py3langid (a maintained fork of langid.py) scores the text's byte n-grams with the model its
wheel ships; nothing is downloaded. Restricting it to the desk's languages is what makes short
texts reliable: "Danke" is Danish to an unrestricted model. Close languages (Danish, Norwegian,
Swedish; Spanish, Portuguese) are then told apart by their own words (`close`). Thresholds:
docs/language.md and docs/decisions/0018-language-detection-restricted-to-the-desks-languages.md.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from caredesk.language.close import close_decide

UNKNOWN = "unknown"
# Below this many letters (or, in scripts written without spaces, characters), or below this
# confidence, a text is too short to tell: the caller keeps the customer's known language.
# 0.40: on the development set (bench/language.py) no answer between 0.40 and 0.50 was wrong;
# below 0.40 the wrong answers begin.
MIN_LETTERS = 12
MIN_CJK = 4
MIN_CONFIDENCE = 0.40
# Sure enough to become the customer's language (bench/language.py: no wrong answer above it).
SURE = 0.90

_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_URL = re.compile(r"\S+@\S+|https?://\S+|www\.\S+")
# Read at most this much: the first paragraphs say the language as well as the whole email.
READ_CHARS = 2000

_lock = threading.Lock()


@dataclass(frozen=True)
class Detected:
    language: str  # an ISO 639-1 code such as "de", or UNKNOWN
    confidence: float  # 0..1; 0 when UNKNOWN because the text was too short

    @property
    def known(self) -> bool:
        return self.language != UNKNOWN

    @property
    def sure(self) -> bool:
        """Sure enough to take as the customer's language."""
        return self.known and self.confidence >= SURE


NOTHING = Detected(UNKNOWN, 0.0)


def language_detect(text: str, *, languages: Iterable[str]) -> Detected:
    """The language `text` is written in, one of `languages`, with the detector's confidence;
    UNKNOWN when the text is too short or the detector unsure."""
    sample = _URL.sub(" ", text[:READ_CHARS])
    if len(_LETTER.findall(sample)) < MIN_LETTERS and len(_CJK.findall(sample)) < MIN_CJK:
        return NOTHING
    identifier = _identifier(tuple(sorted(set(languages))))
    with _lock:  # the identifier is not documented as thread-safe
        ranked = identifier.rank(sample)
    language, probability = close_decide(sample, ranked)[0]
    confidence = round(float(probability), 4)
    if confidence < MIN_CONFIDENCE:
        return Detected(UNKNOWN, confidence)
    return Detected(str(language), confidence)


@cache
def languages_parse(value: str) -> tuple[str, ...]:
    """The desk's languages from a setting such as "en,de,fr", known to the model only."""
    known = set(_model_languages())
    wanted = [code.strip().lower() for code in value.split(",") if code.strip()]
    return tuple(dict.fromkeys(code for code in wanted if code in known))


@cache
def _model_languages() -> tuple[str, ...]:
    return tuple(str(code) for code in _base().nb_classes)


@cache
def _base() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


@cache
def _identifier(languages: tuple[str, ...]) -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(languages) or None)
    return identifier


# English names of the languages a desk is likely to configure, for agents' pages.
NAMES = {
    "ar": "Arabic", "cs": "Czech", "da": "Danish", "de": "German", "el": "Greek",
    "en": "English", "es": "Spanish", "fi": "Finnish", "fr": "French", "he": "Hebrew",
    "hi": "Hindi", "hu": "Hungarian", "id": "Indonesian", "it": "Italian", "ja": "Japanese",
    "ko": "Korean", "nl": "Dutch", "no": "Norwegian", "pl": "Polish", "pt": "Portuguese",
    "ro": "Romanian", "ru": "Russian", "sk": "Slovak", "sv": "Swedish", "th": "Thai",
    "tr": "Turkish", "uk": "Ukrainian", "vi": "Vietnamese", "zh": "Chinese",
}  # fmt: skip


def language_name(code: str) -> str:
    """ "German" for "de"; the code itself for a language without a name here."""
    return NAMES.get(code, code)
