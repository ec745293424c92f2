"""The data set of bench/workspace_pages.py: a help desk's history generated from a seed
(customers, teams, agents, tickets with their conversations, outbox rows, events, SLA timers,
tags) and loaded into PostgreSQL by COPY; a kept database remembers which data set it holds."""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sla_sweep
from sla_sweep import copy_rows, log, pick

sla_sweep.COPY_CHUNK = 250_000  # progress lines while loading: one per this many rows

DATA_VERSION = 1  # bump when the generated data changes, so --keep reloads
MARKER = "bench_workspace_pages"  # table recording which data set a kept database holds
SECOND = timedelta(seconds=1)
MINUTE = timedelta(minutes=1)
DAY = timedelta(days=1)
BUSINESS_SHARE = 40 / 168  # office hours' share of the week, to estimate business time used

STATUSES = (
    ("new", 0.05),
    ("open", 0.10),
    ("pending", 0.06),
    ("on_hold", 0.01),
    ("solved", 0.18),
    ("closed", 0.60),
)
PRIORITIES = (("low", 0.15), ("normal", 0.60), ("high", 0.20), ("urgent", 0.05))
# When each kind of ticket last saw activity, as (at least, at most) time before the load.
LAST_ACTIVITY = {
    "new": (0 * DAY, 2 * DAY),
    "open": (0 * DAY, 4 * DAY),
    "pending": (0 * DAY, 7 * DAY),
    "on_hold": (1 * DAY, 10 * DAY),
    "solved": (0 * DAY, 5 * DAY),
    "closed": (5 * DAY, 365 * DAY),
}
TEAMS = ("Billing", "Shipping", "Technical", "Returns", "Enterprise")
MEASURED_TEAMS = ("Billing", "Shipping")
SUPERVISOR_TEAMS = ("Billing", "Technical")
TAGS = (
    "refund",
    "vip",
    "bug",
    "feature-request",
    "complaint",
    "escalated",
    "follow-up",
    "invoice",
    "damaged",
    "courier",
    "sla-breached",
    "newsletter",
)
SEARCH_WORDS = ("warranty", "invoice", "courier", "password")
NAMES = (  # first names, then family names
    "Anna Ben Carla David Emma Felix Grace Hugo Ines Jonas Karin Liam Mia Noah Olga Paul Rosa "
    "Sven Tara Umar Vera Wim Yara Zoe Marta Luca Elena Tomas Sara Omar Julia Pieter Chloe Mateo "
    "Nina Lars Ayla Oscar Hanna Ravi",
    "Schmidt Jansen Rossi Dubois Novak Smith Garcia Kowalski Berg Costa Meyer Silva Fischer Moreau "
    "Brown Lindqvist Horvat Murphy Weber Martin Nagy Ferreira Bauer Keller Nilsson Popescu Walsh "
    "Kaya Haas Ortega Dijkstra Larsen Romano Petit Lehmann Wagner Clarke Varga Sato Okafor",
)
FIRST, LAST = (tuple(names.split()) for names in NAMES)
MAIL_DOMAINS = ("mail.example", "post.example", "inbox.example", "web.example", "home.example")
ORGANISATIONS = (  # name, domain, tier, vip
    ("Northwind Traders", "northwind.example", "enterprise", False),
    ("Globex Corporation", "globex.example", "business", True),
)
LANGUAGES = (("en", 0.70), ("de", 0.10), ("fr", 0.08), ("es", 0.07), ("nl", 0.05))
ZONES = ("Europe/Berlin", "Europe/London", "Europe/Paris", "America/New_York", "", "")
PRODUCTS = (
    "kettle",
    "espresso machine",
    "desk lamp",
    "rain jacket",
    "running shoes",
    "bluetooth speaker",
    "office chair",
    "backpack",
)


@dataclass(frozen=True)
class Topic:
    subjects: tuple[str, ...]
    opening: tuple[str, ...]  # what the customer writes first
    follow_up: tuple[str, ...]  # what they write back
    answers: tuple[str, ...]  # what agents reply
    notes: tuple[str, ...]  # internal notes
    team: str
    category: str


