"""Signed delivery to the app, as Slack sends it: the v0 signature, headers and `DriverResult`."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Self
from urllib.parse import urlencode

import httpx

from bot.sandbox.records import JSON, PostedMessage, StoredView

Outcome = Literal["closed", "cleared", "errors", "updated", "pushed"]
FORM = "application/x-www-form-urlencoded"


@dataclass
class DriverResult:
    """The app's HTTP answer and, for view submissions, what Slack's client did with it."""

    status: int
    body: Any = None
    text: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    outcome: Outcome | None = None
    errors: dict[str, str] = field(default_factory=dict)
    view: StoredView | None = None
    options: list[JSON] = field(default_factory=list)
    message: PostedMessage | None = None
    sent: bool = True

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def closed(self) -> bool:
        return self.outcome in ("closed", "cleared")


class SignedSender:
    """POSTs bodies to the app at `app_url`, signed with `signing_secret` as Slack signs them."""

    def __init__(
        self, app_url: str, signing_secret: str, *, http: httpx.AsyncClient | None = None
    ) -> None:
        self.app_url = app_url
        self.signing_secret = signing_secret
        self._http = http if http is not None else httpx.AsyncClient(timeout=10.0)
        self._owns_http = http is None

    async def aclose(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # -- transport -----------------------------------------------------------------------------

    def sign(self, body: bytes, timestamp: int) -> str:
        base = f"v0:{timestamp}:".encode() + body
        return "v0=" + hmac.new(self.signing_secret.encode(), base, hashlib.sha256).hexdigest()

    async def raw(self, body: bytes, headers: Mapping[str, str]) -> DriverResult:
        """POST arbitrary bytes with exactly these headers (forged or stale signatures)."""
        response = await self._http.post(self.app_url, content=body, headers=dict(headers))
        parsed: Any = None
        if response.content:
            try:
                parsed = response.json()
            except ValueError:
                parsed = None
        return DriverResult(response.status_code, parsed, response.text, dict(response.headers))

    async def _send(
        self,
        body: bytes,
        content_type: str,
        *,
        timestamp: int | None = None,
        signature: str | None = None,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
    ) -> DriverResult:
        ts = int(time.time()) if timestamp is None else timestamp
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": str(ts),
            "X-Slack-Signature": signature if signature is not None else self.sign(body, ts),
            "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
        }
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = retry_reason
        return await self.raw(body, headers)

    async def _interact(self, payload: JSON) -> DriverResult:
        return await self._send(urlencode({"payload": json.dumps(payload)}).encode(), FORM)
