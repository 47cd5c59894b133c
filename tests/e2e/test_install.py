"""Installing for many workspaces through Slack's OAuth flow, with the stand-in as Slack: the
*Add to Slack* page, the consent screen, the redirect, the code exchanged once; the
installation kept in the database; every request and send then made with that workspace's own
token. A forged or replayed state and a cancelled install change nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.features.workspaces import service as workspaces
from bot.platform.clock import FakeClock
from bot.platform.config import Settings, load_settings
from bot.platform.db.engine import make_sessionmaker
from bot.platform.db.install_tables import BOTS, INSTALLATIONS
from bot.platform.db.models import OutboxMessage, WorkspaceSettings
from bot.platform.local import LocalServer
from bot.platform.outbox import OutboundMessage, enqueue
from bot.platform.runtime import Runtime
from bot.sandbox import SlackDriver, SlackStandIn
from bot.sandbox.oauth import cookie_header, install_in_browser
from tests.e2e.conftest import SIGNING_SECRET
from tests.e2e.flows import AI, delivered_dms, join, participant, replies, wait_for_reply

LENA = "U01LENA"


@pytest.fixture
def settings(standin: SlackStandIn, database_url: str) -> Settings:
    standin.tokens.discard(standin.bot_token)  # no fixed token: only installations work
    return load_settings(
        {
            "SLACK_CLIENT_ID": standin.oauth.client_id,
            "SLACK_CLIENT_SECRET": standin.oauth.client_secret,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": standin.api_url,
            "SLACK_AUTHORIZE_URL": standin.oauth.authorize_url,
            "DATABASE_URL": database_url,
        },
        env_file=None,
    )


@pytest.fixture
async def bot(
    settings: Settings, engine: AsyncEngine, clock: FakeClock, standin: SlackStandIn
) -> AsyncIterator[LocalServer]:
    runtime = Runtime.build(settings, clock=clock)
    try:
        async with LocalServer(runtime) as server:
            standin.oauth.redirect_uri = server.url + "/slack/oauth_redirect"  # the app's config
            yield server
    finally:
        await runtime.close()


async def installed(engine: AsyncEngine) -> int:
    async with make_sessionmaker(engine)() as session:
        return int(await session.scalar(select(func.count()).select_from(BOTS)) or 0)


async def test_an_installed_workspace_is_served_with_its_own_token(
    bot: LocalServer, slack: SlackDriver, standin: SlackStandIn, engine: AsyncEngine
) -> None:
    before = await slack.command(LENA, "help")
    assert not any("/mentor join" in t for t in replies(standin, LENA)), before.text
    done = await install_in_browser(bot.url)
    assert done.status == 200 and "Flipside is installed" in done.page
    assert await installed(engine) == 1
    async with make_sessionmaker(engine)() as session:
        row = (await session.execute(select(INSTALLATIONS))).one()
    assert row.team_id == standin.workspace.team_id and row.user_id == standin.oauth.installer
    assert row.bot_token == standin.oauth.installed[-1]
    result = await slack.command(LENA, "help")
    assert result.status == 200
    await wait_for_reply(standin, LENA, "/mentor join")
    await join(slack, standin, LENA, role="share", share=[AI], learn=[AI])
    await bot.runtime.settle()
    sent = await delivered_dms(bot, standin, LENA)
    assert sent, standin.calls_to("chat.postMessage")
    exchanged = standin.calls_to("oauth.v2.access")
    assert len(exchanged) == 1 and exchanged[0].response["ok"]


async def test_a_forged_or_replayed_state_and_a_cancelled_install_change_nothing(
    bot: LocalServer, standin: SlackStandIn, engine: AsyncEngine
) -> None:
    async with httpx.AsyncClient(timeout=10) as browser:
        cancelled = await install_in_browser(bot.url, decision="deny", http=browser)
        assert cancelled.status == 200 and "You cancelled" in cancelled.page
        done = await install_in_browser(bot.url, http=browser)
        assert "Flipside is installed" in done.page
        replayed = await browser.get(done.redirect, headers=cookie_header(done.cookies))
        assert replayed.status_code in (400, 401) and "expired or was already used" in replayed.text
        query = parse_qs(urlsplit(done.redirect).query)
        forged = await browser.get(
            bot.url + "/slack/oauth_redirect",
            params={"code": query["code"][0], "state": "not-a-state-we-issued"},
            headers=cookie_header({"slack-app-oauth-state": "not-a-state-we-issued"}),
        )
        assert forged.status_code in (400, 401) and "Nothing was installed" in forged.text
    async with httpx.AsyncClient(timeout=10) as other_browser:
        # A state issued to someone else's browser: its cookie is not in this one.
        stolen = await other_browser.get(done.redirect)
        assert stolen.status_code in (400, 401)
    assert await installed(engine) == 1
    assert len(standin.calls_to("oauth.v2.access")) == 1


async def test_an_uninstall_mid_delivery_stops_every_send_and_the_data_goes_after_30_days(
    bot: LocalServer,
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
) -> None:
    assert "Flipside is installed" in (await install_in_browser(bot.url)).page
    await join(slack, standin, LENA, role="share", share=[AI], learn=[AI])
    await bot.runtime.settle()
    team = standin.workspace.team_id
    sessionmaker = make_sessionmaker(engine)
    async with sessionmaker() as session, session.begin():
        for i in range(5):
            await enqueue(
                session,
                OutboundMessage(team, f"later:{i}", "later", "hello", channel=LENA),
                clock.now(),
            )
    # Only user tokens revoked: the bot still works there.
    await slack.event({"type": "tokens_revoked", "tokens": {"oauth": [LENA], "bot": []}})
    await bot.runtime.settle()
    assert await installed(engine) == 1
    standin.oauth.revoke_all()  # Slack revokes the tokens, then tells the app
    result = await slack.event({"type": "app_uninstalled"})
    assert result.status == 200
    await bot.runtime.settle()
    await bot.runtime.dispatcher.tick()
    assert await installed(engine) == 0
    async with sessionmaker() as session:
        statuses = set(
            await session.scalars(select(OutboxMessage.status).where(OutboxMessage.team_id == team))
        )
        settings_row = await session.get(WorkspaceSettings, team)
    assert "pending" not in statuses and "sending" not in statuses
    assert settings_row is not None and settings_row.uninstalled_at is not None
    posted = len(standin.calls_to("chat.postMessage"))
    await slack.command(LENA, "help")
    await bot.runtime.settle()
    assert len(standin.calls_to("chat.postMessage")) == posted
    # Kept for UNINSTALL_KEEP_DAYS (30), then erased: every row of the workspace.
    keep = timedelta(days=30)
    clock.advance(timedelta(days=29))
    assert await workspaces.erase_due(sessionmaker, clock, keep) == []
    assert await participant(engine, LENA) is not None
    clock.advance(timedelta(days=2))
    assert await workspaces.erase_due(sessionmaker, clock, keep) == [team]
    assert await participant(engine, LENA) is None
    async with sessionmaker() as session:
        assert await session.get(WorkspaceSettings, team) is None
        left = await session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.team_id == team)
        )
    assert left == 0
