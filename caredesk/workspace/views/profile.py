"""An agent's own profile."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from caredesk.accounts.services import agent_profile_update
from caredesk.core.errors import InvalidRequest
from caredesk.workspace.views._common import agent_of


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    agent = agent_of(request)
    if request.method == "POST":
        try:
            agent_profile_update(
                agent=agent,
                name=request.POST.get("name", ""),
                signature=request.POST.get("signature", ""),
                language=request.POST.get("language", ""),
                time_zone=request.POST.get("time_zone", ""),
                availability=request.POST.get("availability", ""),
            )
        except InvalidRequest as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Profile saved.")
            return redirect("workspace:profile")
    return render(request, "workspace/profile.html", {"agent": agent})