TOPICS = (
    Topic(
        subjects=(
            "Order {order} has not arrived",
            "Where is my parcel?",
            "Tracking for order {order} stopped updating",
        ),
        opening=(
            "I ordered a {product} on {date} (order {order}) and it still has not arrived.",
            "The tracking page has said 'in transit' for five days now.",
            "The courier's website says the parcel was delivered but nobody rang the bell.",
            "I need it before the weekend, it is a present.",
            "Could you check with the courier what happened?",
        ),
        follow_up=(
            "Still nothing has arrived, and the courier does not answer the phone.",
            "The parcel turned up at a neighbour's, thanks.",
            "Can you send a replacement instead?",
        ),
        answers=(
            "I am sorry your order {order} is late.",
            "I have asked the courier to trace the parcel; they usually answer within a day.",
            "Your tracking number is {tracking}; the courier lists it as held at the depot.",
            "If it has not arrived by Friday we will send a replacement at no cost.",
        ),
        notes=(
            "Courier trace opened, reference {tracking}.",
            "Warehouse confirms the parcel left on {date}.",
        ),
        team="Shipping",
        category="shipping",
    ),
    Topic(
        subjects=("Refund for order {order}", "Where is my refund?", "Refund not received"),
        opening=(
            "I returned the {product} two weeks ago and have not had my refund yet.",
            "The return label said refunds take five working days.",
            "My bank statement shows no refund for order {order}.",
            "Please refund the full amount to the card I paid with.",
        ),
        follow_up=(
            "The refund is still not on my card statement.",
            "Thanks, I can see the money now.",
            "Could you send me a confirmation of the refund?",
        ),
        answers=(
            "The return reached our warehouse on {date} and the refund was issued today.",
            "Refunds can take three to five working days to show on a card statement.",
            "I have attached the refund confirmation for order {order}.",
        ),
        notes=(
            "Refund issued manually, payment provider reference {tracking}.",
            "Return checked in by the warehouse, no damage.",
        ),
        team="Billing",
        category="billing",
    ),
    Topic(
        subjects=(
            "Invoice {order} shows the wrong VAT number",
            "Need a corrected invoice",
            "Invoice missing for order {order}",
        ),
        opening=(
            "The invoice for order {order} shows our old company address.",
            "Our VAT number is missing from the invoice, our accountant needs it.",
            "Could you send the invoice as a PDF to our accounts address?",
            "We were charged twice for the same invoice.",
        ),
        follow_up=(
            "The corrected invoice still has the old VAT number.",
            "Thanks, the new invoice is fine.",
            "Can you also correct the invoices from last quarter?",
        ),
        answers=(
            "I have corrected the invoice and attached the new version.",
            "The double charge was a pending authorisation; it will drop off within a few days.",
            "Your VAT number is now on your account, so future invoices will show it.",
        ),
        notes=(
            "Customer is on net-30 terms, check with finance before crediting.",
            "Credit note {tracking} raised.",
        ),
        team="Billing",
        category="billing",
    ),
    Topic(
        subjects=(
            "Cannot sign in to my account",
            "Password reset email never arrives",
            "Locked out",
        ),
        opening=(
            "I cannot sign in since this morning, it says my password is wrong.",
            "I asked for a password reset three times but the email never arrives.",
            "My account is locked after too many attempts.",
            "I changed my email address last month, maybe that is the problem.",
        ),
        follow_up=(
            "The reset link says it has expired.",
            "That worked, I am back in.",
            "Still locked out, and I need my order history today.",
        ),
        answers=(
            "I have unlocked your account; please use the password reset link again.",
            "Reset emails sometimes land in the spam folder, could you check there?",
            "The password reset link is valid for one hour.",
        ),
        notes=("Account unlocked by hand.", "Password reset mails bounced, address corrected."),
        team="Technical",
        category="account",
    ),
    Topic(
        subjects=(
            "{product} arrived damaged",
            "Broken item in my order",
            "Warranty claim for my {product}",
        ),
        opening=(
            "The {product} arrived with a cracked housing, I attached a photo.",
            "It stopped working after three weeks, is it still under warranty?",
            "The box was crushed and the {product} inside is scratched.",
            "I would like a replacement rather than a refund.",
        ),
        follow_up=(
            "Here are the photos you asked for.",
            "The replacement arrived and works, thank you.",
            "Do I need to send the broken one back?",
        ),
        answers=(
            "I am sorry it arrived damaged; a replacement is on its way.",
            "Your {product} is covered by the two-year warranty.",
            "Please keep the damaged item, there is no need to return it.",
        ),
        notes=(
            "Third damaged {product} this week, warehouse informed.",
            "Warranty approved, replacement order {tracking}.",
        ),
        team="Returns",
        category="returns",
    ),
    Topic(
        subjects=(
            "Cancel my subscription",
            "Subscription renewed without notice",
            "Change my plan",
        ),
        opening=(
            "My subscription renewed yesterday although I cancelled it in March.",
            "Please cancel my subscription at the end of this period.",
            "I would like to move to the yearly plan.",
            "I did not get the reminder email before the renewal.",
        ),
        follow_up=(
            "I still see the renewal charge on my card.",
            "Thank you for sorting this out so quickly.",
            "Will I keep access until the end of the month?",
        ),
        answers=(
            "I have cancelled your subscription; you keep access until {date}.",
            "I have refunded the renewal because the reminder email was not sent.",
            "Your plan is now yearly, and the unused months were credited.",
        ),
        notes=("Renewal reminder job failed that week, see incident.",),
        team="Billing",
        category="subscription",
    ),
    Topic(
        subjects=("App crashes when I upload photos", "Error on checkout", "Page does not load"),
        opening=(
            "The app closes as soon as I try to upload a photo.",
            "Checkout shows 'something went wrong' after I enter my card details.",
            "I am on the latest version, and reinstalling did not help.",
            "It happens on my phone and on my tablet.",
        ),
        follow_up=(
            "The new version fixed it.",
            "It still crashes, I attached a screen recording.",
            "Is there a workaround until it is fixed?",
        ),
        answers=(
            "Thanks for the details; our developers can reproduce it.",
            "A fix is in the next app version, out this week.",
            "Until then the website works for uploads.",
        ),
        notes=("Known bug, linked to the crash reports of {date}.", "Escalated to engineering."),
        team="Technical",
        category="bug",
    ),
    Topic(
        subjects=("Change delivery address for order {order}", "Wrong address on my order"),
        opening=(
            "I made a typo in the delivery address of order {order}.",
            "Could you change the delivery address before it ships?",
            "We have moved office, please update our address.",
        ),
        follow_up=(
            "Has the address been changed?",
            "Great, thanks.",
            "The courier still has the old address.",
        ),
        answers=(
            "I have updated the delivery address; the order ships tomorrow.",
            "The parcel had already left, so I asked the courier to redirect it.",
        ),
        notes=("Redirect requested with the courier.",),
        team="Shipping",
        category="shipping",
    ),
)
GREETINGS = ("Hello,", "Hi,", "Good morning,", "Dear support team,", "Hello there,")
THANKS = ("Thanks,", "Best regards,", "Kind regards,", "Cheers,", "Thank you,")


