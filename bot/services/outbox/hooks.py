"""How the rest of the bot plugs into delivery: planners that derive messages from time, and
reactions to messages that can never be delivered."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

log = logging.getLogger("bot.outbox")


@dataclass(frozen=True)
class DeadLetter:
    """A message marked dead for good: who it was for and why."""

    id: int
    team_id: str
    kind: str
    dedup_key: str
    owner: str | None
    channel: str | None
    users: tuple[str, ...]
    error: str
    at: datetime  # when the dispatcher gave up, by its clock


# A planner enqueues what is due by `now` (nudges, digests). It runs in its own transaction on
# every replica; dedup keys make that safe.
Planner = Callable[[AsyncSession, datetime], Awaitable[None]]
# Reacts to a dead letter (pause a participant whose account is gone...), in its own transaction.
DeadLetterHook = Callable[[AsyncSession, DeadLetter], Awaitable[None]]


@dataclass
class DeliveryHooks:
    planners: list[Planner] = field(default_factory=list)
    on_dead: list[DeadLetterHook] = field(default_factory=list)
