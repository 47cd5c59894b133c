"""Which bot token speaks to which workspace.

One workspace (SLACK_BOT_TOKEN): that token, for every request and every send. Many workspaces
(SLACK_CLIENT_ID and SLACK_CLIENT_SECRET): Bolt's own OAuth machinery installs the app per
workspace (`/slack/install`, `/slack/oauth_redirect`, `oauth.v2.access`) and keeps each
installation in the database through slack_sdk's SQLAlchemy installation and state stores
(their tables are migrated by Alembic: `platform/db/install_tables.py`); Bolt authorizes every
request by its workspace from there, and the outbox asks `Tokens` for each row's workspace."""

from __future__ import annotations

import html
import logging
from collections.abc import Awaitable, Callable

from slack_bolt.oauth.async_callback_options import (
    AsyncCallbackOptions,
    AsyncFailureArgs,
    AsyncSuccessArgs,
)
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.response import BoltResponse
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.platform.config import Settings
from bot.platform.db.models import WorkspaceSettings
from bot.platform.tokens import Tokens

__all__ = ["Tokens", "installation_store", "oauth_settings"]

log = logging.getLogger("bot.install")
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
STATE_SECONDS = 600  # an install link is good for ten minutes, and once
# What the app asks each workspace for: the manifest's bot scopes (a test holds them equal).
BOT_SCOPES = (
    "commands",
    "chat:write",
    "chat:write.public",
    "im:write",
    "im:history",
    "mpim:history",
    "channels:history",
    "groups:history",
    "mpim:write",
    "users:read",
    "files:write",
)


def installation_store(settings: Settings, engine: AsyncEngine) -> AsyncSQLAlchemyInstallationStore:
    return AsyncSQLAlchemyInstallationStore(client_id=settings.slack_client_id, engine=engine)


def oauth_settings(settings: Settings, engine: AsyncEngine) -> AsyncOAuthSettings:
    return AsyncOAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        scopes=list(BOT_SCOPES),
        redirect_uri=settings.slack_redirect_uri or None,
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        authorization_url=settings.slack_authorize_url,
        installation_store=installation_store(settings, engine),
        installation_store_bot_only=True,
        state_store=AsyncSQLAlchemyOAuthStateStore(expiration_seconds=STATE_SECONDS, engine=engine),
        state_expiration_seconds=STATE_SECONDS,
        callback_options=AsyncCallbackOptions(success=_installed(engine), failure=_not_installed),
    )


def _page(title: str, text: str, status: int) -> BoltResponse:
    body = (
        "<!doctype html><html><head><meta charset='utf-8'><title>Flipside</title></head>"
        f"<body style='font-family:sans-serif;max-width:36em;margin:3em auto'>"
        f"<h1>{html.escape(title)}</h1><p>{text}</p></body></html>"
    )
    return BoltResponse(
        status=status, body=body, headers={"Content-Type": "text/html; charset=utf-8"}
    )


def _installed(engine: AsyncEngine) -> Callable[[AsyncSuccessArgs], Awaitable[BoltResponse]]:
    async def success(args: AsyncSuccessArgs) -> BoltResponse:
        team_id = args.installation.team_id
        if team_id:  # installed again before its data was erased: it is all still there
            async with engine.begin() as conn:
                await conn.execute(
                    update(WorkspaceSettings)
                    .where(WorkspaceSettings.team_id == team_id)
                    .values(uninstalled_at=None)
                )
        log.info("installed", extra={"team": team_id})
        return _welcome(args)

    return success


def _welcome(args: AsyncSuccessArgs) -> BoltResponse:
    team = html.escape(args.installation.team_name or "your workspace")
    return _page(
        "Flipside is installed",
        f"Flipside is now part of {team}. In Slack, type <code>/mentor help</code> to start, "
        "and ask an admin to open <code>/mentor admin settings</code> to set up the program.",
        200,
    )


async def _not_installed(args: AsyncFailureArgs) -> BoltResponse:
    again = f"<a href='{INSTALL_PATH}'>Start again</a>"
    if args.reason == "access_denied":
        text = f"You cancelled, so nothing was installed and nothing changed. {again} any time."
    elif args.reason in ("invalid_browser", "invalid_state"):
        text = (
            "This install link has expired or was already used (each one works once, for ten "
            f"minutes, in the browser that opened it). Nothing was installed. {again}."
        )
    else:
        text = f"Slack did not complete the installation, so nothing was installed. {again}."
    log.warning("install refused", extra={"reason": args.reason})
    return _page("Flipside was not installed", text, args.suggested_status_code)
