"""Performs one outbox row in Slack's Web API and says what happened, never raising for
Slack's answers."""

from __future__ import annotations

import base64
import contextlib
import contextvars
import logging
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.delivery import Action, is_permanent
from bot.platform.outbox.hooks import HomeRenderer
from bot.platform.tokens import Tokens

log = logging.getLogger("bot.outbox")


@dataclass(frozen=True)
class Sent:
    channel: str
    ts: str
    file_id: str | None = None


@dataclass(frozen=True)
class RateLimited:
    retry_after: float
    error: str = "ratelimited"


@dataclass(frozen=True)
class Failed:
    error: str
    permanent: bool


Outcome = Sent | RateLimited | Failed
# Final for one action only: an update of a message that is gone (or can no longer be edited)
# gets the same answer however often it is sent again.
PERMANENT_FOR_ACTION: dict[Action, frozenset[str]] = {
    Action.UPDATE: frozenset({"message_not_found", "cant_update_message", "edit_window_closed"}),
}
RememberFile = Callable[[str], Awaitable[None]]
MARK = "flipside_outbox"  # the metadata event type of every post the outbox makes
FIND_PAGES = 5


def mark(key: str) -> dict[str, Any] | None:
    """The metadata a post carries: which outbox row made it (nothing else about anyone)."""
    return {"event_type": MARK, "event_payload": {"key": key}} if key else None


def is_mark(metadata: object, key: str) -> bool:
    if not isinstance(metadata, dict) or metadata.get("event_type") != MARK:
        return False
    payload = metadata.get("event_payload")
    return isinstance(payload, dict) and payload.get("key") == key


@dataclass(frozen=True)
class Envelope:
    """What the sender needs of a claimed row."""

    channel: str | None
    users: tuple[str, ...]
    payload: dict[str, Any]
    action: Action = Action.POST
    team_id: str = ""
    file_id: str | None = None  # an upload whose bytes an earlier attempt already sent
    key: str = ""  # the row's dedup key, carried in the post's metadata


class _UploadFailed(Exception):
    pass


# The token of the row being sent (its workspace's), for every call that sends it.
_TOKEN: contextvars.ContextVar[str | None] = contextvars.ContextVar("token", default=None)


@contextlib.contextmanager
def _using(token: str) -> Iterator[None]:
    reset = _TOKEN.set(token)
    try:
        yield
    finally:
        _TOKEN.reset(reset)


def _auth() -> dict[str, Any]:
    token = _TOKEN.get()
    return {"token": token} if token else {}


