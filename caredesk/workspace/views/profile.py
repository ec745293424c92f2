"""An agent's own profile."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from caredesk.accounts.services import agent_profile_update
from caredesk.core.errors import InvalidRequest
from caredesk.workspace.timezones import language_choices, zone_choices
from caredesk.workspace.views._common import agent_of


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """The profile form; time zone and language are chosen from lists, and a value that is not
    one of them is refused (400) with what was asked for kept in the form."""
    agent = agent_of(request)
    asked = {
        "name": agent.name,
        "signature": agent.signature,
        "language": agent.language,
        "time_zone": agent.time_zone,
        "availability": agent.availability,
    }
    status = 200
    if request.method == "POST":
        asked = {key: request.POST.get(key, "") for key in asked}
        try:
            agent_profile_update(agent=agent, **asked)
        except InvalidRequest as exc:
            agent.refresh_from_db()  # the page's header shows the agent as saved
            messages.error(request, f"Profile not saved: {exc}.")
            status = 400
        else:
            messages.success(request, "Profile saved.")
            return redirect("workspace:profile")
    languages = language_choices()
    if asked["language"] not in dict(languages):
        languages.insert(
            0, (asked["language"], f"{asked['language']} (not a language caredesk knows)")
        )
    context = {
        "agent": agent,
        "asked": asked,
        "zones": zone_choices(asked["time_zone"]),
        "languages": languages,
    }
    return render(request, "workspace/profile.html", context, status=status)
