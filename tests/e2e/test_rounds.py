"""A matching round end to end: the admin asks, the bot proposes in the admin channel, the admin
approves (once, however many clicks), and the outbox introduces every pair in its own group DM
and tells everyone left out why."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.features.joining import service as participants
from bot.kit.ids import Action, View
from bot.platform.clock import FakeClock
from bot.platform.db.engine import make_sessionmaker
from bot.platform.local import LocalServer
from bot.platform.slack.listeners import actor_for
from bot.sandbox import SlackDriver, SlackStandIn
from bot.sandbox.records import PostedMessage
from tests.e2e.flows import home, replies, text_of
from tests.e2e.rounds_setup import (
    ADMIN,
    ADMIN_CHANNEL,
    TEAM,
    current,
    enrol,
    outbox_keys,
    pairings_in_db,
    proposals,
    rounds_in_db,
    run_round,
    send_all,
    thirty,
    wait_for_status,
)


@pytest.fixture
async def proposal(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
) -> PostedMessage:
    """Thirty people in the program, and the admin's first proposal in the admin channel."""
    await enrol(standin, engine, clock, thirty())
    return await run_round(slack, standin, engine, bot)


def intros(standin: SlackStandIn, mentor: str, leader: str) -> list[str]:
    group = standin.dm_id([mentor, leader])
    return [m.text for m in standin.messages_in(group, include_ephemeral=False)]


def dms(standin: SlackStandIn, user: str) -> list[str]:
    return [m.text for m in standin.messages_in(standin.dm_id(user), include_ephemeral=False)]


async def test_a_round_of_thirty_is_proposed_with_pairs_and_reasons(
    proposal: PostedMessage, standin: SlackStandIn, engine: AsyncEngine
) -> None:
    assert any("Computing" in t for t in replies(standin, ADMIN))
    (rnd,) = await rounds_in_db(engine)
    assert rnd.status == "proposed" and rnd.proposal is not None
    pairs = rnd.proposal.pairs
    assert len(pairs) >= 12
    shown = text_of(proposal.blocks or [])
    assert f"<@{pairs[0].mentor}>" in shown and f"<@{pairs[0].leader}>" in shown
    assert "Time zones too far apart" in shown  # Tokyo and Los Angeles


async def approve_once(slack: SlackDriver, standin: SlackStandIn, proposal: PostedMessage) -> None:
    await slack.click(ADMIN, Action.ROUND_APPROVE, channel_id=ADMIN_CHANNEL, message_ts=proposal.ts)
    await standin.wait_for(lambda: "Approved" in text_of(current(standin, proposal).blocks or []))


async def test_a_double_clicked_approve_introduces_each_pair_once(
    proposal: PostedMessage,
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
) -> None:
    (rnd,) = await rounds_in_db(engine)
    assert rnd.proposal is not None
    pairs = rnd.proposal.pairs
    # Approve, double-clicked: two requests at once.
    results = await asyncio.gather(
        slack.click(ADMIN, Action.ROUND_APPROVE, channel_id=ADMIN_CHANNEL, message_ts=proposal.ts),
        slack.click(ADMIN, Action.ROUND_APPROVE, channel_id=ADMIN_CHANNEL, message_ts=proposal.ts),
    )
    assert all(r.status == 200 for r in results)
    await standin.wait_for(lambda: "Approved" in text_of(current(standin, proposal).blocks or []))
    stored = await pairings_in_db(engine)
    assert len(stored) == len(pairs)
    assert len(await outbox_keys(engine, "intro:")) == len(pairs)
    await send_all(bot, clock)
    for p in stored:
        posted = intros(standin, p.mentor_user_id, p.leader_user_id)
        assert len(posted) == 1, (p.mentor_user_id, p.leader_user_id, posted)
        assert f"<@{p.mentor_user_id}>" in posted[0] and f"<@{p.leader_user_id}>" in posted[0]


