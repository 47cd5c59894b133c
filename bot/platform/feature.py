"""What a feature brings to the running bot. Each `bot/features/<name>/feature.py` declares one;
`bot.features.FEATURES` lists them, and the runtime and the manifest test iterate that list."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.platform.context import AppContext
from bot.platform.outbox import DeadLetterHook, HomeRenderer, Planner, SentHook
from bot.platform.slack.listeners import Listeners
from bot.platform.slack.router import CommandHandler, Subcommand


@dataclass(frozen=True)
class Job:
    """An interval job of the feature's own (beyond the outbox's plan, dispatch and reap)."""

    id: str
    every: Callable[[AppContext], float]  # seconds, from the settings
    run: Callable[[AppContext], Awaitable[object]]


@dataclass(frozen=True)
class Feature:
    name: str
    listeners: Callable[[Listeners], None] | None = None
    commands: tuple[Subcommand, ...] = ()
    unknown_command: CommandHandler | None = None  # the one feature that answers unknown words
    planners: tuple[Planner, ...] = ()
    on_sent: tuple[SentHook, ...] = ()
    on_dead: tuple[DeadLetterHook, ...] = ()
    jobs: tuple[Job, ...] = ()
    home: Callable[[AppContext], HomeRenderer] | None = None  # the one feature that draws Home
