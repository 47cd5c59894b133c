"""Build the Bolt app from settings and the features: no import-time globals, no network until
a request."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.response import BoltResponse
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from bot.platform.config import Settings
from bot.platform.context import AppContext
from bot.platform.feature import Feature
from bot.platform.slack import listeners
from bot.platform.slack.requests import log_failure, oops
from bot.platform.slack.router import register_command

log = logging.getLogger("bot.slack")


def build_client(settings: Settings) -> AsyncWebClient:
    """The Web API client for answering people. A 429 is retried (Slack did nothing yet);
    a 5xx is not, since a post may have gone through."""
    client = AsyncWebClient(
        # With many workspaces Bolt gives each request its workspace's token (the installation).
        token=None if settings.oauth else settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=10,
    )
    client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=2))
    return client


def build_app(
    ctx: AppContext,
    client: AsyncWebClient,
    features: Sequence[Feature],
    *,
    oauth: AsyncOAuthSettings | None = None,
) -> AsyncApp:
    settings = ctx.settings
    app = AsyncApp(
        client=client,
        oauth_settings=oauth,
        signing_secret=settings.slack_signing_secret or None,
        # HTTP requests are verified by the web gate before anything parses them, and Bolt is
        # handed the checked payload re-encoded (bot/platform/web/asgi.py); Socket Mode needs
        # no signature.
        request_verification_enabled=False,
        process_before_response=False,
        logger=logging.getLogger("slack_bolt"),
    )
    listeners.install(app, ctx)
    unknown = next((f.unknown_command for f in features if f.unknown_command), None)
    if unknown is None:
        raise ValueError("no feature answers unknown /mentor words")
    # First: Bolt tries listeners in order, and `/mentor` is what must answer fastest.
    register_command(app, ctx, [c for f in features for c in f.commands], unknown)
    on = listeners.Listeners(app, ctx)
    for feature in features:
        if feature.listeners is not None:
            feature.listeners(on)

    @app.error
    async def on_error(
        error: Exception, body: dict[str, Any], respond: Any, logger: logging.Logger
    ) -> BoltResponse | None:
        """What escaped the pipeline's own handling (Bolt's middleware, a payload no listener
        could take)."""
        correlation = log_failure(error, str(body.get("type")))
        if respond is not None and body.get("response_url"):
            await respond(text=oops(correlation), response_type="ephemeral")
        return None

    return app