async def test_everyone_left_out_is_told_why_and_what_happens_next(
    proposal: PostedMessage,
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
) -> None:
    await approve_once(slack, standin, proposal)
    await send_all(bot, clock)
    (rnd,) = await rounds_in_db(engine)
    assert rnd.proposal is not None
    unmatched = [u.user for u in rnd.proposal.unmatched]
    assert {"U02J015", "U02L013"} <= set(unmatched)
    for user in unmatched:
        (dm,) = dms(standin, user)[-1:]
        assert "next round" in dm.lower() and "block" not in dm.lower()


async def test_nobody_is_paired_twice_in_a_round(
    proposal: PostedMessage, slack: SlackDriver, standin: SlackStandIn, engine: AsyncEngine
) -> None:
    await approve_once(slack, standin, proposal)
    stored = await pairings_in_db(engine)
    # Nobody paired twice in the round, nobody over capacity (everyone asked for one partner).
    everyone = [p.mentor_user_id for p in stored] + [p.leader_user_id for p in stored]
    assert len(everyone) == len(set(everyone))


async def test_the_introductions_book_button_opens_the_booking_modal(
    proposal: PostedMessage,
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
) -> None:
    await approve_once(slack, standin, proposal)
    await send_all(bot, clock)
    first = (await pairings_in_db(engine))[0]
    group = standin.dm_id([first.mentor_user_id, first.leader_user_id])
    (intro,) = standin.messages_in(group, include_ephemeral=False)
    clicked = await slack.click(
        first.leader_user_id, Action.BOOK_SESSION, channel_id=group, message_ts=intro.ts
    )
    assert clicked.status == 200
    await standin.wait_for(lambda: standin.top_view(first.leader_user_id) is not None)
    top = standin.top_view(first.leader_user_id)
    assert top is not None and top.view["callback_id"] == View.BOOK_SESSION


async def test_a_participant_who_left_makes_the_proposal_stale(
    proposal: PostedMessage,
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
) -> None:
    (rnd,) = await rounds_in_db(engine)
    assert rnd.proposal is not None
    leaver = rnd.proposal.pairs[0].mentor
    await participants.leave(
        make_sessionmaker(engine), clock, actor_for(bot.runtime.ctx, TEAM, leaver)
    )
    await slack.click(ADMIN, Action.ROUND_APPROVE, channel_id=ADMIN_CHANNEL, message_ts=proposal.ts)
    await standin.wait_for(lambda: any("recompute" in t.lower() for t in replies(standin, ADMIN)))
    assert await pairings_in_db(engine) == []
    assert (await rounds_in_db(engine))[0].status == "proposed"
    # Recompute: a fresh proposal without the leaver, which can be approved.
    await slack.click(
        ADMIN, Action.ROUND_RECOMPUTE, channel_id=ADMIN_CHANNEL, message_ts=proposal.ts
    )
    await standin.wait_for(lambda: len(proposals(standin)) == 1)  # the old one, replaced
    await bot.runtime.settle()
    await bot.runtime.dispatcher.tick()
    await standin.wait_for(lambda: len(proposals(standin)) == 2)
    old, new = await rounds_in_db(engine)
    assert old.status == "superseded"
    assert new.proposal is not None and leaver not in new.proposal.model_dump_json()
    fresh = proposals(standin)[-1]
    await slack.click(ADMIN, Action.ROUND_APPROVE, channel_id=ADMIN_CHANNEL, message_ts=fresh.ts)
    await standin.wait_for(lambda: "Approved" in text_of(current(standin, fresh).blocks or []))
    await send_all(bot, clock)
    assert all(
        leaver not in (p.mentor_user_id, p.leader_user_id) for p in await pairings_in_db(engine)
    )
    assert not [
        m for m in standin.messages if m.channel.startswith("G") and leaver in text_of(m.text)
    ]


async def test_a_rate_limit_in_the_middle_of_the_introductions_loses_nothing(
    proposal: PostedMessage,
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
) -> None:
    await slack.click(ADMIN, Action.ROUND_APPROVE, channel_id=ADMIN_CHANNEL, message_ts=proposal.ts)
    await standin.wait_for(lambda: "Approved" in text_of(current(standin, proposal).blocks or []))
    fault = standin.faults.add("chat.postMessage", "rate_limited", times=3, retry_after=5)
    await send_all(bot, clock)
    assert fault.times == 0  # Slack did answer 429 three times in the middle of the intros
    stored = await pairings_in_db(engine)
    assert stored
    for p in stored:
        assert len(intros(standin, p.mentor_user_id, p.leader_user_id)) == 1


