"""Durable delivery: every message the bot sends on its own is a row here before it is sent.

`enqueue` and `cancel` run inside the caller's transaction; the `Dispatcher` claims due rows
under a lease and sends them; `reap` returns abandoned rows and expires late ones.
"""

from bot.services.outbox.dispatcher import Dispatcher, DispatcherConfig
from bot.services.outbox.enqueue import OutboundMessage, cancel, enqueue
from bot.services.outbox.hooks import DeadLetter, DeliveryHooks
from bot.services.outbox.sender import SlackSender

__all__ = [
    "DeadLetter",
    "DeliveryHooks",
    "Dispatcher",
    "DispatcherConfig",
    "OutboundMessage",
    "SlackSender",
    "cancel",
    "enqueue",
]
