"""The Django admin's site: usable by admins alone, as caredesk.access says.

Django lets any active `is_staff` user in; caredesk asks its access policy instead, so the
admin follows the same roles as the workspace and the API (a supervisor who kept `is_staff`
from an earlier role is not let in, an admin is).
"""

from __future__ import annotations

from django import forms
from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.contenttypes.views import shortcut
from django.http import HttpRequest
from django.urls import URLPattern, URLResolver, path

from caredesk.access import admin_site_permits, principal_of


class PolicyAuthenticationForm(AdminAuthenticationForm):
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": "Enter the %(username)s and password of a caredesk admin.",
    }

    def confirm_login_allowed(self, user: object) -> None:
        if not admin_site_permits(principal_of(user)):
            raise forms.ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


class CaredeskAdminSite(AdminSite):
    site_header = "caredesk admin"
    site_title = "caredesk admin"
    login_form = PolicyAuthenticationForm

    def has_permission(self, request: HttpRequest) -> bool:
        return admin_site_permits(principal_of(request.user))

    def get_urls(self) -> list[URLPattern | URLResolver]:
        # Django serves "view on site" (r/<content type>/<id>/) to anyone, answering whether
        # the object exists; behind the admin's own check it says nothing to others.
        return [
            path(str(url.pattern), self.admin_view(shortcut), name=url.name)
            if isinstance(url, URLPattern) and url.name == "view_on_site"
            else url
            for url in super().get_urls()
        ]