# -- the data -------------------------------------------------------------------------------------


@dataclass
class Cast:
    """Who and what the tickets refer to: rows made with the ORM before the bulk load."""

    now: datetime
    mailbox: int
    mailbox_address: str
    policy: int
    calendar: int
    business: Any  # the default calendar as caredesk.sla.calendar.BusinessCalendar
    first_reply_seconds: int
    resolution_seconds: int
    warn_percent: int
    teams: dict[str, int]
    members: dict[int, list[tuple[int, str]]]  # team id -> [(agent id, name)]
    agents: list[tuple[int, str]]
    supervisor: int
    tags: list[int]
    customers: int
    customer_names: list[str]  # by customer id - 1
    customer_addresses: list[list[str]]  # by customer id - 1
    customer_team: list[str | None]  # organisations' customers go to Enterprise


@dataclass
class Rows:
    """Everything loaded by COPY, by table, with the next id of each."""

    tickets: list[tuple[Any, ...]] = field(default_factory=list)
    taggings: list[tuple[Any, ...]] = field(default_factory=list)
    participants: list[tuple[Any, ...]] = field(default_factory=list)
    messages: list[tuple[Any, ...]] = field(default_factory=list)
    outbound: list[tuple[Any, ...]] = field(default_factory=list)
    events: list[tuple[Any, ...]] = field(default_factory=list)
    timers: list[tuple[Any, ...]] = field(default_factory=list)
    next_id: dict[str, int] = field(default_factory=dict)

    def new_id(self, table: str) -> int:
        n = self.next_id.get(table, 0) + 1
        self.next_id[table] = n
        return n


