"""`/mentor profile` (and `/mentor`, `/mentor join`) for a participant: the same modal, prefilled;
saving updates the profile, refreshes name, title and time zone from Slack, confirms by DM and
updates the Home tab."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.platform.clock import FakeClock
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
    SOCIAL,
    TRENDS,
    answers,
    assert_slack_accepted_everything,
    block,
    blocked_rows,
    delivered_dms,
    home,
    join,
    open_modal,
    options,
    participant,
    participants,
    text_of,
)


async def join_maya(slack: SlackDriver, standin: SlackStandIn) -> None:
    await join(
        slack,
        standin,
        MAYA,
        role="both",
        level="Mid-level",
        department="Data",
        share=[AI, SOCIAL],
        learn=[CAREER],
        goals="Show leaders what AI assistants do.",
        days=["tue", "thu"],
        times=["morning", "afternoon"],
        capacity="2",
        blocked=[DANIEL],
    )


@pytest.mark.parametrize("text", ["profile", "join", "", "  PROFILE "])
async def test_a_participant_gets_the_same_modal_prefilled(
    slack: SlackDriver, standin: SlackStandIn, text: str
) -> None:
    await join_maya(slack, standin)
    modal = await open_modal(slack, standin, MAYA, text)
    view = modal.view
    assert view["title"]["text"] == "Edit your profile" and view["submit"]["text"] == "Save"
    topics = {v: k for k, v in options(modal, "share_topics").items()}
    levels = {v: k for k, v in options(modal, "level").items()}

    def initial(block_id: str) -> object:
        return block(modal, block_id)["element"]

    assert initial("role")["initial_option"]["value"] == "both"
    assert levels[initial("level")["initial_option"]["value"]] == "Mid-level"
    assert initial("department")["initial_value"] == "Data"
    assert {topics[o["value"]] for o in initial("share_topics")["initial_options"]} == {
        AI,
        SOCIAL,
    }
    assert {topics[o["value"]] for o in initial("learn_topics")["initial_options"]} == {CAREER}
    assert initial("goals")["initial_value"] == "Show leaders what AI assistants do."
    assert [o["value"] for o in initial("days")["initial_options"]] == ["tue", "thu"]
    assert [o["value"] for o in initial("times")["initial_options"]] == ["morning", "afternoon"]
    assert initial("capacity")["initial_option"]["value"] == "2"
    # The author sees their own confidential list, and only they get this modal.
    assert initial("blocked")["initial_users"] == [DANIEL]
    assert_slack_accepted_everything(standin)


async def test_someone_new_gets_the_empty_join_modal_from_profile_too(
    slack: SlackDriver, standin: SlackStandIn
) -> None:
    modal = await open_modal(slack, standin, MAYA, "profile")
    assert modal.view["title"]["text"] == "Join Flipside"
    assert "initial_option" not in block(modal, "role")["element"]


async def test_saving_unchanged_keeps_everything(
    slack: SlackDriver, standin: SlackStandIn, engine: AsyncEngine
) -> None:
    """Submitting the prefilled modal as it is changes nothing (topics and blocked list
    are replaced by the same rows)."""
    await join_maya(slack, standin)
    before = await participant(engine, MAYA)
    await open_modal(slack, standin, MAYA, "profile")
    assert (await slack.submit(MAYA)).closed
    after = await participant(engine, MAYA)
    assert before is not None and after is not None
    assert (after.id, after.role, after.level, after.goals, after.capacity) == (
        before.id,
        before.role,
        before.level,
        before.goals,
        before.capacity,
    )
    assert after.preferred_days == ["tue", "thu"]
    assert sorted((t.direction, t.topic_id) for t in after.topics) == sorted(
        (t.direction, t.topic_id) for t in before.topics
    )
    assert await blocked_rows(engine) == [(MAYA, DANIEL)]
    assert len(await participants(engine)) == 1


async def test_an_edit_is_saved_confirmed_by_dm_and_shown_on_home(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    bot: LocalServer,
    clock: FakeClock,
) -> None:
    await join_maya(slack, standin)
    assert any("You're in!" in t for t in await delivered_dms(bot, standin, MAYA))
    clock.advance(timedelta(hours=2))
    modal = await open_modal(slack, standin, MAYA, "profile")
    result = await slack.submit(
        MAYA,
        values=answers(
            modal,
            role="share",
            level="Early career",
            department="Analytics",
            share=[TRENDS, CULTURE],
            goals="",
            capacity="3",
            blocked=[],
        ),
    )
    assert result.closed, result.errors
    saved = await participant(engine, MAYA)
    assert saved is not None
    assert (saved.role, saved.level, saved.department, saved.capacity, saved.goals) == (
        "share",
        0,
        "Analytics",
        3,
        "",
    )
    assert saved.preferred_days == [] and saved.preferred_times == []
    names = {v: k for k, v in options(modal, "share_topics").items()}
    assert {names[str(t.topic_id)] for t in saved.topics} == {TRENDS, CULTURE}
    assert {t.direction for t in saved.topics} == {"share"}
    assert await blocked_rows(engine) == []
    dms = await delivered_dms(bot, standin, MAYA)
    assert len(dms) == 2 and "profile is updated" in dms[-1]
    await standin.wait_for(lambda: "Analytics" in text_of(standin.home_views.get(MAYA, {})))
    page = text_of(standin.home_views[MAYA])
    assert "Digital trends" in page and "up to 3 partners" in page
    assert "Not to be paired" not in page
    assert_slack_accepted_everything(standin)


async def test_an_edit_with_a_mistake_is_refused_and_changes_nothing(
    slack: SlackDriver, standin: SlackStandIn, engine: AsyncEngine
) -> None:
    await join_maya(slack, standin)
    modal = await open_modal(slack, standin, MAYA, "profile")
    result = await slack.submit(
        MAYA, values={"share_topics": [], "blocked": [DANIEL, MAYA], "goals": "x" * 1200}
    )
    assert result.outcome == "errors"
    assert set(result.errors) == {"share_topics", "blocked", "goals"}
    assert standin.top_view(MAYA) is modal
    saved = await participant(engine, MAYA)
    assert saved is not None and saved.goals == "Show leaders what AI assistants do."
    assert await blocked_rows(engine) == [(MAYA, DANIEL)]


async def test_name_title_and_time_zone_come_from_slack_on_every_save(
    slack: SlackDriver, standin: SlackStandIn, engine: AsyncEngine
) -> None:
    await join_maya(slack, standin)
    saved = await participant(engine, MAYA)
    assert saved is not None
    assert (saved.display_name, saved.title, saved.timezone) == (
        "Maya Chen",
        "Junior Data Analyst",
        "America/New_York",
    )
    # Maya is promoted and moves to Berlin; Slack knows, the form never asked.
    maya = standin.workspace.user(MAYA)
    maya.real_name, maya.title, maya.tz = "Maya Chen-Weber", "Data Analyst", "Europe/Berlin"
    await open_modal(slack, standin, MAYA, "profile")
    assert (await slack.submit(MAYA)).closed
    saved = await participant(engine, MAYA)
    assert saved is not None
    assert (saved.display_name, saved.title, saved.timezone) == (
        "Maya Chen-Weber",
        "Data Analyst",
        "Europe/Berlin",
    )
    assert any(c.args.get("user") == MAYA for c in standin.calls_to("users.info"))


async def test_the_home_edit_button_opens_the_prefilled_modal(
    slack: SlackDriver, standin: SlackStandIn
) -> None:
    await join_maya(slack, standin)
    page = await home(slack, standin, MAYA)
    await slack.click(MAYA, "home_edit_profile", view_id=page["id"])
    await standin.wait_for(lambda: bool(standin.open_views(MAYA)))
    (modal,) = standin.open_views(MAYA)
    assert modal.view["title"]["text"] == "Edit your profile"
    assert block(modal, "blocked")["element"]["initial_users"] == [DANIEL]


async def test_someone_elses_modal_never_shows_who_blocked_them(
    slack: SlackDriver, standin: SlackStandIn
) -> None:
    await join(slack, standin, KLAUS, role="learn", level="Director", learn=[AI], blocked=[LUCAS])
    await join(slack, standin, LUCAS, role="both", level="Mid-level", share=[AI], learn=[CAREER])
    modal = await open_modal(slack, standin, LUCAS, "profile")
    assert KLAUS not in text_of(modal.view)
    assert "initial_users" not in block(modal, "blocked")["element"]


async def test_the_confirmation_dm_says_what_was_saved_and_what_happens_next(
    slack: SlackDriver, standin: SlackStandIn, bot: LocalServer
) -> None:
    await join_maya(slack, standin)
    await bot.runtime.dispatcher.tick()
    (dm,) = standin.calls_to("chat.postMessage")
    assert dm.args["channel"] == MAYA
    blocks = text_of(dm.args["blocks"])
    for saved in ("Both share and learn", "Mid-level", "Data", AI, SOCIAL, CAREER):
        assert saved in blocks
    assert "Tuesday, Thursday (mornings, afternoons)" in blocks
    assert "up to 2 partners" in blocks and "Show leaders what AI assistants do." in blocks
    assert "What happens next:" in blocks and "matching round" in blocks
    # Her own list is counted, never named, even to her in a DM.
    assert "1 person (only you see this)" in blocks and DANIEL not in blocks
