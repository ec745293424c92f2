"""Field types the API's schemas share: text a database can store, email addresses."""

from __future__ import annotations

from typing import Annotated

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from ninja import Field
from pydantic import AfterValidator


def _storable(value: str) -> str:
    # PostgreSQL refuses NUL in text, and a lone surrogate (valid in JSON) cannot be encoded as
    # UTF-8 by either database: refuse both here instead of failing on write.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text (no lone surrogates)") from None
    return value


def _email(value: str) -> str:
    value = value.strip().lower()
    try:
        validate_email(value)
    except ValidationError:
        raise ValueError(f"{value!r} is not an email address") from None
    return value


Text = Annotated[str, AfterValidator(_storable)]
Email = Annotated[str, Field(max_length=254), AfterValidator(_storable), AfterValidator(_email)]
