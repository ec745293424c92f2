"""Changing the glossary (the admin's form saves through here)."""

from __future__ import annotations

from caredesk.accounts.models import Agent
from caredesk.assistant import LANGUAGES
from caredesk.core import clock
from caredesk.core.errors import InvalidRequest
from caredesk.glossary.models import GlossaryTerm


def glossary_term_clean(term: GlossaryTerm) -> None:
    """Trim `term`'s words and lower its language; InvalidRequest for an empty term or plain
    words, or a language the assistant does not check (empty means every language)."""
    term.term = term.term.strip()
    term.plain = term.plain.strip()
    term.language = term.language.strip().lower()
    if not term.term or not term.plain:
        raise InvalidRequest("a glossary term needs the term and the plain words for it")
    if term.language and term.language not in LANGUAGES:
        raise InvalidRequest(
            f"the language must be one of {', '.join(LANGUAGES)} or empty, not {term.language!r}"
        )


def glossary_term_save(*, term: GlossaryTerm, actor: Agent | None) -> GlossaryTerm:
    """Store `term`, cleaned, as changed by `actor` now."""
    glossary_term_clean(term)
    term.updated_at = clock.now()
    term.updated_by = actor
    term.save()
    return term
