"""Durable delivery: every message the bot sends on its own is a row here before it is sent.

`enqueue`, `enqueue_home` and `cancel` run inside the caller's transaction; the `Dispatcher`
claims due rows under a lease and performs them (post, update, publish a Home, upload a file);
`reap` returns abandoned rows and expires late ones.
"""

from bot.platform.outbox.dispatcher import Dispatcher, DispatcherConfig
from bot.platform.outbox.enqueue import (
    OutboundMessage,
    Upload,
    cancel,
    cancel_workspace,
    enqueue,
    enqueue_home,
    enqueue_homes,
    send_dm,
)
from bot.platform.outbox.hooks import (
    DeadLetter,
    DeadLetterHook,
    DeliveryHooks,
    HomeRenderer,
    Letter,
    Planner,
    SentHook,
    SentLetter,
)
from bot.platform.outbox.sender import SlackSender

__all__ = [
    "DeadLetter",
    "DeadLetterHook",
    "DeliveryHooks",
    "Dispatcher",
    "DispatcherConfig",
    "HomeRenderer",
    "Letter",
    "OutboundMessage",
    "Planner",
    "SentHook",
    "SentLetter",
    "SlackSender",
    "Upload",
    "cancel",
    "cancel_workspace",
    "enqueue",
    "enqueue_home",
    "enqueue_homes",
    "send_dm",
]
