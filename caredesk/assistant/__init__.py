"""The reply assistant: checks an agent's draft and says what a customer would stumble on.

Pure: text in, findings out; no database, no settings, nothing downloaded. The workspace and the
API call `draft_check` with what they know about the ticket.
"""

from caredesk.assistant.checks import (
    FINDING_TYPES,
    LANGUAGES,
    DraftReport,
    Finding,
    Readability,
    draft_check,
)

__all__ = ["FINDING_TYPES", "LANGUAGES", "DraftReport", "Finding", "Readability", "draft_check"]