class SlackSender:
    """Owns a Web API client with no automatic retries: a retried post can post twice, so every
    retry decision belongs to the dispatcher, which records it."""

    def __init__(
        self,
        token: str | Tokens,
        base_url: str,
        *,
        timeout: float = 10.0,
        home: HomeRenderer | None = None,
    ) -> None:
        # Each row goes out with its own workspace's token (one fixed token, or installations).
        self.tokens = token if isinstance(token, Tokens) else Tokens(fixed=token)
        self._token = self.tokens.fixed or None
        self._base_url, self._timeout = base_url, int(timeout)
        self.client = self._client(None)
        self._session: aiohttp.ClientSession | None = None
        self.home = home

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

    async def send(self, envelope: Envelope, remember_file: RememberFile | None = None) -> Outcome:
        token = await self.tokens.for_team(envelope.team_id)
        if token is None:  # never installed there, or uninstalled: nothing can reach it
            return Failed(error="not_installed", permanent=True)
        with _using(token):
            return await self._send(envelope, remember_file)

    async def _send(self, envelope: Envelope, remember_file: RememberFile | None) -> Outcome:
        try:
            if envelope.action == Action.PUBLISH_HOME:
                return await self._publish_home(envelope)
            if envelope.action == Action.UPDATE:
                return await self._update(envelope)
            if envelope.action == Action.UPLOAD:
                return await self._upload(envelope, remember_file)
            return await self._post(envelope)
        except SlackApiError as exc:
            status = exc.response.status_code
            if status == 429:
                retry_after = float(exc.response.headers.get("Retry-After", 1) or 1)
                return RateLimited(retry_after=retry_after)
            error = str(exc.response.get("error") or f"http_{status}")
            final = is_permanent(error) or error in PERMANENT_FOR_ACTION.get(envelope.action, ())
            return Failed(error=error, permanent=status < 500 and final)
        except _UploadFailed as exc:
            return Failed(error=str(exc), permanent=False)
        except (TimeoutError, aiohttp.ClientError) as exc:
            return Failed(error=type(exc).__name__, permanent=False)

    async def _post(self, envelope: Envelope) -> Outcome:
        channel = envelope.channel or await self._open(envelope.users)
        response = await self.client.chat_postMessage(
            channel=channel, metadata=mark(envelope.key), **envelope.payload, **_auth()
        )
        return Sent(channel=str(response.get("channel", channel)), ts=str(response["ts"]))

    async def find_post(self, envelope: Envelope, since: float) -> Sent | None:
        """The bot's own post of this row, if an earlier attempt made it after all (Slack took
        it, and the outcome never reached the database): found by the key in its metadata,
        among the conversation's messages since that attempt began. None when it is not there,
        or when Slack can't tell (the row is then posted, as before)."""
        token = await self.tokens.for_team(envelope.team_id)
        if token is None:
            return None
        try:
            with _using(token):
                return await self._find_post(envelope, since)
        except (SlackApiError, TimeoutError, aiohttp.ClientError) as exc:
            log.warning(
                "could not look for an earlier post",
                extra={"key": envelope.key, "error": type(exc).__name__},
            )
        return None

    async def _find_post(self, envelope: Envelope, since: float) -> Sent | None:
        channel = await self._conversation(envelope)
        cursor: str | None = None
        for _ in range(FIND_PAGES):
            page = await self.client.conversations_history(
                channel=channel,
                oldest=f"{since:.6f}",
                include_all_metadata=True,
                limit=200,
                cursor=cursor,
                **_auth(),
            )
            for message in page.get("messages") or []:
                if is_mark(message.get("metadata"), envelope.key) and message.get("ts"):
                    return Sent(channel=channel, ts=str(message["ts"]))
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return None
        return None

    async def _update(self, envelope: Envelope) -> Outcome:
        payload = dict(envelope.payload)
        ts = str(payload.pop("ts"))
        assert envelope.channel is not None
        response = await self.client.chat_update(
            channel=envelope.channel, ts=ts, **payload, **_auth()
        )
        return Sent(channel=str(response.get("channel", envelope.channel)), ts=ts)

    async def _publish_home(self, envelope: Envelope) -> Outcome:
        assert envelope.channel is not None
        if self.home is None:
            return Failed(error="no_home_renderer", permanent=True)
        try:
            view = await self.home(envelope.team_id, envelope.channel)
        except Exception:  # the next attempt draws it again; the tick goes on
            log.exception("a Home could not be drawn", extra={"user": envelope.channel})
            return Failed(error="home_render_failed", permanent=False)
        await self.client.views_publish(user_id=envelope.channel, view=view, **_auth())
        return Sent(channel=envelope.channel, ts="")

    async def _upload(self, envelope: Envelope, remember_file: RememberFile | None) -> Outcome:
        """files_upload_v2 in its three steps, so that the file id is recorded as soon as the
        bytes are with Slack: a retry then only completes the share, never uploads twice."""
        payload = envelope.payload
        channel = await self._conversation(envelope)
        file_id = envelope.file_id
        if file_id is None:
            content = base64.b64decode(payload["content_b64"])
            extra = {"alt_txt": payload["alt_txt"]} if payload.get("alt_txt") else {}
            ticket = await self.client.files_getUploadURLExternal(
                filename=payload["filename"], length=len(content), **extra, **_auth()
            )
            await self._put_bytes(str(ticket["upload_url"]), content)
            file_id = str(ticket["file_id"])
            if remember_file is not None:
                await remember_file(file_id)
        await self.client.files_completeUploadExternal(
            files=[{"id": file_id, "title": payload.get("title") or payload["filename"]}],
            channel_id=channel,
            initial_comment=payload.get("initial_comment") or None,
            **_auth(),
        )
        return Sent(channel=channel, ts="", file_id=file_id)

    async def _put_bytes(self, url: str, content: bytes) -> None:
        timeout = aiohttp.ClientTimeout(total=self._timeout)
        if self._session is not None:
            async with self._session.post(url, data=content) as response:
                status = response.status
        else:
            async with (
                aiohttp.ClientSession(timeout=timeout) as session,
                session.post(url, data=content) as response,
            ):
                status = response.status
        if status != 200:
            raise _UploadFailed(f"upload_http_{status}")

    async def _conversation(self, envelope: Envelope) -> str:
        """A conversation id: files can be shared in conversations, never to a user id."""
        channel = envelope.channel
        if channel and channel[0] in "CDG":
            return channel
        return await self._open((channel,) if channel else envelope.users)

    async def _open(self, users: tuple[str, ...]) -> str:
        """A DM or group DM has to be opened before it can be posted to."""
        response = await self.client.conversations_open(users=",".join(users), **_auth())
        return str(response["channel"]["id"])
