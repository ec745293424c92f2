"""The Django admin's site: usable by admins alone, as caredesk.access says.

Django lets any active `is_staff` user in; caredesk asks its access policy instead, so the
admin follows the same roles as the workspace and the API (a supervisor who kept `is_staff`
from an earlier role is not let in, an admin is).
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin import AdminSite
from django.contrib.contenttypes.views import shortcut
from django.http import HttpRequest
from django.urls import URLPattern, URLResolver, path

from caredesk.access import admin_site_permits, principal_of


class CaredeskAdminSite(AdminSite):
    site_header = "caredesk admin"
    site_title = "caredesk admin"

    def has_permission(self, request: HttpRequest) -> bool:
        return admin_site_permits(principal_of(request.user))

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        """One sign-in form for everyone, with its throttle (docs/decisions/0016): the
        workspace's. The admin's own would be a second door for guessing passwords."""
        from caredesk.workspace.views.session import admin_sign_in

        return admin_sign_in(request)

    def get_urls(self) -> list[URLPattern | URLResolver]:
        # Django serves "view on site" (r/<content type>/<id>/) to anyone, answering whether
        # the object exists; behind the admin's own check it says nothing to others.
        return [
            path(str(url.pattern), self.admin_view(shortcut), name=url.name)
            if isinstance(url, URLPattern) and url.name == "view_on_site"
            else url
            for url in super().get_urls()
        ]
