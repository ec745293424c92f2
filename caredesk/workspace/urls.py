from django.urls import path

from caredesk.workspace import views

app_name = "workspace"

urlpatterns = [
    path("sign-in", views.sign_in, name="sign-in"),
    path("sign-out", views.sign_out, name="sign-out"),
    path("", views.inbox, name="inbox"),
    path("inbox/<slug:view>", views.inbox, name="inbox-view"),
    path("tickets/<int:ref>", views.ticket, name="ticket"),
    path("tickets/<int:ref>/reply", views.reply, name="reply"),
    path("tickets/<int:ref>/status", views.set_status, name="status"),
    path("tickets/<int:ref>/priority", views.set_priority, name="priority"),
    path("tickets/<int:ref>/assign", views.assign, name="assign"),
    path("tickets/<int:ref>/properties", views.set_properties, name="properties"),
    path("tickets/<int:ref>/merge", views.merge, name="merge"),
    path("tickets/<int:ref>/presence", views.presence, name="presence"),
    path("search", views.search, name="search"),
    path("profile", views.profile, name="profile"),
    path("attachments/<int:pk>", views.attachment, name="attachment"),
]
