"""Agents who forgot their password: ask for a link, then choose a new password through it."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.password_validation import password_validators_help_texts
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from caredesk.core.errors import InvalidRequest
from caredesk.workspace.passwords import (
    PasswordRejected,
    agent_password_reset,
    password_reset_base_url,
    password_reset_link_agent,
    password_reset_outbox,
    password_reset_request,
)
from caredesk.workspace.signin import Throttled


def forgot(request: HttpRequest) -> HttpResponse:
    base_url = password_reset_base_url(request_base=request.build_absolute_uri("/"))
    error, status = "", 200
    if base_url is None:
        status = 200 if request.method == "GET" else 503
    elif request.method == "POST":
        try:
            password_reset_request(
                address=request.POST.get("email", ""),
                ip=request.META.get("REMOTE_ADDR"),
                base_url=base_url,
            )
        except Throttled as exc:
            error, status = str(exc), 429
        except InvalidRequest as exc:
            error, status = str(exc), 400
        else:
            return redirect("workspace:password-sent")
    context = {
        "available": base_url is not None,
        "outbox": password_reset_outbox(),
        "error": error,
        "email": request.POST.get("email", request.GET.get("email", "")),
    }
    return render(request, "workspace/password_forgot.html", context, status=status)


def sent(request: HttpRequest) -> HttpResponse:
    minutes = settings.PASSWORD_RESET_TIMEOUT // 60
    context = {"minutes": minutes, "outbox": password_reset_outbox()}
    return render(request, "workspace/password_sent.html", context)


@never_cache
@sensitive_post_parameters("password", "confirmation")
def reset(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    agent = password_reset_link_agent(uidb64=uidb64, token=token)
    if agent is None:
        return render(request, "workspace/password_invalid.html", status=400)
    problems: list[str] = []
    if request.method == "POST":
        try:
            agent_password_reset(
                agent=agent,
                token=token,
                password=request.POST.get("password", ""),
                confirmation=request.POST.get("confirmation", ""),
            )
        except PasswordRejected as exc:
            problems = exc.problems
        except InvalidRequest:
            return render(request, "workspace/password_invalid.html", status=400)
        else:
            logout(request)
            messages.success(request, "Your password has been changed. Sign in with it now.")
            return redirect("workspace:sign-in")
    context = {
        "agent": agent,
        "problems": problems,
        "help_texts": password_validators_help_texts(),
    }
    return render(
        request, "workspace/password_reset.html", context, status=400 if problems else 200
    )