class TicketStory:
    """One ticket's life, from the customer's first email to where it stands now."""

    def __init__(self, i: int, rng: random.Random, cast: Cast, rows: Rows) -> None:
        self.i, self.rng, self.cast, self.rows = i, rng, cast, rows
        self.status = pick(rng, STATUSES)
        self.priority = pick(rng, PRIORITIES)
        self.topic = rng.choice(TOPICS)
        # Most customers write once or twice; a few regulars write a lot.
        if rng.random() < 0.25:
            self.customer = 1 + int(rng.random() * min(cast.customers, 2000))
        else:
            self.customer = 1 + int(rng.random() * cast.customers)
        addresses = cast.customer_addresses[self.customer - 1]
        self.address = rng.choice(addresses)
        self.name = cast.customer_names[self.customer - 1]
        self.vars = {
            "order": f"{rng.randint(100000, 999999)}",
            "product": rng.choice(PRODUCTS),
            "tracking": f"{rng.choice('ABCDEFGHJK')}{rng.randint(10**9, 10**10 - 1)}",
            "date": "",
        }
        team_name: str | None = cast.customer_team[self.customer - 1] or self.topic.team
        if rng.random() < (0.35 if self.status == "new" else 0.05):
            team_name = None  # not triaged yet
        self.team = cast.teams[team_name] if team_name else None
        staff = cast.members[self.team] if self.team else cast.agents
        self.assignee: tuple[int, str] | None = None
        if self.status != "new" or rng.random() < 0.1:
            self.assignee = rng.choice(staff)
        self.has_policy = rng.random() < 0.92
        self.events: list[tuple[datetime, str, int | None, dict[str, Any]]] = []
        self.messages: list[dict[str, Any]] = []

    # -- text

    def fill(self, sentence: str, at: datetime) -> str:
        return sentence.format(**{**self.vars, "date": (at - 3 * DAY).strftime("%d %B")})

    def customer_text(self, at: datetime, first: bool) -> str:
        rng = self.rng
        pool = self.topic.opening if first else self.topic.follow_up
        body = " ".join(self.fill(s, at) for s in rng.sample(pool, k=min(len(pool), 2 + first)))
        first_name = self.name.split()[0]
        return f"{rng.choice(GREETINGS)}\n\n{body}\n\n{rng.choice(THANKS)}\n{first_name}"

    def reply_text(self, at: datetime, agent: str) -> str:
        rng = self.rng
        pool = self.topic.answers
        body = " ".join(self.fill(s, at) for s in rng.sample(pool, k=min(len(pool), 2)))
        first_name = self.name.split()[0]
        return f"Hi {first_name},\n\n{body}\n\nBest regards,\n{agent}\nCustomer support"

    # -- the timeline

    def plan(self) -> list[str]:
        """The conversation's entries in order: C customer, A acknowledgement, R reply, N note."""
        rng = self.rng
        seq = ["C"]
        if rng.random() < 0.7:
            seq.append("A")
        if self.status == "new":
            if len(seq) == 1 or rng.random() < 0.25:
                seq.append("C")
            return seq
        if self.status == "open" and rng.random() < 0.3:  # picked up, not answered yet
            if len(seq) == 1:
                seq.append("N")
            return seq
        rounds = rng.choice((1, 1, 2, 2, 3))
        for r in range(rounds):
            seq.append("R")
            if rng.random() < 0.25:
                seq.append("N")
            last = r == rounds - 1
            if not last or self.status == "open" or rng.random() < 0.3:
                seq.append("C")  # the customer writes back (a last "thanks" before solving)
        return seq[:6]

    def gap(self, after: str) -> timedelta:
        """Time from the entry before to this one, of kind `after`."""
        rng = self.rng
        if after == "A":
            return timedelta(seconds=rng.uniform(2, 60))
        if after == "N":
            return timedelta(minutes=rng.uniform(1, 90))
        if after == "R":
            return timedelta(minutes=rng.uniform(10, 20 * 60))
        return timedelta(hours=rng.uniform(1, 48))  # the customer answers

    def tell(self) -> None:
        rng, cast = self.rng, self.cast
        seq = self.plan()
        gaps = [self.gap(kind) for kind in seq[1:]]
        after = timedelta(minutes=rng.uniform(5, 60))  # from the last entry to the status change
        low, high = LAST_ACTIVITY[self.status]
        end = cast.now - low - (high - low) * rng.random() - MINUTE
        created = (end - after - sum(gaps, timedelta())).replace(microsecond=0)
        self.created = created
        self.record(created, "created", None, customer=self.customer)
        if self.priority in ("high", "urgent"):
            why = "words of urgency" if self.priority == "high" else "outage reported"
            self.record(
                created,
                "priority_set",
                None,
                priority=self.priority,
                previous=None,
                why=why,
                by="detection",
            )
        timers = self.start_timers(created)
        if self.team is not None:
            self.record(
                created + SECOND, "team_changed", None, team=self.team, previous=None, by="rule"
            )

        at = created
        picked_up = False
        replies = 0
        pending_since: datetime | None = None
        for k, kind in enumerate(seq):
            if k:
                at += gaps[k - 1]
            if kind in ("R", "N") and not picked_up and self.assignee is not None:
                self.record(
                    at - MINUTE,
                    "assigned",
                    self.assignee[0],
                    assignee=self.assignee[0],
                    previous=None,
                )
                self.record(at - MINUTE, "status_changed", self.assignee[0], old="new", new="open")
                picked_up = True
            if kind == "C" and pending_since is not None:
                self.record(at, "status_changed", None, old="pending", new="open", by="customer")
                self.timer_event(at, timers, "resolution", "sla_timer_resumed")
                pending_since = None
            message = self.add_message(kind, at)
            if kind == "R":
                replies += 1
                assert self.assignee is not None
                self.record(at, "replied", self.assignee[0], message=message)
                if replies == 1 and timers:
                    self.timer_event(at, timers, "first_reply", "sla_timer_fulfilled")
                    timers["first_reply"]["fulfilled"] = at
                if k + 1 < len(seq) and seq[k + 1] == "C" and rng.random() < 0.5:
                    self.record(
                        at + SECOND, "status_changed", self.assignee[0], old="open", new="pending"
                    )
                    self.timer_event(at + SECOND, timers, "resolution", "sla_timer_paused")
                    pending_since = at
            elif kind == "N":
                actor = self.assignee[0] if self.assignee else cast.supervisor
                self.record(at, "note_added", actor, message=message)
        if self.assignee is not None and not picked_up:
            self.record(
                at + MINUTE, "assigned", self.assignee[0], assignee=self.assignee[0], previous=None
            )
            if self.status != "new":
                self.record(at + MINUTE, "status_changed", self.assignee[0], old="new", new="open")

        owner = self.assignee[0] if self.assignee else None
        if self.assignee is not None:
            if rng.random() < 0.3:
                self.record(
                    at + after / 3,
                    "category_changed",
                    owner,
                    category=self.topic.category,
                    previous="",
                )
            for tag in self.tags:
                self.record(at + after / 2, "tag_added", owner, tag=tag[1])
        closed_at = at + after
        self.solved_at: datetime | None = None
        if self.status in ("pending", "on_hold") and pending_since is None:
            self.record(closed_at, "status_changed", owner, old="open", new=self.status)
            self.timer_event(closed_at, timers, "resolution", "sla_timer_paused")
        elif self.status in ("solved", "closed"):
            self.record(closed_at, "status_changed", owner, old="open", new="solved")
            self.solved_at = closed_at
            if self.status == "closed":
                closed_at += 4 * DAY
                self.record(closed_at, "status_changed", None, old="solved", new="closed")
        self.updated = max(closed_at, at)
        self.finish_timers(timers)

    def record(self, at: datetime, kind: str, actor: int | None, /, **data: Any) -> None:
        self.events.append((at, kind, actor, data))

    @property
    def tags(self) -> list[tuple[int, str]]:
        if not hasattr(self, "_tags"):
            rng = self.rng
            n = 0 if rng.random() < 0.65 else rng.choice((1, 1, 2))
            chosen = rng.sample(range(len(TAGS)), k=n)
            self._tags = [(self.cast.tags[t], TAGS[t]) for t in chosen]
        return self._tags

    # -- SLA timers

    def start_timers(self, created: datetime) -> dict[str, dict[str, Any]]:
        if not self.has_policy:
            return {}
        cast = self.cast
        timers = {}
        for kind, target in (
            ("first_reply", cast.first_reply_seconds),
            ("resolution", cast.resolution_seconds),
        ):
            timer_id = self.rows.new_id("timer")
            # Due times of timers that still run are worked out on the office-hours calendar;
            # the rest keep an estimate (they are shown as met or missed, not counted down).
            due_at = created + timedelta(seconds=target / BUSINESS_SHARE)
            timers[kind] = {"id": timer_id, "target": target, "due_at": due_at}
            self.record(created, "sla_timer_started", None, timer=timer_id, kind=kind)
        return timers

    def timer_event(self, at: datetime, timers: dict[str, Any], kind: str, event: str) -> None:
        if kind in timers:
            self.record(at, event, None, timer=timers[kind]["id"], kind=kind)

    def finish_timers(self, timers: dict[str, dict[str, Any]]) -> None:
        from caredesk.sla.calendar import add_business_time

        cast = self.cast
        self.sla_due_at: datetime | None = None
        self.sla_state = ""
        if not timers:
            return
        states = []
        for kind, t in timers.items():
            warn_at = warned_at = breached_at = stopped_at = running_since = None
            used = 0
            due_at: datetime | None = t["due_at"]
            stopped = t.get("fulfilled") or (self.solved_at if kind == "resolution" else None)
            if stopped is not None:
                state = "fulfilled"
                stopped_at = stopped
                used = int((stopped - self.created).total_seconds() * BUSINESS_SHARE)
                if due_at is not None and stopped > due_at:
                    breached_at = due_at
            elif self.status in ("pending", "on_hold") and kind == "resolution":
                state = "paused"
                elapsed = (self.updated - self.created).total_seconds() * BUSINESS_SHARE
                used = min(int(elapsed), t["target"] - 60)
                due_at = None
            else:
                state = "running"
                running_since = self.created
                due_at = add_business_time(cast.business, self.created, t["target"] * SECOND)
                warn_at = add_business_time(
                    cast.business, self.created, t["target"] * cast.warn_percent // 100 * SECOND
                )
                if warn_at <= cast.now:
                    warned_at = warn_at
                    self.record(warn_at, "sla_timer_warned", None, timer=t["id"], kind=kind)
                    warn_at = None
                if due_at <= cast.now:
                    breached_at = due_at
                    self.record(due_at, "sla_timer_breached", None, timer=t["id"], kind=kind)
                if self.sla_due_at is None or due_at < self.sla_due_at:
                    self.sla_due_at = due_at
            states.append((state, warned_at, breached_at))
            self.rows.timers.append(
                (
                    t["id"],
                    self.created,
                    self.i,
                    cast.policy,
                    cast.calendar,
                    kind,
                    state,
                    t["target"],
                    cast.warn_percent,
                    max(used, 0),
                    running_since,
                    due_at,
                    warn_at,
                    warned_at,
                    breached_at,
                    stopped_at,
                )
            )
        if self.status in ("solved", "closed"):
            self.sla_state = "breached" if any(s[2] for s in states) else "met"
        elif self.status in ("pending", "on_hold"):
            self.sla_state = "paused"
        elif any(s[0] == "running" and s[2] for s in states):
            self.sla_state = "breached"
        elif any(s[0] == "running" and s[1] for s in states):
            self.sla_state = "warning"
        else:
            self.sla_state = "ok"

    # -- rows

    def add_message(self, kind: str, at: datetime) -> int:
        rng, cast, rows = self.rng, self.cast, self.rows
        mid = rows.new_id("message")
        previous = self.messages[-1] if self.messages else None
        if not self.messages:
            self.subject = self.fill(rng.choice(self.topic.subjects), at)
        subject = f"Re: {self.subject}" if self.messages else self.subject
        author = None
        cc: list[str] = []
        html = ""
        in_reply_to = previous["message_id"] if previous and previous["message_id"] else ""
        if kind == "C":
            new_text = self.customer_text(at, first=not self.messages)
            text = new_text
            if previous is not None and previous["kind"] == "reply":
                quoted = "\n".join(f"> {line}" for line in previous["text"].splitlines())
                text = f"{new_text}\n\nOn {previous['at']:%a %d %b %Y}, Support wrote:\n{quoted}"
            if rng.random() < 0.3:
                html = "".join(f"<p>{p}</p>" for p in new_text.split("\n\n"))
            from_address, from_name = self.address, self.name
            to = [cast.mailbox_address]
            message_id = f"{mid}.{rng.getrandbits(40):010x}@{self.address.split('@')[1]}"
            kind_name = "customer"
        elif kind == "A":
            new_text = (
                f"Thank you for writing to us. Your request has the number #{self.i}; "
                "we answer within one working day."
            )
            text = new_text
            from_address, from_name = cast.mailbox_address, "Support"
            to = [self.address]
            message_id = f"caredesk.{self.i}.{mid}@example.com"
            kind_name = "acknowledgement"
        elif kind == "R":
            assert self.assignee is not None
            author = self.assignee[0]
            new_text = self.reply_text(at, self.assignee[1])
            text = new_text
            if previous is not None and previous["kind"] == "customer":
                quoted = "\n".join(f"> {line}" for line in previous["new_text"].splitlines())
                text = (
                    f"{new_text}\n\nOn {previous['at']:%a %d %b %Y}, {self.name} wrote:\n{quoted}"
                )
            from_address, from_name = cast.mailbox_address, self.assignee[1]
            to = [self.address]
            if rng.random() < 0.05:
                cc = [f"accounts@{self.address.split('@')[1]}"]
            message_id = f"caredesk.{self.i}.{mid}@example.com"
            kind_name = "reply"
        else:
            author = self.assignee[0] if self.assignee else cast.supervisor
            new_text = self.fill(rng.choice(self.topic.notes), at)
            text = new_text
            from_address, from_name, to, message_id, in_reply_to = "", "", [], None, ""
            kind_name = "note"
        references = " ".join(m["message_id"] for m in self.messages if m["message_id"])[-900:]
        rows.messages.append(
            (
                mid,
                at,
                self.i,
                cast.mailbox,
                kind_name,
                author,
                from_address,
                from_name,
                json.dumps(to),
                json.dumps(cc),
                subject,
                text,
                new_text,
                html,
                message_id,
                in_reply_to,
                references if message_id else "",
                at if kind == "C" else None,
                "[]",
                hashlib.sha256(text.encode()).hexdigest() if kind == "C" else "",
            )
        )
        if kind in ("A", "R"):
            oid = rows.new_id("outbound")
            failed = rng.random() < 0.005
            rows.outbound.append(
                (
                    oid,
                    at,
                    cast.mailbox,
                    self.i,
                    mid,
                    "acknowledgement" if kind == "A" else "reply",
                    json.dumps(to),
                    to[0],
                    json.dumps(cc),
                    subject,
                    text,
                    message_id,
                    in_reply_to,
                    references,
                    f"{oid:016x}",
                    "failed" if failed else "sent",
                    8 if failed else 1,
                    at,
                    "550 5.1.1 mailbox unavailable" if failed else "",
                    None if failed else at + 2 * SECOND,
                )
            )
        self.messages.append(
            {
                "id": mid,
                "kind": kind_name,
                "at": at,
                "text": text,
                "new_text": new_text,
                "message_id": message_id,
            }
        )
        if kind == "C":
            self.last_customer_at = at
        return mid

    def emit(self) -> None:
        rows = self.rows
        self.tell()
        rows.tickets.append(
            (
                self.i,
                self.created,
                self.cast.mailbox,
                self.customer,
                self.subject,
                self.status,
                self.priority,
                self.assignee[0] if self.assignee else None,
                self.team,
                f"{self.i:024x}",
                None,
                self.updated,
                self.last_customer_at,
                self.solved_at,
                self.topic.category if self.rng.random() < 0.5 else "",
                self.cast.policy if self.has_policy else None,
                self.sla_due_at,
                self.sla_state,
            )
        )
        for tag_id, _ in self.tags:
            rows.taggings.append((rows.new_id("tagging"), self.i, tag_id))
        rows.participants.append(
            (rows.new_id("participant"), self.created, self.i, self.address, self.name, "requester")
        )
        if self.rng.random() < 0.08:
            colleague = f"colleague{self.customer}@{self.address.split('@')[1]}"
            rows.participants.append(
                (rows.new_id("participant"), self.created, self.i, colleague, "", "cc")
            )
        for at, kind, actor, data in sorted(self.events, key=lambda e: e[0]):
            rows.events.append((rows.new_id("event"), at, self.i, kind, actor, json.dumps(data)))


