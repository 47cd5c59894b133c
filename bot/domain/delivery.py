"""Pure rules of delivery: which Slack errors are final, how long to back off, how fast to send."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from enum import StrEnum


class Action(StrEnum):
    """What an outbox row does in Slack's Web API."""

    POST = "post"  # chat.postMessage (a DM or group DM is opened first)
    UPDATE = "update"  # chat.update of a message the bot posted earlier
    PUBLISH_HOME = "publish_home"  # views.publish of someone's Home, rendered when it is sent
    UPLOAD = "upload"  # files.getUploadURLExternal, the bytes, files.completeUploadExternal


class Status(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    DEAD = "dead"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


# The recipient is gone or unreachable: retrying cannot help, and the service layer should know.
PERMANENT_ERRORS = frozenset(
    {
        "account_inactive",
        "user_not_found",
        "users_not_found",
        "user_disabled",
        "channel_not_found",
        "is_archived",
        "not_in_channel",
        "cannot_dm_bot",
        "restricted_action",
        # The token itself: revoked (the workspace uninstalled the app), expired or wrong.
        "token_revoked",
        "token_expired",
        "invalid_auth",
        "not_authed",
    }
)
# A channel that will not take the bot's post (not invited, gone, archived): tell someone.
UNREACHABLE_CHANNEL = frozenset({"not_in_channel", "channel_not_found", "is_archived"})
# Our payload is wrong: retrying sends the same wrong payload.
REJECTED_PAYLOAD_ERRORS = frozenset(
    {"invalid_blocks", "invalid_arguments", "no_text", "msg_too_long", "too_many_attachments"}
)


def is_permanent(error: str) -> bool:
    return error in PERMANENT_ERRORS or error in REJECTED_PAYLOAD_ERRORS


def backoff_seconds(
    attempt: int, *, base: float = 2.0, cap: float = 300.0, rng: random.Random | None = None
) -> float:
    """Exponential backoff with full jitter: uniform in [base, min(cap, base * 2**attempt)]."""
    ceiling = min(cap, base * 2 ** max(0, attempt - 1))
    return (rng or random).uniform(min(base, ceiling), ceiling)


@dataclass
class Pacer:
    """Decides when each send may start: a workspace-wide rate (GCRA, with a burst) and at most
    one message per `channel_interval` to the same conversation. Times are seconds, injected."""

    rate_per_second: float
    burst: int = 1
    channel_interval: float = 1.0
    _tat: float = 0.0  # theoretical arrival time of the next conforming send
    _channel_next: dict[str, float] = field(default_factory=dict)
    _paused_until: float = 0.0

    def earliest(self, channel: str, now: float) -> float:
        """When a send to `channel` could start, without booking it."""
        tolerance = (max(1, self.burst) - 1) / self.rate_per_second
        start = max(now, self._paused_until, self._channel_next.get(channel, 0.0))
        return max(start, self._tat - tolerance)

    def reserve(self, channel: str, now: float) -> float:
        """Book the earliest start for a send to `channel` at or after `now`, and return it."""
        start = self.earliest(channel, now)
        self._tat = max(self._tat, start) + 1.0 / self.rate_per_second
        self._channel_next[channel] = start + self.channel_interval
        if len(self._channel_next) > 10_000:
            self._channel_next = {c: t for c, t in self._channel_next.items() if t > now}
        return start

    @property
    def paused_until(self) -> float:
        return self._paused_until

    def pause(self, until: float) -> None:
        """Slack said 429: nothing starts before `until`."""
        self._paused_until = max(self._paused_until, until)
