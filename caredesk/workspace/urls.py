from django.urls import path

from caredesk.workspace.views import (
    actions,
    compose,
    inbox,
    originals,
    password,
    profile,
    session,
    ticket,
)

app_name = "workspace"

urlpatterns = [
    path("sign-in", session.sign_in, name="sign-in"),
    path("sign-out", session.sign_out, name="sign-out"),
    path("password/forgot", password.forgot, name="password-forgot"),
    path("password/sent", password.sent, name="password-sent"),
    path("password/reset/<str:uidb64>/<str:token>", password.reset, name="password-reset"),
    path("", inbox.inbox, name="inbox"),
    path("inbox/saved/<int:pk>", inbox.saved_view, name="saved-view"),
    path("inbox/saved", inbox.saved_view_save, name="saved-view-save"),
    path("inbox/saved/<int:pk>/delete", inbox.saved_view_remove, name="saved-view-delete"),
    path("inbox/bulk", inbox.bulk, name="bulk"),
    path("inbox/<slug:view>", inbox.inbox, name="inbox-view"),
    path("search", inbox.search, name="search"),
    path("tickets/<int:ref>", ticket.ticket, name="ticket"),
    path("tickets/<int:ref>/presence", ticket.presence, name="presence"),
    path("messages/<int:pk>/html", ticket.message_html, name="message-html"),
    path("messages/<int:pk>/text", originals.message_text, name="message-text"),
    path("messages/<int:pk>/original", originals.message_original, name="message-original"),
    path("intake/<int:pk>/original", originals.intake_original, name="intake-original"),
    path("attachments/<int:pk>", ticket.attachment, name="attachment"),
    path("tickets/<int:ref>/reply", compose.reply, name="reply"),
    path("tickets/<int:ref>/draft", compose.draft, name="draft"),
    path("tickets/<int:ref>/draft/discard", compose.discard, name="draft-discard"),
    path("tickets/<int:ref>/messages/<int:pk>/split", compose.split, name="split"),
    path("tickets/<int:ref>/status", actions.set_status, name="status"),
    path("tickets/<int:ref>/priority", actions.set_priority, name="priority"),
    path("tickets/<int:ref>/assign", actions.assign, name="assign"),
    path("tickets/<int:ref>/properties", actions.set_properties, name="properties"),
    path("tickets/<int:ref>/merge", actions.merge, name="merge"),
    path("profile", profile.profile, name="profile"),
]