def cast_members(rng: random.Random, now: datetime) -> tuple[Cast, dict[str, Any]]:
    """The small tables, through the ORM: organisations, teams, agents, tags, the mailbox."""
    from caredesk.accounts.models import Agent, Role, Team
    from caredesk.customers.models import Organisation, OrganisationDomain
    from caredesk.mailboxes.models import Mailbox
    from caredesk.sla.book import calendar_usable
    from caredesk.sla.models import Calendar, SlaPolicy
    from caredesk.tickets.models import Tag

    mailbox = Mailbox.objects.create(address="support@example.com", name="Example Support")
    calendar = Calendar.objects.get(is_default=True)
    policy = SlaPolicy.objects.get(name="Standard")
    for name, domain, tier, vip in ORGANISATIONS:
        org = Organisation.objects.create(name=name, tier=tier, vip=vip)
        OrganisationDomain.objects.create(organisation=org, domain=domain)
    orgs = dict(Organisation.objects.values_list("name", "pk"))
    teams = {name: Team.objects.create(name=name).pk for name in TEAMS}
    measured = Agent.objects.create_user(
        "alex.morgan@example.com", None, name="Alex Morgan", role=Role.AGENT
    )
    measured.teams.set([teams[t] for t in MEASURED_TEAMS])
    supervisor = Agent.objects.create_user(
        "sam.supervisor@example.com", None, name="Sam Supervisor", role=Role.SUPERVISOR
    )
    supervisor.teams.set([teams[t] for t in SUPERVISOR_TEAMS])
    members: dict[int, list[tuple[int, str]]] = {pk: [] for pk in teams.values()}
    for t in MEASURED_TEAMS:
        members[teams[t]].append((measured.pk, measured.name))
    agents = [(measured.pk, measured.name)]
    for k in range(19):
        name = f"{FIRST[(7 * k) % len(FIRST)]} {LAST[(11 * k + 3) % len(LAST)]}"
        agent = Agent.objects.create_user(
            f"{name.lower().replace(' ', '.')}@example.com", None, name=name
        )
        mine = [TEAMS[k % len(TEAMS)]] + ([TEAMS[(k + 2) % len(TEAMS)]] if k % 3 == 0 else [])
        agent.teams.set([teams[t] for t in mine])
        for t in mine:
            members[teams[t]].append((agent.pk, name))
        agents.append((agent.pk, name))
    tags = [Tag.objects.create(name=name).pk for name in TAGS]
    people = {
        "measured_agent": measured.pk,
        "supervisor": supervisor.pk,
        "organisations": orgs,
    }
    cast = Cast(
        now=now,
        mailbox=mailbox.pk,
        mailbox_address=mailbox.address,
        policy=policy.pk,
        calendar=calendar.pk,
        business=calendar_usable(calendar),
        first_reply_seconds=(policy.first_reply_minutes or 480) * 60,
        resolution_seconds=(policy.resolution_minutes or 1440) * 60,
        warn_percent=policy.warn_at_percent,
        teams=teams,
        members=members,
        agents=agents,
        supervisor=supervisor.pk,
        tags=tags,
        customers=0,
        customer_names=[],
        customer_addresses=[],
        customer_team=[],
    )
    return cast, people


