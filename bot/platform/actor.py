"""Who is acting: a person (from the payload Slack signed) or the bot itself (a scheduled job).

Use cases take an Actor and check, themselves, what it may do; whether a person is a workspace
admin comes from Slack, asked lazily (once per request, through the people cache).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.domain.people import SlackPerson, SlackUnavailable

log = logging.getLogger("bot.slack")

Lookup = Callable[[str], Awaitable[SlackPerson]]
Peek = Callable[[str], SlackPerson | None]


@dataclass
class Actor:
    team_id: str
    user_id: str
    lookup: Lookup | None = field(default=None, repr=False)
    peek: Peek | None = field(default=None, repr=False)
    is_system: bool = False
    _person: SlackPerson | None = field(default=None, repr=False)

    @classmethod
    def system(cls, team_id: str) -> Actor:
        """The bot acting on its own schedule: it may do what an admin may."""
        return cls(team_id, "", is_system=True)

    async def person(self) -> SlackPerson:
        """What Slack says about the actor (asked at most once per request)."""
        if self._person is None:
            if self.lookup is None:
                raise LookupError("no way to ask Slack about this actor")
            self._person = await self.lookup(self.user_id)
        return self._person

    async def is_workspace_admin(self) -> bool:
        """From Slack; when Slack can't say just now, no (the safe answer for a permission)."""
        if self.is_system:
            return True
        if self.lookup is None:
            return False
        try:
            return (await self.person()).is_admin
        except SlackUnavailable:
            log.warning("admin flags unknown: Slack unavailable", extra={"user": self.user_id})
            return False

    def workspace_admin_if_known(self) -> bool | None:
        """The answer without asking Slack, from what the cache already holds; None if unknown."""
        if self.is_system:
            return True
        known = self._person or (self.peek(self.user_id) if self.peek else None)
        return known.is_admin if known is not None else None
