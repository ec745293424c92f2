"""`caredesk agent ...` and `caredesk token ...`: the support team and its API tokens."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from caredesk.cli._common import (
    EX_OK,
    CliError,
    add_password_options,
    password_from,
    password_prompt,
)

ROLES = ["admin", "supervisor", "agent"]


def _agent(email: str) -> Any:
    from caredesk.accounts.selectors import agent_get
    from caredesk.core.errors import NotFound

    try:
        return agent_get(email=email)
    except NotFound:
        raise CliError(f"there is no agent {email}; `caredesk agent list` shows them") from None


def cmd_agent_add(args: argparse.Namespace) -> int:
    from caredesk.accounts.services import agent_create

    given = password_from(args)
    password = args.password if given is None else given
    if password is None and args.password_prompt:
        password = password_prompt()
    if password is not None:
        from caredesk.workspace.passwords import password_problems

        problems = password_problems(password)
        if problems:
            raise CliError(" ".join(problems))
    agent = agent_create(
        email=args.email, name=args.name, role=args.role, team=args.team, password=password
    )
    team = f", team {args.team}" if args.team else ""
    sign_in = (
        "can sign in"
        if password is not None
        else f"cannot sign in until `caredesk agent password {agent.email}`"
    )
    print(f"agent {agent.email} ({agent.role}{team}) added; {sign_in}")
    return EX_OK


def cmd_agent_list(args: argparse.Namespace) -> int:
    from caredesk.accounts.selectors import agents_list

    agents = list(agents_list())
    if not agents:
        print("no agents; add one with `caredesk agent add`")
    rows = [("EMAIL", "NAME", "ROLE", "TEAMS", "STATE", "LAST SIGN-IN")]
    for agent in agents:
        state = (
            "inactive"
            if not agent.is_active
            else "active"
            if agent.has_usable_password()
            else "no password"
        )
        teams = ", ".join(sorted(team.name for team in agent.teams.all())) or "-"
        last = agent.last_login.strftime("%Y-%m-%d %H:%M UTC") if agent.last_login else "never"
        rows.append((agent.email, agent.name, agent.role, teams, state, last))
    if agents:
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
        for row in rows:
            print(
                "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=False))
                + "  "
                + row[-1]
            )
    return EX_OK


def cmd_agent_set(args: argparse.Namespace) -> int:
    from caredesk.accounts.services import agent_update

    agent = _agent(args.email)
    changes = agent_update(
        agent=agent,
        name=args.name,
        role=args.role,
        active=True if args.active else False if args.inactive else None,
        add_teams=tuple(args.add_team or ()),
        remove_teams=tuple(args.remove_team or ()),
    )
    if changes:
        print(f"agent {agent.email}: {'; '.join(changes)}")
    else:
        print(f"agent {agent.email}: nothing to change")
    return EX_OK


def cmd_agent_password(args: argparse.Namespace) -> int:
    from caredesk.workspace.passwords import agent_password_set

    agent = _agent(args.email)
    password = password_from(args)
    if password is None:
        password = password_prompt(intro=f"Choose a new password for {agent.email}.")
    agent_password_set(agent=agent, password=password)
    print(f"new password set for {agent.email}; their other sessions are signed out")
    return EX_OK


def cmd_token_create(args: argparse.Namespace) -> int:
    from caredesk.accounts.services import api_token_create

    agent = _agent(args.agent)
    if not agent.is_active:
        raise CliError(f"{agent.email} is deactivated; their tokens would not work")
    print(api_token_create(agent=agent))
    # On standard error, so that TOKEN=$(caredesk token create ...) captures the token alone.
    print(
        f"API token for {agent.email} created; it is shown this once (`caredesk token list` "
        "shows its prefix)",
        file=sys.stderr,
    )
    return EX_OK


def cmd_token_list(args: argparse.Namespace) -> int:
    from caredesk.accounts.selectors import api_tokens_list

    tokens = list(api_tokens_list(agent=_agent(args.agent) if args.agent else None))
    if not tokens:
        print("no API tokens; create one with `caredesk token create --agent EMAIL`")
        return EX_OK
    print("PREFIX      AGENT  CREATED  LAST USED")
    for token in tokens:
        used = token.last_used_at.strftime("%Y-%m-%d %H:%M UTC") if token.last_used_at else "never"
        inactive = " (agent deactivated)" if not token.agent.is_active else ""
        created = token.created_at.strftime("%Y-%m-%d %H:%M UTC")
        print(f"{token.prefix}  {token.agent.email}{inactive}  {created}  {used}")
    return EX_OK


def cmd_token_revoke(args: argparse.Namespace) -> int:
    from caredesk.accounts.services import api_token_revoke

    token = api_token_revoke(token_or_prefix=args.token)
    print(f"API token {token.prefix}… of {token.agent.email} revoked; it no longer works")
    return EX_OK


def add_commands(sub: Any) -> None:
    p = sub.add_parser("agent", help="support team members")
    asub = p.add_subparsers(dest="action", required=True, metavar="ACTION")

    q = asub.add_parser("add", help="add an agent")
    q.add_argument("email", help="the address they sign in with")
    q.add_argument("--name", required=True, help="their name, as the team sees it")
    q.add_argument("--role", choices=ROLES, default="agent", help="what they may see and do")
    q.add_argument("--team", help="a team to put them in (created if it does not exist)")
    secret = q.add_mutually_exclusive_group()
    secret.add_argument(
        "--password",
        help="their first password (visible in your shell's history: prefer the options "
        "below); without any, they cannot sign in until `caredesk agent password`",
    )
    secret.add_argument("--password-prompt", action="store_true", help="ask for the password")
    add_password_options(secret, what="the password")
    q.set_defaults(func=cmd_agent_add)

    q = asub.add_parser("list", help="list agents: role, teams, whether they can sign in")
    q.set_defaults(func=cmd_agent_list)

    q = asub.add_parser("set", help="change an agent's name, role, teams, or deactivate them")
    q.add_argument("email", help="the agent's address")
    q.add_argument("--name", help="a new name")
    q.add_argument(
        "--role", choices=ROLES, help="a new role (only admins can use the Django admin)"
    )
    q.add_argument(
        "--add-team",
        action="append",
        metavar="TEAM",
        help="put them in TEAM (created if it does not exist); repeat for several",
    )
    q.add_argument(
        "--remove-team",
        action="append",
        metavar="TEAM",
        help="take them out of TEAM; repeat for several",
    )
    active = q.add_mutually_exclusive_group()
    active.add_argument("--active", action="store_true", help="let them sign in again")
    active.add_argument(
        "--inactive",
        action="store_true",
        help="deactivate: they cannot sign in, their API tokens stop working",
    )
    q.set_defaults(func=cmd_agent_set)

    q = asub.add_parser(
        "password",
        help="set an agent's password (asked twice, or from a file or a variable)",
        description="Sets a new password for the agent and signs them out of every other "
        "session. Without --password-file or --password-env it is asked for twice on the "
        "terminal, not echoed. The password must be at least 8 characters and not a common one.",
    )
    q.add_argument("email", help="the agent's address")
    secret = q.add_mutually_exclusive_group()
    add_password_options(secret, what="the new password")
    q.set_defaults(func=cmd_agent_password)

    p = sub.add_parser("token", help="API tokens")
    tsub = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    q = tsub.add_parser("create", help="create an API token for an agent and print it")
    q.add_argument("--agent", required=True, metavar="EMAIL", help="the agent the token acts as")
    q.set_defaults(func=cmd_token_create)
    q = tsub.add_parser("list", help="list API tokens (their prefixes; tokens are not kept)")
    q.add_argument("--agent", metavar="EMAIL", help="only this agent's tokens")
    q.set_defaults(func=cmd_token_list)
    q = tsub.add_parser("revoke", help="revoke an API token so that it no longer works")
    q.add_argument(
        "token", metavar="TOKEN", help="the token, or its prefix as `caredesk token list` shows"
    )
    q.set_defaults(func=cmd_token_revoke)
