from __future__ import annotations

from django.contrib.admin.apps import AdminConfig


class CaredeskAdminConfig(AdminConfig):
    """Django's admin, on caredesk's admin site (who may use it is the access policy's answer)."""

    default_site = "caredesk.config.admin_site.CaredeskAdminSite"
