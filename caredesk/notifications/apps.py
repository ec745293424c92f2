from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "caredesk.notifications"
    label = "notifications"
