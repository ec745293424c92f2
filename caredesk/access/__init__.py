"""The one access policy: may this principal see, or do this to, this thing.

Every interface asks here (the workspace, the API, the Django admin, downloads, and later the
portal and the help centre); nothing else in caredesk decides who sees what. See
docs/decisions/0010-one-access-policy.md.

It imports nothing of caredesk but `core` and `accounts`, so that services and admin modules of
every app can call it; other apps' models are known only through Protocols and field names.
"""

from caredesk.access.content import (
    article_check,
    article_permits,
    template_check,
    template_permits,
    templates_offered,
    templates_reviewer,
    templates_visible,
)
from caredesk.access.policy import (
    Action,
    Decision,
    admin_site_permits,
    attachments_visible,
    conversation_visible,
    customer_change_check,
    customer_fields_editable,
    customers_visible,
    draft_permits,
    drafts_visible,
    intake_check,
    intake_permits,
    intake_visible,
    message_check,
    message_permits,
    messages_visible,
    notification_permits,
    notifications_visible,
    originals_visible,
    saved_view_check,
    saved_view_permits,
    saved_views_visible,
    ticket_check,
    ticket_permits,
    tickets_visible,
)
from caredesk.access.principals import (
    ANONYMOUS,
    AgentPrincipal,
    Anonymous,
    CustomerPrincipal,
    Principal,
    principal_of,
)

__all__ = [
    "ANONYMOUS",
    "Action",
    "AgentPrincipal",
    "Anonymous",
    "CustomerPrincipal",
    "Decision",
    "Principal",
    "admin_site_permits",
    "article_check",
    "article_permits",
    "attachments_visible",
    "conversation_visible",
    "customer_change_check",
    "customer_fields_editable",
    "customers_visible",
    "draft_permits",
    "drafts_visible",
    "intake_check",
    "intake_permits",
    "intake_visible",
    "message_check",
    "message_permits",
    "messages_visible",
    "notification_permits",
    "notifications_visible",
    "originals_visible",
    "principal_of",
    "saved_view_check",
    "saved_view_permits",
    "saved_views_visible",
    "template_check",
    "template_permits",
    "templates_offered",
    "templates_reviewer",
    "templates_visible",
    "ticket_check",
    "ticket_permits",
    "tickets_visible",
]