def customer_rows(
    rng: random.Random, cast: Cast, orgs: dict[str, int], n: int
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    customers, addresses = [], []
    address_id = 0
    for k in range(1, n + 1):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        name = f"{first} {last}"
        org = None
        if rng.random() < 0.06:
            org_name, domain, _, _ = ORGANISATIONS[k % len(ORGANISATIONS)]
            org = orgs[org_name]
            domains = [domain]
        else:
            domains = [rng.choice(MAIL_DOMAINS)]
        count = 1 if rng.random() < 0.8 else (2 if rng.random() < 0.85 else 3)
        while len(domains) < count:
            domains.append(rng.choice(MAIL_DOMAINS))
        mine = []
        for j, domain in enumerate(domains):
            local = f"{first}.{last}{k}" if j == 0 else f"{first[0]}{last}.{k}.{j}"
            address = f"{local.lower()}@{domain}"
            address_id += 1
            bounced = rng.random() < 0.005
            created = cast.now - timedelta(days=rng.uniform(30, 700))
            addresses.append(
                (
                    address_id,
                    created,
                    k,
                    address,
                    created + DAY if bounced else None,
                    "550 5.1.1 no such user" if bounced else "",
                )
            )
            mine.append(address)
        customers.append(
            (
                k,
                cast.now - timedelta(days=rng.uniform(30, 700)),
                name,
                pick(rng, LANGUAGES),
                rng.choice(ZONES),
                org,
                "",
                rng.random() < 0.01,
            )
        )
        cast.customer_names.append(name)
        cast.customer_addresses.append(mine)
        cast.customer_team.append("Enterprise" if org is not None else None)
    cast.customers = n
    return customers, addresses


def columns(names: str) -> tuple[str, ...]:
    return tuple(names.split())


# The columns each COPY fills, in the order TicketStory writes them (never a generated column).
TICKET_FIELDS = columns(
    "id created_at mailbox customer subject status priority assignee team reply_token "
    "merged_into updated_at last_customer_message_at solved_at category sla_policy sla_due_at "
    "sla_state"
)
MESSAGE_FIELDS = columns(
    "id created_at ticket mailbox kind author from_address from_name to cc subject text "
    "new_text html message_id in_reply_to references sent_at defects content_digest"
)
OUTBOUND_FIELDS = columns(
    "id created_at mailbox ticket ticket_message kind to recipient cc subject text message_id "
    "in_reply_to references bounce_token status attempts next_attempt_at last_error sent_at"
)
TIMER_FIELDS = columns(
    "id created_at ticket policy calendar kind state target_seconds warn_percent used_seconds "
    "running_since due_at warn_at warned_at breached_at stopped_at"
)


def load(args: argparse.Namespace) -> dict[str, Any]:
    """Fill the freshly migrated database; returns what was loaded and how long it took."""
    from django.db import connection

    from caredesk.core import clock
    from caredesk.customers.models import Customer, CustomerAddress
    from caredesk.outbound.models import OutboundEmail
    from caredesk.sla.models import SlaTimer
    from caredesk.tickets.models import Message, Participant, Ticket, TicketEvent

    rng = random.Random(args.seed)
    started = time.monotonic()
    now = clock.now().replace(microsecond=0)
    cast, people = cast_members(rng, now)
    n_customers = max(1, round(args.tickets * 0.4))
    log(f"generating {n_customers} customers and {args.tickets} tickets")
    customers, addresses = customer_rows(rng, cast, people["organisations"], n_customers)
    rows = Rows()
    for i in range(1, args.tickets + 1):
        TicketStory(i, rng, cast, rows).emit()
        if i % 20_000 == 0:
            log(f"  generated {i} tickets")
    generated = time.monotonic() - started
    log(f"generated in {generated:.1f} s; COPY")
    copy_rows(
        Customer,
        ["id", "created_at", "name", "language", "timezone", "organisation", "tier", "vip"],
        customers,
        "customers",
    )
    copy_rows(
        CustomerAddress,
        ["id", "created_at", "customer", "address", "bounced_at", "bounce_reason"],
        addresses,
        "addresses",
    )
    copy_rows(Ticket, TICKET_FIELDS, rows.tickets, "tickets")
    copy_rows(Ticket.tags.through, ["id", "ticket", "tag"], rows.taggings, "taggings")
    copy_rows(
        Participant,
        ["id", "created_at", "ticket", "address", "name", "role"],
        rows.participants,
        "participants",
    )
    copy_rows(Message, MESSAGE_FIELDS, rows.messages, "messages")
    copy_rows(OutboundEmail, OUTBOUND_FIELDS, rows.outbound, "outbound emails")
    copy_rows(
        TicketEvent, ["id", "created_at", "ticket", "kind", "actor", "data"], rows.events, "events"
    )
    copy_rows(SlaTimer, TIMER_FIELDS, rows.timers, "SLA timers")
    loaded = time.monotonic() - started
    log("VACUUM ANALYZE")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    statuses: dict[str, int] = {}
    for row in rows.tickets:
        statuses[row[5]] = statuses.get(row[5], 0) + 1
    return {
        "customers": len(customers),
        "customer_addresses": len(addresses),
        "organisations": len(ORGANISATIONS),
        "teams": len(TEAMS),
        "agents": len(cast.agents),
        "supervisors": 1,
        "tickets": len(rows.tickets),
        "tickets_by_status": dict(sorted(statuses.items())),
        "unsolved_with_sla_due_at": sum(1 for r in rows.tickets if r[16] is not None),
        "taggings": len(rows.taggings),
        "participants": len(rows.participants),
        "messages": len(rows.messages),
        "outbound_emails": len(rows.outbound),
        "events": len(rows.events),
        "sla_timers": len(rows.timers),
        "generate_seconds": round(generated, 1),
        "load_seconds": round(loaded, 1),
        "vacuum_analyze_seconds": round(time.monotonic() - started - loaded, 1),
        "measured_agent": people["measured_agent"],
        "supervisor": people["supervisor"],
    }


def kept_data(args: argparse.Namespace, database_url: str) -> dict[str, Any] | None:
    """What a kept database holds, if it is this data set (same size, seed and generator)."""
    import psycopg

    try:
        with psycopg.connect(database_url, connect_timeout=5) as conn:
            row = conn.execute(
                f"SELECT data FROM {MARKER} WHERE tickets = %s AND seed = %s AND version = %s",
                [args.tickets, args.seed, DATA_VERSION],
            ).fetchone()
    except psycopg.Error:
        return None  # no such database, or no marker: load afresh
    return row[0] if row else None


def mark_data(args: argparse.Namespace, data: dict[str, Any]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE {MARKER} (tickets int, seed int, version int, data jsonb, "
            "loaded_at timestamptz DEFAULT now())"
        )
        cursor.execute(
            f"INSERT INTO {MARKER} (tickets, seed, version, data) VALUES (%s, %s, %s, %s)",
            [args.tickets, args.seed, DATA_VERSION, json.dumps(data)],
        )
