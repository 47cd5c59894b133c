"""Sends one outbox row to Slack and says what happened, never raising for Slack's answers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.delivery import is_permanent


@dataclass(frozen=True)
class Sent:
    channel: str
    ts: str


@dataclass(frozen=True)
class RateLimited:
    retry_after: float
    error: str = "ratelimited"


@dataclass(frozen=True)
class Failed:
    error: str
    permanent: bool


Outcome = Sent | RateLimited | Failed


@dataclass(frozen=True)
class Envelope:
    """What the sender needs of a claimed row."""

    channel: str | None
    users: tuple[str, ...]
    payload: dict[str, Any]


class SlackSender:
    """Owns a Web API client with no automatic retries: a retried post can post twice, so every
    retry decision belongs to the dispatcher, which records it."""

    def __init__(self, token: str, base_url: str, *, timeout: float = 10.0) -> None:
        self._token, self._base_url, self._timeout = token, base_url, int(timeout)
        self.client = self._client(None)
        self._session: aiohttp.ClientSession | None = None

    def _client(self, session: aiohttp.ClientSession | None) -> AsyncWebClient:
        return AsyncWebClient(
            token=self._token,
            base_url=self._base_url,
            timeout=self._timeout,
            session=session,
            retry_handlers=[],
        )

    async def start(self) -> None:
        """Share one connection pool across sends (call inside the running loop)."""
        if self._session is None:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=100),
                timeout=aiohttp.ClientTimeout(total=self._timeout),
            )
            self.client = self._client(self._session)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
            self.client = self._client(None)

    async def send(self, envelope: Envelope) -> Outcome:
        try:
            channel = envelope.channel or await self._open(envelope.users)
            response = await self.client.chat_postMessage(channel=channel, **envelope.payload)
            return Sent(channel=str(response.get("channel", channel)), ts=str(response["ts"]))
        except SlackApiError as exc:
            status = exc.response.status_code
            if status == 429:
                retry_after = float(exc.response.headers.get("Retry-After", 1) or 1)
                return RateLimited(retry_after=retry_after)
            error = str(exc.response.get("error") or f"http_{status}")
            return Failed(error=error, permanent=status < 500 and is_permanent(error))
        except (TimeoutError, aiohttp.ClientError) as exc:
            return Failed(error=type(exc).__name__, permanent=False)

    async def _open(self, users: tuple[str, ...]) -> str:
        """A group DM (or DM) has to be opened before it can be posted to."""
        response = await self.client.conversations_open(users=",".join(users))
        return str(response["channel"]["id"])
