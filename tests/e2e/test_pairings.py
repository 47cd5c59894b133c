"""After the introduction: the pair on the Home tab, ending a pairing without blame, a partner
who leaves or pauses, and automatic rounds on the admin's cadence."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.errors import UserFacingError
from bot.features.joining import service as participants
from bot.features.joining.export import export
from bot.features.pairings import service as pairings
from bot.features.rounds import service as rounds
from bot.features.rounds.feature import ROUNDS_JOB
from bot.features.rounds.proposals import approve
from bot.platform.clock import FakeClock
from bot.platform.db.engine import make_sessionmaker
from bot.platform.local import LocalServer
from bot.platform.slack.listeners import actor_for
from bot.sandbox import SlackDriver, SlackStandIn
from tests.e2e.flows import home, open_modal, replies, text_of
from tests.e2e.rounds_setup import (
    ADMIN,
    TEAM,
    Person,
    enrol,
    pairings_in_db,
    proposals,
    rounds_in_db,
    send_all,
    thirty,
)

JUNIOR, LEADER = "U02J000", "U02L000"
PAIR = [
    Person(JUNIOR, "share", 0, "Data", share=("AI and new tools",), learn=()),
    Person(LEADER, "learn", 4, "Sales", learn=("AI and new tools",)),
]


def dms(standin: SlackStandIn, user: str) -> list[str]:
    return [m.text for m in standin.messages_in(standin.dm_id(user), include_ephemeral=False)]


@pytest.fixture
async def paired(
    standin: SlackStandIn, engine: AsyncEngine, clock: FakeClock, bot: LocalServer
) -> None:
    """JUNIOR and LEADER in the program, paired by a round through the real services:
    requested, computed and approved by the admin, the introduction sent."""
    await enrol(standin, engine, clock, PAIR)
    sessionmaker = make_sessionmaker(engine)
    owner = bot.runtime.ctx.owner
    admin = actor_for(bot.runtime.ctx, TEAM, ADMIN)
    round_id, _ = await rounds.request_round(sessionmaker, clock, admin, owner)
    await rounds.compute_round(sessionmaker, clock, round_id, owner)
    decision = await approve(sessionmaker, clock, admin, round_id)
    assert decision.changed, decision.notice
    await send_all(bot, clock)


@pytest.mark.usefixtures("paired")
async def test_the_pair_shows_on_both_homes(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
) -> None:
    junior_home = text_of(await home(slack, standin, JUNIOR))
    assert f"<@{LEADER}>" in junior_home and "You share what you know" in junior_home
    assert "*Active* and paired" in junior_home and "*Your partner*" in junior_home
    leader_home = text_of(await home(slack, standin, LEADER))
    assert f"<@{JUNIOR}>" in leader_home and "you share career insight back" in leader_home
    admin_home = text_of(await home(slack, standin, ADMIN))
    assert "Active pairs*\\n1" in admin_home and "Run a matching round" in admin_home
    exported = await export(
        make_sessionmaker(engine), clock, actor_for(bot.runtime.ctx, TEAM, JUNIOR)
    )
    (mine,) = exported["pairings"]
    assert mine["partner_slack_user_id"] == LEADER and mine["status"] == "active"


@pytest.mark.usefixtures("paired")
async def test_ending_a_pairing_tells_the_partner_kindly(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
) -> None:
    modal = await open_modal(slack, standin, JUNIOR, "end")
    assert f"<@{LEADER}>" in text_of(modal.view)
    result = await slack.submit(JUNIOR)
    assert result.status == 200 and not result.errors
    (pairing,) = await pairings_in_db(engine)
    assert pairing.status == "ended" and pairing.end_cause == "participant"
    await send_all(bot, clock)
    told = dms(standin, LEADER)[-1]
    assert "ended" in told
    assert any("ended" in t for t in dms(standin, JUNIOR))
    assert f"<@{LEADER}>" not in text_of(await home(slack, standin, JUNIOR))
    # Nothing left to end now, and the answer says so.
    await slack.command(JUNIOR, "end")
    await standin.wait_for(lambda: any("nothing to end" in t for t in replies(standin, JUNIOR)))


@pytest.mark.usefixtures("paired")
async def test_someone_elses_pairing_cannot_be_ended(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
) -> None:
    (pairing,) = await pairings_in_db(engine)
    sessionmaker = make_sessionmaker(engine)
    with pytest.raises(UserFacingError):
        await pairings.end_pairing(
            sessionmaker, clock, actor_for(bot.runtime.ctx, TEAM, "U01MAYA"), pairing.id
        )
    assert (await pairings_in_db(engine))[0].status == "active"


@pytest.mark.usefixtures("paired")
async def test_a_partner_who_leaves_ends_the_pairing_and_leaves_no_trace(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
) -> None:
    await participants.leave(
        make_sessionmaker(engine), clock, actor_for(bot.runtime.ctx, TEAM, JUNIOR)
    )
    (pairing,) = await pairings_in_db(engine)
    assert pairing.status == "ended" and pairing.end_cause == "left"
    assert JUNIOR not in (pairing.mentor_user_id, pairing.leader_user_id)
    (old,) = await rounds_in_db(engine)
    assert old.proposal is not None and JUNIOR not in old.proposal.model_dump_json()
    await send_all(bot, clock)
    assert "left Flipside" in dms(standin, LEADER)[-1]


@pytest.mark.usefixtures("paired")
async def test_a_partner_on_a_break_pauses_the_pairing(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
) -> None:
    await slack.command(LEADER, "pause for 2 weeks")
    await standin.wait_for(lambda: any("Paused" in t for t in replies(standin, LEADER)))
    assert (await pairings_in_db(engine))[0].status == "paused"
    await send_all(bot, clock)
    assert "break" in dms(standin, JUNIOR)[-1]
    await slack.command(LEADER, "resume")
    await standin.wait_for(lambda: any("Welcome back" in t for t in replies(standin, LEADER)))
    assert (await pairings_in_db(engine))[0].status == "active"


@pytest.mark.usefixtures("paired")
async def test_a_partners_break_and_leaving_refresh_the_other_ones_home(
    slack: SlackDriver,
    standin: SlackStandIn,
    clock: FakeClock,
    bot: LocalServer,
) -> None:
    """The use case decides whose Home changed: the partner's page follows without them
    opening it."""
    await slack.command(LEADER, "pause for 2 weeks")
    await bot.runtime.settle()
    await send_all(bot, clock)
    assert "paused for a break" in text_of(standin.home_views[JUNIOR])
    await slack.command(LEADER, "leave")
    await standin.wait_for(lambda: bool(standin.open_views(LEADER)))
    assert (await slack.submit(LEADER)).closed
    await bot.runtime.settle()
    await send_all(bot, clock)
    page = text_of(standin.home_views[JUNIOR])
    assert f"<@{LEADER}>" not in page and "Not matched yet" in page


@pytest.mark.usefixtures("paired")
async def test_the_pairing_keeps_its_group_dm_and_introduction(
    standin: SlackStandIn, engine: AsyncEngine
) -> None:
    """What Slack answered for the introduction is recorded on the pairing (an on-sent hook)."""
    (pairing,) = await pairings_in_db(engine)
    group = standin.dm_id([pairing.mentor_user_id, pairing.leader_user_id])
    (intro,) = standin.messages_in(group, include_ephemeral=False)
    assert (pairing.conversation_id, pairing.intro_ts) == (group, intro.ts)


async def test_an_automatic_round_runs_on_its_day_and_can_skip_approval(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
) -> None:
    # The fake clock starts on Monday 5 January, 09:00 UTC.
    await enrol(standin, engine, clock, thirty(), cadence="weekly:mon", auto_approve=True)
    scheduler = bot.runtime.scheduler
    await scheduler.plan()
    await scheduler.plan()  # a second replica's planner: still one round
    await scheduler.run(ROUNDS_JOB)
    (rnd,) = await rounds_in_db(engine)
    assert rnd.trigger == "schedule" and rnd.status == "approved" and rnd.decided_by is None
    await send_all(bot, clock)
    assert rnd.proposal is not None
    assert len(await pairings_in_db(engine)) == len(rnd.proposal.pairs)
    (posted,) = proposals(standin)
    assert "automatically" in text_of(posted.blocks or [])
    # The unmatched are told when the next round is: next Monday.
    assert rnd.proposal is not None
    unmatched = rnd.proposal.unmatched[0].user
    assert "Monday 12 January" in dms(standin, unmatched)[-1]


async def test_the_weights_settings_shape_the_scores(
    standin: SlackStandIn, engine: AsyncEngine, clock: FakeClock, bot: LocalServer
) -> None:
    await enrol(standin, engine, clock, PAIR)
    sessionmaker = make_sessionmaker(engine)
    owner = bot.runtime.ctx.owner
    admin = actor_for(bot.runtime.ctx, TEAM, ADMIN)
    round_id, _ = await rounds.request_round(sessionmaker, clock, admin, owner)
    await rounds.compute_round(sessionmaker, clock, round_id, owner, {"weight_pair": 50.0})
    (rnd,) = await rounds_in_db(engine)
    assert rnd.proposal is not None
    (pair,) = rnd.proposal.pairs
    assert pair.score >= 50
