"""How the rest of the bot plugs into delivery: planners that derive messages from time, what
to do once Slack accepted a message, and what to do when one can never be delivered."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession


@dataclass(frozen=True)
class Letter:
    """Which outbox row an outcome is about."""

    id: int
    team_id: str
    kind: str
    dedup_key: str
    owner: str | None
    channel: str | None
    users: tuple[str, ...]


@dataclass(frozen=True)
class SentLetter(Letter):
    """What Slack answered for a delivered row: the conversation (a group DM's id, which only
    Slack knows), the message's ts, and an upload's file."""

    sent_channel: str
    ts: str
    file_id: str | None
    at: datetime


@dataclass(frozen=True)
class DeadLetter(Letter):
    """A message marked dead for good: who it was for and why."""

    error: str
    at: datetime  # when the dispatcher gave up, by its clock


# A planner enqueues what is due by `now` (nudges, digests). It runs in its own transaction on
# every replica; dedup keys make that safe.
Planner = Callable[[AsyncSession, datetime], Awaitable[None]]
# Records what Slack returned (a pairing keeps its group DM's id), in its own transaction.
SentHook = Callable[[AsyncSession, SentLetter], Awaitable[None]]
# Reacts to a dead letter (pause a participant whose account is gone...), in its own transaction.
DeadLetterHook = Callable[[AsyncSession, DeadLetter], Awaitable[None]]
# Renders someone's Home tab when its refresh is sent: (team, user) -> a `home` view.
HomeRenderer = Callable[[str, str], Awaitable[dict[str, Any]]]


@dataclass
class DeliveryHooks:
    planners: list[Planner] = field(default_factory=list)
    on_sent: list[SentHook] = field(default_factory=list)
    on_dead: list[DeadLetterHook] = field(default_factory=list)
