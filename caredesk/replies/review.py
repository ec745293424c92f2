"""Which state a template may go to next, and what the access policy calls each step (pure).

Shared templates are reviewed: draft -> in review -> approved (by a supervisor or an admin) ->
retired, and back to draft to be changed. Personal and team templates are their writers' own:
in use (approved) or retired.
"""

from __future__ import annotations

from dataclasses import dataclass

from caredesk.access import Action, Principal, template_permits
from caredesk.replies.models import ReplyTemplate, Scope, State

# Which review step may follow which, for shared templates.
NEXT_STATES: dict[str, frozenset[str]] = {
    State.DRAFT: frozenset({State.IN_REVIEW, State.RETIRED}),
    State.IN_REVIEW: frozenset({State.DRAFT, State.APPROVED, State.RETIRED}),
    State.APPROVED: frozenset({State.DRAFT, State.RETIRED}),
    State.RETIRED: frozenset({State.DRAFT}),
}
# Personal and team templates are not reviewed: they are in use (approved) or retired, and a
# retired one can be put back in use. (Draft only for rows written before this rule.)
UNREVIEWED_NEXT_STATES: dict[str, frozenset[str]] = {
    State.DRAFT: frozenset({State.APPROVED, State.RETIRED}),
    State.IN_REVIEW: frozenset({State.APPROVED, State.RETIRED}),
    State.APPROVED: frozenset({State.RETIRED}),
    State.RETIRED: frozenset({State.APPROVED}),
}


def next_states(template: ReplyTemplate) -> frozenset[str]:
    """The states `template` may go to next, whoever asks (the access policy then says who)."""
    if template.scope == Scope.SHARED:
        return NEXT_STATES[template.state]
    return UNREVIEWED_NEXT_STATES[template.state]


def action_for(template: ReplyTemplate, state: str) -> Action:
    """What moving `template` to `state` is, to the access policy: approving a shared template
    is reviewing it; everything else is changing it."""
    if state == State.APPROVED and template.scope == Scope.SHARED:
        return Action.REVIEW
    return Action.CHANGE


@dataclass(frozen=True)
class Move:
    state: str
    label: str  # the button's words


def _label(template: ReplyTemplate, state: str) -> str:
    if state == State.APPROVED:
        return "Approve" if template.scope == Scope.SHARED else "Put back in use"
    labels: dict[str, str] = {
        State.IN_REVIEW: "Send for review",
        State.DRAFT: "Take back to draft",
        State.RETIRED: "Retire",
    }
    return labels[state]


ORDER = (State.IN_REVIEW, State.APPROVED, State.DRAFT, State.RETIRED)


def template_moves(principal: Principal, template: ReplyTemplate) -> list[Move]:
    """The steps `principal` may take `template` through from its state, in button order."""
    allowed = next_states(template)
    return [
        Move(state, _label(template, state))
        for state in ORDER
        if state in allowed and template_permits(principal, template, action_for(template, state))
    ]
