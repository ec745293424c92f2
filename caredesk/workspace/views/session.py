"""Signing agents in and out."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST

from caredesk.core.errors import InvalidRequest
from caredesk.workspace.signin import (
    DEVICE_COOKIE,
    DEVICE_COOKIE_DAYS,
    DEVICE_COOKIE_SALT,
    Device,
    agent_sign_in,
)


def _device_cookie(request: HttpRequest) -> str | None:
    value: str | None = request.get_signed_cookie(
        DEVICE_COOKIE, default=None, salt=DEVICE_COOKIE_SALT, max_age=DEVICE_COOKIE_DAYS * 86400
    )
    return value


def sign_in(request: HttpRequest) -> HttpResponse:
    error = ""
    if request.method == "POST":
        try:
            agent, device = agent_sign_in(
                email=request.POST.get("email", ""),
                password=request.POST.get("password", ""),
                ip=request.META.get("REMOTE_ADDR"),
                device=Device.from_cookie(_device_cookie(request)),
            )
        except InvalidRequest as exc:
            error = str(exc)
        else:
            login(request, agent)
            wanted = request.POST.get("next", "")
            safe = url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()})
            response = redirect(wanted if wanted and safe else reverse("workspace:inbox"))
            response.set_signed_cookie(
                DEVICE_COOKIE,
                device.cookie_value(),
                salt=DEVICE_COOKIE_SALT,
                max_age=DEVICE_COOKIE_DAYS * 86400,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
            return response
    context = {
        "error": error,
        "next": request.GET.get("next", ""),
        "email": request.POST.get("email", ""),
    }
    return render(request, "workspace/sign_in.html", context, status=400 if error else 200)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("workspace:sign-in")


def admin_sign_in(request: HttpRequest) -> HttpResponse:
    """The admin's sign-in page: the workspace's form, with its throttle, then back to the
    admin. (Django's own admin form would let anyone guess passwords unthrottled.)"""
    wanted = request.GET.get("next", "") or reverse("admin:index")
    if admin.site.has_permission(request):  # an admin signed in already: on to the admin
        safe = url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()})
        return redirect(wanted if safe else reverse("admin:index"))
    if request.user.is_authenticated:
        error = "Only caredesk admins use this part of the admin: sign in as an admin to go on."
        return render(request, "workspace/error.html", {"error": error}, status=403)
    return redirect(f"{reverse('workspace:sign-in')}?{urlencode({'next': wanted})}")
