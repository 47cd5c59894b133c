"""Who someone is according to Slack (users.info), kept in a short-lived cache.

A person's name, title, time zone and admin flags change rarely, and `user_change` events say
when they do, so the bot asks Slack at most once per person per `fresh_seconds`. Before an ack,
where there is no time to ask, an answer older than that is still used (up to `keep_seconds`)
and refreshed after.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.people import SlackPerson, SlackUnavailable
from bot.platform.tokens import Tokens

log = logging.getLogger("bot.slack")


def person_from(user: dict[str, Any]) -> SlackPerson:
    """A users.info (or users.list, or user_change) user object, as the bot keeps it."""
    profile: dict[str, Any] = user.get("profile") or {}
    user_id = str(user.get("id") or "")
    name = profile.get("real_name") or user.get("real_name") or user.get("name") or user_id
    return SlackPerson(
        user_id=user_id,
        name=str(name),
        title=str(profile.get("title") or ""),
        timezone=str(user.get("tz") or "UTC"),
        deleted=bool(user.get("deleted")),
        is_admin=bool(user.get("is_admin") or user.get("is_owner")),
    )


@dataclass
class _Entry:
    person: SlackPerson
    at: float


class People:
    def __init__(
        self,
        client: AsyncWebClient,
        *,
        fresh_seconds: float = 300.0,
        keep_seconds: float = 86_400.0,
        max_entries: int = 50_000,
        timeout: float = 1.5,
        now: Callable[[], float] = time.monotonic,
        token: Callable[[], Awaitable[str | None]] | None = None,
    ) -> None:
        self.client = client
        self._token = token  # the workspace's bot token, when the client has none of its own
        self.fresh_seconds = fresh_seconds
        self.keep_seconds = keep_seconds
        self.max_entries = max_entries
        # An answer waits for it inside Slack's 3 s: leave room for the database and the reply,
        # because a late answer is worse than one that says Slack could not be reached.
        self.timeout = timeout
        self._now = now
        self._entries: dict[str, _Entry] = {}
        self._inflight: dict[str, asyncio.Future[SlackPerson]] = {}

    def peek(self, user_id: str) -> SlackPerson | None:
        """What the cache holds, if not too old to use; never calls Slack."""
        entry = self._entries.get(user_id)
        if entry is None or self._now() - entry.at > self.keep_seconds:
            return None
        return entry.person

    def is_fresh(self, user_id: str) -> bool:
        entry = self._entries.get(user_id)
        return entry is not None and self._now() - entry.at <= self.fresh_seconds

    async def get(self, user_id: str, *, fresh: bool = False) -> SlackPerson:
        """The person, from the cache when fresh enough, else from users.info. `fresh` always
        asks Slack (a profile save records what Slack says now)."""
        if not fresh and self.is_fresh(user_id):
            return self._entries[user_id].person
        pending = self._inflight.get(user_id)
        if pending is None:
            # One users.info per person at a time, in a task of its own: a caller that is
            # cancelled (a request cut off) does not cancel the others waiting for the answer.
            pending = asyncio.ensure_future(self._fetch(user_id))
            self._inflight[user_id] = pending
            pending.add_done_callback(lambda _: self._inflight.pop(user_id, None))
        try:
            return await asyncio.wait_for(asyncio.shield(pending), self.timeout)
        except (SlackApiError, aiohttp.ClientError, TimeoutError, KeyError) as exc:
            raise SlackUnavailable(f"users.info for {user_id}: {type(exc).__name__}") from exc

    async def _auth(self) -> dict[str, Any]:
        token = await self._token() if self._token is not None else None
        return {"token": token} if token else {}

    async def _fetch(self, user_id: str) -> SlackPerson:
        response = await self.client.users_info(user=user_id, **await self._auth())
        user: dict[str, Any] = dict(response["user"])
        user.setdefault("id", user_id)
        return self.remember(user)

    def remember(self, user: dict[str, Any]) -> SlackPerson:
        """Keep what Slack sent (users.info, users.list, a user_change event)."""
        person = person_from(user)
        if person.user_id:
            if len(self._entries) >= self.max_entries and person.user_id not in self._entries:
                oldest = min(self._entries, key=lambda k: self._entries[k].at)
                del self._entries[oldest]
            self._entries[person.user_id] = _Entry(person, self._now())
        return person

    async def warm(self, *, page_size: int = 200, max_pages: int = 100) -> int:
        """Fill the cache from users.list, so that the first answers after a start need no
        users.info (Tier 2: about 20 pages a minute). Returns how many people it holds."""
        cursor = ""
        for _ in range(max_pages):
            response = await self.client.users_list(
                limit=page_size, cursor=cursor or None, **await self._auth()
            )
            for member in response.get("members") or []:
                if isinstance(member, dict):
                    self.remember(member)
            cursor = str((response.get("response_metadata") or {}).get("next_cursor") or "")
            if not cursor:
                break
        return len(self._entries)


class Directory:
    """Each workspace's people. One workspace: one cache with the bot token's client. Many:
    a cache per workspace (user ids are only unique within one), each asking Slack with that
    workspace's own token."""

    def __init__(self, client: AsyncWebClient, tokens: Tokens, **options: Any) -> None:
        self.client = client
        self.tokens = tokens
        self.options = options
        self.default = People(client, **options)
        self._teams: dict[str, People] = {}

    def of(self, team_id: str) -> People:
        if self.tokens.store is None:
            return self.default
        found = self._teams.get(team_id)
        if found is None:

            async def token() -> str | None:
                return await self.tokens.for_team(team_id)

            found = self._teams[team_id] = People(self.client, token=token, **self.options)
        return found

    def forget(self, team_id: str) -> None:
        self._teams.pop(team_id, None)
