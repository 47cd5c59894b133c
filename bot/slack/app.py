"""Build the Bolt app from settings: no import-time globals, no network until a request."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.response import BoltResponse
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from bot.services.errors import UserFacingError
from bot.slack.context import AppContext
from bot.slack.listeners import register_listeners

log = logging.getLogger("bot.slack")


def build_client(ctx: AppContext) -> AsyncWebClient:
    """The Web API client for answering people. A 429 is retried (Slack did nothing yet);
    a 5xx is not, since a post may have gone through."""
    client = AsyncWebClient(
        token=ctx.settings.slack_bot_token, base_url=ctx.settings.slack_api_url, timeout=10
    )
    client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=2))
    return client


def build_app(ctx: AppContext) -> AsyncApp:
    settings = ctx.settings
    app = AsyncApp(
        client=build_client(ctx),
        signing_secret=settings.slack_signing_secret or None,
        # Socket Mode needs no request signature; HTTP mode always checks it.
        request_verification_enabled=not settings.socket_mode,
        process_before_response=False,
        logger=logging.getLogger("slack_bolt"),
    )
    register_listeners(app, ctx)

    @app.error
    async def on_error(
        error: Exception, body: dict[str, Any], respond: Any, logger: logging.Logger
    ) -> BoltResponse | None:
        can_answer = respond is not None and bool(body.get("response_url"))
        if isinstance(error, UserFacingError):
            if can_answer:
                await respond(text=str(error), response_type="ephemeral", replace_original=False)
            else:
                log.info("user-facing error with nowhere to say it", extra={"error": str(error)})
            return None
        correlation = uuid.uuid4().hex[:12]
        log.exception(
            "listener failed",
            exc_info=error,
            extra={"correlation_id": correlation, "payload_type": body.get("type")},
        )
        if can_answer:
            await respond(
                text=f":warning: Something went wrong on my side. Please try again; if it "
                f"keeps happening, give the program team this code: `{correlation}`.",
                response_type="ephemeral",
            )
        return None

    return app
