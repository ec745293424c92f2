from django.apps import AppConfig


class MailboxesConfig(AppConfig):
    name = "caredesk.mailboxes"
    label = "mailboxes"
