"""Which bot token speaks to which workspace.

One workspace (SLACK_BOT_TOKEN): that token, for every request and every send. Many workspaces
(SLACK_CLIENT_ID and SLACK_CLIENT_SECRET): Bolt's own OAuth machinery installs the app per
workspace (`/slack/install`, `/slack/oauth_redirect`, `oauth.v2.access`) and keeps each
installation in the database through slack_sdk's SQLAlchemy installation and state stores
(their tables are migrated by Alembic: `platform/db/install_tables.py`); Bolt authorizes every
request by its workspace from there, and the outbox asks `Tokens` for each row's workspace."""

from __future__ import annotations

from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.platform.config import Settings
from bot.platform.tokens import Tokens

__all__ = ["Tokens", "installation_store", "oauth_settings"]

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
    )
