"""The door Slack's requests come through: the signature is checked on the raw body before
anything reads it, and only well-formed payloads of the kinds the bot handles go on to Bolt.

A request that fails gets a fixed short answer and one WARNING line with its size and the
reason, never its body; those lines are throttled, so a flood of forged requests cannot flood
the log. Nothing else happens: no listener, no error handler, no call out.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

log = logging.getLogger("bot.web")

MAX_BODY = 1_000_000  # bytes; Slack's largest payloads (a full modal's state) are far smaller
MAX_SKEW = 300  # seconds either way, as Slack's own guidance says
LOG_EVERY = 10.0  # seconds between two warnings of one reason


@dataclass
class Throttle:
    """At most one log line per reason per `every` seconds, saying how many were left out."""

    every: float = LOG_EVERY
    now: Callable[[], float] = time.monotonic
    _last: dict[str, float] = field(default_factory=dict)
    _held: dict[str, int] = field(default_factory=dict)

    def warn(self, reason: str, **extra: object) -> None:
        at = self.now()
        if at - self._last.get(reason, -self.every) < self.every:
            self._held[reason] = self._held.get(reason, 0) + 1
            return
        self._last[reason] = at
        left_out = self._held.pop(reason, 0)
        log.warning("request refused", extra={"reason": reason, "left_out": left_out, **extra})


def signature_problem(
    secret: str,
    body: bytes,
    timestamp: str | None,
    signature: str | None,
    *,
    now: float | None = None,
) -> str | None:
    """Why Slack did not sign this request (v0 HMAC-SHA256 over `v0:{ts}:{body}`), or None."""
    if not timestamp or not signature:
        return "unsigned"
    if len(timestamp) > 12 or not timestamp.isascii() or not timestamp.isdigit():
        return "malformed timestamp"
    if abs((time.time() if now is None else now) - int(timestamp)) > MAX_SKEW:
        return "stale or future timestamp"
    if not signature.isascii() or not signature.startswith("v0=") or len(signature) != 67:
        return "malformed signature"
    base = b"v0:" + timestamp.encode() + b":" + body
    expected = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature):
        return "bad signature"
    return None
