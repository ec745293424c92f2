"""Reading the glossary: what the reply assistant's jargon check is given."""

from __future__ import annotations

from dataclasses import dataclass

from caredesk.access import Action, Principal, glossary_check
from caredesk.glossary.models import GlossaryTerm


@dataclass(frozen=True, slots=True)
class Glossary:
    """The whole glossary, read once: (term, plain words, language or "") rows."""

    rows: tuple[tuple[str, str, str], ...]

    def for_language(self, language: str) -> dict[str, str]:
        """term -> plain words for a draft in `language`: the terms for every language and
        those for this one, which win over the same term for every language."""
        general = {term: plain for term, plain, lang in self.rows if not lang}
        specific = {term: plain for term, plain, lang in self.rows if lang == language}
        return {**general, **specific}


def glossary_get(*, principal: Principal) -> Glossary:
    """The desk's glossary, in one query whatever its size: a request reads it once and asks
    it for the draft's language. NotFound for a principal who may not see it (not an agent)."""
    glossary_check(principal, Action.VIEW)
    rows = GlossaryTerm.objects.order_by("term", "language").values_list(
        "term", "plain", "language"
    )
    return Glossary(rows=tuple((term, plain, language) for term, plain, language in rows))
