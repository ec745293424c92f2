from django.apps import AppConfig


class SystemEmailsConfig(AppConfig):
    name = "caredesk.system_emails"
    label = "system_emails"
    verbose_name = "System emails"
