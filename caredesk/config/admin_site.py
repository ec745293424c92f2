"""The Django admin's site: every page asks caredesk.access whether it is open to the user.

Django lets any active `is_staff` user in; caredesk asks its access policy instead, page by
page, so the admin follows the same roles as the workspace and the API: admins use all of it,
supervisors the index and the glossary (whose ModelAdmin asks the policy for each permission),
nobody else any of it, whatever `is_staff` says.
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin import AdminSite
from django.contrib.contenttypes.views import shortcut
from django.http import HttpRequest
from django.urls import URLPattern, URLResolver, path

from caredesk.access import admin_page_permits, principal_of


class CaredeskAdminSite(AdminSite):
    site_header = "caredesk admin"
    site_title = "caredesk admin"

    def has_permission(self, request: HttpRequest) -> bool:
        page, app_label = _page_of(request)
        return admin_page_permits(principal_of(request.user), page=page, app_label=app_label)

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


def _page_of(request: HttpRequest) -> tuple[str, str]:
    """The admin page a request is for: its URL name and the app of the model (or app list)
    it shows ("" for the site's own pages). A ModelAdmin's views carry their ModelAdmin."""
    match = request.resolver_match
    if match is None:
        return "", ""
    model_admin = getattr(match.func, "model_admin", None)
    if model_admin is not None:
        return match.url_name or "", str(model_admin.model._meta.app_label)
    if match.url_name == "app_list":
        return "app_list", str(match.kwargs.get("app_label", ""))
    return match.url_name or "", ""
