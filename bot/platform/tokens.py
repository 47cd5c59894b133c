"""Which bot token speaks to which workspace: the one SLACK_BOT_TOKEN, or each workspace's own
installation (see `platform/slack/installs.py`)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore

TOKEN_FRESH_SECONDS = 60.0


@dataclass
class Tokens:
    """The bot token for a workspace, or None when it has none (never installed, uninstalled).
    Installation lookups are cached for a minute; `forget` drops a workspace at once."""

    fixed: str = ""  # SLACK_BOT_TOKEN, in single-workspace mode
    store: AsyncInstallationStore | None = None
    _cache: dict[str, tuple[float, str | None]] = field(default_factory=dict)

    async def for_team(self, team_id: str) -> str | None:
        if self.store is None:
            return self.fixed or None
        cached = self._cache.get(team_id)
        if cached is not None and time.monotonic() - cached[0] < TOKEN_FRESH_SECONDS:
            return cached[1]
        bot = await self.store.async_find_bot(enterprise_id=None, team_id=team_id)
        token = bot.bot_token if bot is not None else None
        self._cache[team_id] = (time.monotonic(), token)
        return token

    def forget(self, team_id: str) -> None:
        self._cache.pop(team_id, None)
