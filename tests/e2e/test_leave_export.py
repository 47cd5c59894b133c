"""Leaving (after a confirmation) erases the person's data and confirms by DM; `/mentor export`
sends the person, and only them, a JSON file of everything the bot holds about them."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.platform.clock import FakeClock
from bot.platform.db.engine import make_sessionmaker
from bot.platform.db.models import ParticipantTopic
from bot.platform.local import LocalServer
from bot.sandbox import SlackDriver, SlackStandIn
from tests.e2e.flows import (
    AI,
    CAREER,
    CULTURE,
    DANIEL,
    KLAUS,
    LUCAS,
    MAYA,
    PRIYA,
    SOCIAL,
    answered,
    assert_slack_accepted_everything,
    blocked_rows,
    button_ids,
    delivered_dms,
    home,
    join,
    open_modal,
    outbox_rows,
    participant,
    participants,
    text_of,
    wait_for_reply,
)


async def topic_rows(engine: AsyncEngine) -> int:
    async with make_sessionmaker(engine)() as session:
        return int(await session.scalar(select(func.count()).select_from(ParticipantTopic)) or 0)


async def export_of(slack: SlackDriver, standin: SlackStandIn, user: str) -> dict[str, Any]:
    """Run `/mentor export` and return the JSON file the user received in their DM."""
    known = set(standin.files)
    result = await slack.command(user, "export")
    assert result.status == 200
    await wait_for_reply(standin, user, "sent you a file")
    (file_id,) = set(standin.files) - known
    stored = standin.files[file_id]
    assert stored.channels == [standin.dm_id(user)]
    assert stored.content is not None
    data: dict[str, Any] = json.loads(stored.content)
    return data


async def join_klaus_blocking_lucas(slack: SlackDriver, standin: SlackStandIn) -> None:
    await join(
        slack,
        standin,
        KLAUS,
        role="learn",
        level="Director",
        department="Engineering",
        learn=[AI, CULTURE],
        goals="Understand how my teams use AI.",
        blocked=[LUCAS],
    )


async def test_leave_asks_first_and_keep_me_in_changes_nothing(
    slack: SlackDriver, standin: SlackStandIn, engine: AsyncEngine
) -> None:
    await join(slack, standin, MAYA, share=[AI])
    modal = await open_modal(slack, standin, MAYA, "leave")
    assert modal.view["callback_id"] == "leave_modal"
    assert modal.view["submit"]["text"] == "Leave and erase"
    assert modal.view["close"]["text"] == "Keep me in"
    await slack.close(MAYA)
    assert await participant(engine, MAYA) is not None
    assert_slack_accepted_everything(standin)


async def test_leaving_erases_the_persons_data_and_confirms_by_dm(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    bot: LocalServer,
    clock: FakeClock,
) -> None:
    await join_klaus_blocking_lucas(slack, standin)
    await join(slack, standin, MAYA, share=[AI, SOCIAL], blocked=[KLAUS])
    await slack.command(MAYA, "pause for 2 weeks")
    await wait_for_reply(standin, MAYA, "Paused until")
    await delivered_dms(bot, standin, MAYA)
    clock.advance(timedelta(minutes=5))

    await open_modal(slack, standin, MAYA, "leave")
    assert (await slack.submit(MAYA)).closed
    assert await participant(engine, MAYA) is None
    # Her topics and her confidential list are gone; Klaus's own list is his and stays.
    assert await blocked_rows(engine) == [(KLAUS, LUCAS)]
    assert await topic_rows(engine) == 2  # Klaus's two
    # Of what the outbox held for her, only the "you have left" DM remains.
    mine = [r for r in await outbox_rows(engine) if r.channel == MAYA]
    assert [r.kind for r in mine] == ["left"]
    dms = await delivered_dms(bot, standin, MAYA)
    assert "You've left Flipside" in dms[-1] and "erased" in dms[-1]
    await standin.wait_for(lambda: "home_join" in button_ids(standin.home_views[MAYA]))
    assert "Your profile" not in text_of(standin.home_views[MAYA])
    assert_slack_accepted_everything(standin)


async def test_pending_dms_are_cancelled_when_leaving(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    bot: LocalServer,
    clock: FakeClock,
) -> None:
    # Slack is briefly failing, so the "you're in" DM is still waiting to be retried...
    standin.faults.add("chat.postMessage", "server_error", times=-1)
    await join(slack, standin, MAYA, share=[AI])
    await open_modal(slack, standin, MAYA, "leave")
    assert (await slack.submit(MAYA)).closed
    await bot.runtime.settle()
    # ...when she leaves; once Slack is back, only the goodbye arrives.
    standin.faults.clear()
    clock.advance(timedelta(minutes=10))
    dms = await delivered_dms(bot, standin, MAYA)
    assert not any("You're in!" in t for t in dms)
    assert any("You've left" in t for t in dms)


async def test_the_home_leave_button_asks_then_erases(
    slack: SlackDriver, standin: SlackStandIn, engine: AsyncEngine
) -> None:
    await join(slack, standin, MAYA, share=[AI])
    page = await home(slack, standin, MAYA)
    await slack.click(MAYA, "home_leave", view_id=page["id"])
    await standin.wait_for(lambda: bool(standin.open_views(MAYA)))
    assert (await slack.submit(MAYA)).closed
    assert await participants(engine) == []


async def test_leave_after_leaving_says_so_instead_of_failing(
    slack: SlackDriver, standin: SlackStandIn, engine: AsyncEngine
) -> None:
    """Asking to leave again after leaving is answered kindly."""
    await join(slack, standin, MAYA, share=[AI])
    first = await open_modal(slack, standin, MAYA, "leave")
    await slack.submit(MAYA, view_id=first.id)
    await answered(slack, standin, MAYA, "leave", "haven't joined")
    assert standin.open_views(MAYA) == []  # nothing left to confirm
    assert await participants(engine) == []


async def test_a_double_submit_of_leave_erases_once(
    slack: SlackDriver, standin: SlackStandIn, engine: AsyncEngine, bot: LocalServer
) -> None:
    await join(slack, standin, MAYA, share=[AI])
    modal = await open_modal(slack, standin, MAYA, "leave")
    stored = dict(modal.view)
    assert (await slack.submit(MAYA)).closed
    standin.store_view(MAYA, stored)  # the client shows the modal again and it is sent again
    again = await slack.submit(MAYA)
    assert again.outcome == "updated" and again.view is not None
    assert "haven't joined" in text_of(again.view.view)
    dms = await delivered_dms(bot, standin, MAYA)
    assert sum("You've left" in t for t in dms) == 1
    assert_slack_accepted_everything(standin)


async def test_leave_when_not_joined_is_explained(
    slack: SlackDriver, standin: SlackStandIn
) -> None:
    await answered(slack, standin, MAYA, "leave", "haven't joined")
    assert standin.open_views(MAYA) == []


async def test_someone_who_left_can_join_again_afresh(
    slack: SlackDriver, standin: SlackStandIn, engine: AsyncEngine, bot: LocalServer
) -> None:
    await join(slack, standin, MAYA, share=[AI], blocked=[DANIEL])
    await open_modal(slack, standin, MAYA, "leave")
    assert (await slack.submit(MAYA)).closed
    modal = await open_modal(slack, standin, MAYA, "join")
    assert modal.view["title"]["text"] == "Join Flipside"
    assert "initial_users" not in text_of(modal.view)  # nothing of before is remembered
    await slack.close(MAYA)
    await join(slack, standin, MAYA, share=[SOCIAL])
    assert await participant(engine, MAYA) is not None
    assert await blocked_rows(engine) == []
    dms = await delivered_dms(bot, standin, MAYA)
    assert "You're in!" in dms[-1]


async def test_export_sends_everything_held_about_the_person(
    slack: SlackDriver, standin: SlackStandIn, bot: LocalServer
) -> None:
    await join_klaus_blocking_lucas(slack, standin)
    await delivered_dms(bot, standin, KLAUS)
    data = await export_of(slack, standin, KLAUS)
    assert data["slack_user_id"] == KLAUS and data["workspace"] == standin.workspace.team_id
    me = data["participant"]
    assert me["name"] == "Klaus Becker" and me["title"] == "Director of Engineering"
    assert me["timezone"] == "Europe/Berlin" and me["status"] == "active"
    assert (me["role"], me["level"], me["department"]) == ("learn", "Director", "Engineering")
    assert me["topics_i_want_to_learn"] == [AI, CULTURE] and me["topics_i_can_share"] == []
    assert me["goals"] == "Understand how my teams use AI." and me["capacity"] == 1
    # The author's own confidential list is theirs to see.
    assert me["people_i_must_not_be_paired_with"] == [LUCAS]
    (dm,) = data["messages_from_flipside"]
    assert dm["kind"] == "profile" and dm["status"] == "sent" and "You're in!" in dm["text"]
    # The file came by DM, with a note, and the command said where to look.
    (note,) = [m for m in standin.messages_for(KLAUS) if m.files]
    assert note.channel == standin.dm_id(KLAUS) and "Only you" in note.text
    uploads = [c.method for c in standin.calls if c.method.startswith("files.")]
    assert uploads == ["files.getUploadURLExternal", "files.completeUploadExternal"]
    assert_slack_accepted_everything(standin)


async def test_nobody_elses_export_shows_a_confidential_list(
    slack: SlackDriver, standin: SlackStandIn, bot: LocalServer
) -> None:
    await join_klaus_blocking_lucas(slack, standin)
    await join(slack, standin, LUCAS, role="both", level="Mid-level", share=[AI], learn=[CAREER])
    await join(slack, standin, PRIYA, role="learn", level="Executive", learn=[SOCIAL])
    await delivered_dms(bot, standin, LUCAS)
    for user in (LUCAS, PRIYA, MAYA):  # the blocked one, an admin, someone not in the program
        data = await export_of(slack, standin, user)
        text = json.dumps(data)
        assert KLAUS not in text and "Klaus" not in text, user
        if data["participant"] is not None:
            assert data["participant"]["people_i_must_not_be_paired_with"] == []
    for stored in standin.files.values():  # nor did any file go to anyone else
        assert stored.channels in (
            [standin.dm_id(LUCAS)],
            [standin.dm_id(PRIYA)],
            [standin.dm_id(MAYA)],
        )


async def test_export_for_someone_who_never_joined(
    slack: SlackDriver, standin: SlackStandIn
) -> None:
    data = await export_of(slack, standin, MAYA)
    assert data["participant"] is None and data["messages_from_flipside"] == []


async def test_export_after_leaving_holds_only_the_goodbye(
    slack: SlackDriver, standin: SlackStandIn, bot: LocalServer
) -> None:
    await join(slack, standin, MAYA, share=[AI], goals="secret plans", blocked=[DANIEL])
    await delivered_dms(bot, standin, MAYA)
    await open_modal(slack, standin, MAYA, "leave")
    await slack.submit(MAYA)
    await delivered_dms(bot, standin, MAYA)
    data = await export_of(slack, standin, MAYA)
    assert data["participant"] is None
    assert [m["kind"] for m in data["messages_from_flipside"]] == ["left"]
    assert "secret plans" not in json.dumps(data) and DANIEL not in json.dumps(data)


async def test_tampered_metadata_on_the_leave_form_never_erases_someone_else(
    slack: SlackDriver, standin: SlackStandIn, engine: AsyncEngine
) -> None:
    """Whoever the metadata names, the signed payload's user is the one who leaves."""
    await join(slack, standin, DANIEL, role="learn", level="Executive", learn=[AI])
    await join(slack, standin, MAYA, share=[AI])
    modal = await open_modal(slack, standin, MAYA, "leave")
    modal.view["private_metadata"] = json.dumps({"user_id": DANIEL, "channel_id": "D01DANIEL"})
    await slack.submit(MAYA)
    assert [p.slack_user_id for p in await participants(engine)] == [DANIEL]
