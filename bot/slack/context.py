"""What listeners need, handed to each `register()`: no globals."""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass, field

from bot.clock import Clock
from bot.config import Settings
from bot.db.engine import SessionMaker
from bot.services.outbox.hooks import DeliveryHooks


@dataclass
class AppContext:
    settings: Settings
    sessionmaker: SessionMaker
    clock: Clock
    hooks: DeliveryHooks = field(default_factory=DeliveryHooks)
    # This replica's name on the work it claims (a round being computed), as the outbox does.
    owner: str = field(
        default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    )
    # What the listeners subscribe to ("command:/mentor", "event:app_home_opened"), so a test
    # can hold the manifest against it.
    subscriptions: set[str] = field(default_factory=set)
