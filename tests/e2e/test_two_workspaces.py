"""Two workspaces installed side by side, with the same Slack user ids in each (ids are only
unique within a workspace): each runs its own program. Rounds match only within a workspace,
Homes and summaries show only its own people, and each workspace's messages go out with its
own token (each stand-in honours only its own, so a mix-up would fail loudly)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.summary import Digest
from bot.features.summaries import chart
from bot.features.summaries import service as summaries
from bot.kit.ids import Action
from bot.platform.clock import FakeClock
from bot.platform.config import Settings, load_settings
from bot.platform.db.engine import make_sessionmaker
from bot.platform.db.models import OutboxMessage, Pairing, Participant
from bot.platform.local import LocalServer
from bot.platform.runtime import Runtime
from bot.sandbox import SlackDriver, SlackStandIn, demo_workspace
from bot.sandbox.federation import SlackFederation
from bot.sandbox.oauth import install_in_browser
from tests.e2e.conftest import SIGNING_SECRET
from tests.e2e.flows import AI, CAREER, home, join, text_of
from tests.e2e.rounds_setup import ADMIN, ADMIN_CHANNEL, proposals, send_all, set_admin_channel

MAYA, GRACE, LENA = "U01MAYA", "U01GRACE", "U01LENA"
BETA = "T0BETA"


@pytest.fixture
async def beta() -> AsyncIterator[SlackStandIn]:
    workspace = demo_workspace()  # the same people's ids, in another company
    workspace.team_id, workspace.team_name, workspace.domain = BETA, "Beta Ltd", "beta"
    for user in workspace.users.values():
        user.real_name = user.real_name + " (Beta)"
    async with SlackStandIn(workspace, bot_token="xoxb-beta-unused") as server:
        yield server


@pytest.fixture
async def federation(standin: SlackStandIn, beta: SlackStandIn) -> AsyncIterator[SlackFederation]:
    for one in (standin, beta):
        one.tokens.clear()  # no fixed token anywhere: only installations work
    async with SlackFederation(standin, beta) as front:
        yield front


@pytest.fixture
def settings(federation: SlackFederation, standin: SlackStandIn, database_url: str) -> Settings:
    return load_settings(
        {
            "SLACK_CLIENT_ID": standin.oauth.client_id,
            "SLACK_CLIENT_SECRET": standin.oauth.client_secret,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": federation.api_url,
            "SLACK_AUTHORIZE_URL": federation.authorize_url,
            "DATABASE_URL": database_url,
        },
        env_file=None,
    )


@pytest.fixture
async def bot(
    settings: Settings, engine: AsyncEngine, clock: FakeClock, federation: SlackFederation
) -> AsyncIterator[LocalServer]:
    runtime = Runtime.build(settings, clock=clock)
    try:
        async with LocalServer(runtime) as server:
            for one in federation.standins:
                one.oauth.redirect_uri = server.url + "/slack/oauth_redirect"
            yield server
    finally:
        await runtime.close()


async def test_two_workspaces_with_the_same_user_ids_run_their_own_programs(
    bot: LocalServer,
    federation: SlackFederation,
    standin: SlackStandIn,
    beta: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
) -> None:
    alpha = standin
    drivers = {
        alpha: SlackDriver(alpha, bot.events_url, SIGNING_SECRET),
        beta: SlackDriver(beta, bot.events_url, SIGNING_SECRET),
    }
    try:
        for one in (alpha, beta):
            federation.choose(one)
            done = await install_in_browser(bot.url)
            assert "Flipside is installed" in done.page, done.page
            await set_admin_channel(engine, clock, one.workspace.team_id)
        junior = {"role": "share", "level": "Early career", "share": [AI], "learn": [CAREER]}
        leader = {"role": "learn", "level": "Executive", "share": [CAREER], "learn": [AI]}
        for one, slack in drivers.items():
            await join(slack, one, MAYA, **junior)
            await join(slack, one, GRACE, **leader)
        await join(drivers[beta], beta, LENA, **junior)  # only in Beta: waits for a match
        for one, slack in drivers.items():
            assert (await slack.command(ADMIN, "admin match", channel_id=ADMIN_CHANNEL)).ok
            await bot.runtime.settle()
            await send_all(bot, clock)
            await one.wait_for(lambda one=one: len(proposals(one)) == 1, within=10)
            (proposal,) = proposals(one)
            await slack.click(
                ADMIN, Action.ROUND_APPROVE, channel_id=ADMIN_CHANNEL, message_ts=proposal.ts
            )
            await bot.runtime.settle()
            await send_all(bot, clock)
        async with make_sessionmaker(engine)() as session:
            pairings = (await session.scalars(select(Pairing))).all()
            people = (await session.scalars(select(Participant))).all()
        assert sorted((p.team_id, p.mentor_user_id, p.leader_user_id) for p in pairings) == [
            (BETA, MAYA, GRACE),
            ("T0FLIPSIDE", MAYA, GRACE),
        ]
        assert sorted((p.team_id, p.slack_user_id) for p in people) == sorted(
            [("T0FLIPSIDE", MAYA), ("T0FLIPSIDE", GRACE), (BETA, MAYA), (BETA, GRACE), (BETA, LENA)]
        )
        names = {p.team_id: set() for p in people}
        for p in people:
            names[p.team_id].add(p.display_name)
        assert all("(Beta)" in n for n in names[BETA])
        assert not any("(Beta)" in n for n in names["T0FLIPSIDE"])
        # Each pair was introduced in its own workspace, once.
        for one in (alpha, beta):
            group = one.dm_id([MAYA, GRACE])
            assert len([m for m in one.messages_in(group) if m.ephemeral_user is None]) >= 1
        # Homes: Beta's admin sees Lena waiting; Flipside's does not know her.
        alpha_home = text_of(await home(drivers[alpha], alpha, ADMIN))
        beta_home = text_of(await home(drivers[beta], beta, ADMIN))
        assert f"<@{LENA}>" in beta_home and f"<@{LENA}>" not in alpha_home
        # Summaries count only their own people.
        opts = summaries.Options(k=3, cycle_weeks=12)
        sessionmaker = make_sessionmaker(engine)
        mine = await summaries.compute(sessionmaker, clock, "T0FLIPSIDE", "30d", opts)
        theirs = await summaries.compute(sessionmaker, clock, BETA, "30d", opts)
        assert (mine.participants.text(), theirs.participants.text()) == ("2", "3")
        # The planners too: Monday's digest goes to each workspace's own admin channel, once.
        digest = Digest(enabled=True, zone="UTC", late=timedelta(hours=48))
        monday = datetime(2026, 1, 12, 9, 30, tzinfo=UTC)
        clock.set(monday)
        assert await summaries.plan_digests(sessionmaker, clock, opts, digest, chart.render) == 2
        await send_all(bot, clock)
        for one in (alpha, beta):
            posted = [m for m in one.messages_in(ADMIN_CHANNEL) if "Weekly digest" in m.text]
            assert len(posted) == 1
        # Every message went out with its own workspace's token: none was refused.
        for one in (alpha, beta):
            refused = [
                c for c in one.calls if c.response.get("error") in ("invalid_auth", "not_authed")
            ]
            assert refused == [], refused
        async with make_sessionmaker(engine)() as session:
            dead = (
                await session.scalars(select(OutboxMessage).where(OutboxMessage.status == "dead"))
            ).all()
        assert dead == []
    finally:
        for slack in drivers.values():
            await slack.aclose()