async def test_only_admins_decide_and_tampered_buttons_are_refused(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
) -> None:
    await enrol(standin, engine, clock, thirty())
    refused = await slack.command("U02J000", "admin match")
    assert "program team" in refused.text
    proposal = await run_round(slack, standin, engine, bot)
    standin.workspace.channels[ADMIN_CHANNEL].members.append("U01MAYA")
    await slack.click(
        "U01MAYA", Action.ROUND_APPROVE, channel_id=ADMIN_CHANNEL, message_ts=proposal.ts
    )
    await standin.wait_for(lambda: any("program team" in t for t in replies(standin, "U01MAYA")))
    await slack.click(
        ADMIN,
        Action.ROUND_APPROVE,
        channel_id=ADMIN_CHANNEL,
        message_ts=proposal.ts,
        value="987654321",
    )
    await standin.wait_for(lambda: any("doesn't exist" in t for t in replies(standin, ADMIN)))
    assert await pairings_in_db(engine) == []
    assert (await rounds_in_db(engine))[0].status == "proposed"


async def test_a_dropped_pair_is_not_introduced_and_both_are_told(
    proposal: PostedMessage,
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
) -> None:
    (rnd,) = await rounds_in_db(engine)
    assert rnd.proposal is not None
    first = rnd.proposal.pairs[0]
    await slack.click(
        ADMIN,
        f"{Action.ROUND_DROP_PAIR}:{first.i}",
        channel_id=ADMIN_CHANNEL,
        message_ts=proposal.ts,
    )
    await standin.wait_for(lambda: "dropped" in text_of(current(standin, proposal).blocks or []))
    await slack.click(ADMIN, Action.ROUND_APPROVE, channel_id=ADMIN_CHANNEL, message_ts=proposal.ts)
    await standin.wait_for(lambda: "Approved" in text_of(current(standin, proposal).blocks or []))
    await send_all(bot, clock)
    assert intros(standin, first.mentor, first.leader) == []
    for user in (first.mentor, first.leader):
        assert any("next round" in t.lower() for t in dms(standin, user))


async def test_the_home_button_runs_a_round_too(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
) -> None:
    await enrol(standin, engine, clock, thirty())
    view = await home(slack, standin, ADMIN)
    result = await slack.click(ADMIN, Action.HOME_MATCH, view_id=view["id"])
    assert result.status == 200
    await standin.wait_for(lambda: bool(standin.open_views(ADMIN)))
    assert "Computing" in text_of(standin.open_views(ADMIN)[-1].view)
    rnd = await wait_for_status(bot, engine, "proposed")
    await bot.runtime.dispatcher.tick()
    await standin.wait_for(lambda: len(proposals(standin)) == 1)
    # Round numbers are the database's ids: PostgreSQL's sequences go on between tests.
    assert f"#{rnd.id}, proposed" in text_of(await home(slack, standin, ADMIN))


async def test_a_proposal_the_admin_channel_refuses_reaches_the_admin_by_dm(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    bot: LocalServer,
) -> None:
    await enrol(standin, engine, clock, thirty())
    members = standin.workspace.channels[ADMIN_CHANNEL].members
    members.remove(standin.workspace.bot_user_id)  # nobody invited the bot
    result = await slack.command(ADMIN, "admin match")
    assert result.status == 200
    await wait_for_status(bot, engine, "proposed")
    await send_all(bot, clock)
    assert proposals(standin) == []
    (dm,) = [m for m in standin.messages_in(standin.dm_id(ADMIN)) if "Matching round" in m.text]
    assert "/invite @Flipside" in text_of(dm.blocks or [])
    await slack.click(ADMIN, Action.ROUND_APPROVE, channel_id=dm.channel, message_ts=dm.ts)
    await standin.wait_for(lambda: "Approved" in text_of(current(standin, dm).blocks or []))
