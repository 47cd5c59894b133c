"""The opt-in form answers mistakes inline, field by field, and saves nothing until it is right:
missing topics, long goals, blocking oneself, values no client could send, a stale or tampered
form, and a deactivated account."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.platform.local import LocalServer
from bot.sandbox import SlackDriver, SlackStandIn
from tests.e2e.flows import (
    AI,
    DANIEL,
    MAYA,
    OLIVER,
    PRIYA,
    SOCIAL,
    answers,
    assert_slack_accepted_everything,
    block,
    delivered_dms,
    open_modal,
    options,
    participant,
    participants,
)


def option(label: str, value: str) -> dict[str, Any]:
    """An option no real client could pick: what a tampering client would send."""
    return {"text": {"type": "plain_text", "text": label}, "value": value}


async def test_the_join_modal_has_every_field_and_passes_slacks_validation(
    slack: SlackDriver, standin: SlackStandIn
) -> None:
    modal = await open_modal(slack, standin, MAYA, "")
    view = modal.view
    assert view["title"]["text"] == "Join Flipside" and view["submit"]["text"] == "Join"
    inputs = [b["block_id"] for b in view["blocks"] if b["type"] == "input"]
    assert inputs == [
        "role",
        "level",
        "department",
        "share_topics",
        "learn_topics",
        "goals",
        "days",
        "times",
        "capacity",
        "blocked",
    ]
    assert list(options(modal, "level")) == [
        "Early career",
        "Mid-level",
        "Senior",
        "Manager",
        "Director",
        "Executive",
    ]
    assert set(options(modal, "share_topics")) >= {AI, SOCIAL, "Leadership and career insight"}
    assert options(modal, "share_topics") == options(modal, "learn_topics")
    assert list(options(modal, "capacity")) == ["1", "2", "3"]
    # No department list yet: free text.
    assert block(modal, "department")["element"]["type"] == "plain_text_input"
    assert block(modal, "blocked")["element"]["type"] == "multi_users_select"
    assert "only you" in json.dumps(block(modal, "blocked")).lower()
    # Name, title and time zone are not asked: they come from Slack.
    assert "title" not in inputs and "timezone" not in inputs
    assert_slack_accepted_everything(standin)


async def test_a_learner_must_pick_something_to_learn(
    slack: SlackDriver, standin: SlackStandIn, engine: AsyncEngine
) -> None:
    modal = await open_modal(slack, standin, DANIEL)
    values = answers(modal, role="learn", level="Executive", share=[AI])
    result = await slack.submit(DANIEL, values=values)
    assert result.outcome == "errors"
    assert set(result.errors) == {"learn_topics"}
    assert await participants(engine) == []


async def test_a_sharer_who_only_picked_topics_to_learn_is_told_where(
    slack: SlackDriver, standin: SlackStandIn, engine: AsyncEngine
) -> None:
    modal = await open_modal(slack, standin, MAYA)
    result = await slack.submit(MAYA, values=answers(modal, role="share", learn=[AI]))
    assert result.outcome == "errors" and set(result.errors) == {"share_topics"}
    assert "share" in result.errors["share_topics"]
    assert await participants(engine) == []


async def test_the_modal_stays_open_and_a_corrected_submit_saves(
    slack: SlackDriver, standin: SlackStandIn, engine: AsyncEngine, bot: LocalServer
) -> None:
    modal = await open_modal(slack, standin, DANIEL)
    wrong = await slack.submit(
        DANIEL, values=answers(modal, role="learn", level="Executive", department="Operations")
    )
    assert wrong.outcome == "errors"
    assert standin.top_view(DANIEL) is modal  # still open, what was typed is kept
    right = await slack.submit(
        DANIEL,
        values=answers(modal, role="learn", level="Executive", department="Operations", learn=[AI]),
    )
    assert right.closed
    found = await participant(engine, DANIEL)
    assert found is not None and found.role == "learn" and found.level == 5
    assert any("You're in!" in t for t in await delivered_dms(bot, standin, DANIEL))


async def test_goals_are_at_most_1000_characters(
    slack: SlackDriver, standin: SlackStandIn, engine: AsyncEngine
) -> None:
    modal = await open_modal(slack, standin, MAYA)
    assert block(modal, "goals")["element"]["max_length"] == 1000
    too_long = await slack.submit(MAYA, values=answers(modal, share=[AI], goals="g" * 1001))
    assert too_long.outcome == "errors" and set(too_long.errors) == {"goals"}
    assert "1,000" in too_long.errors["goals"]
    assert await participants(engine) == []
    exactly = await slack.submit(MAYA, values=answers(modal, share=[AI], goals="g" * 1000))
    assert exactly.closed
    saved = await participant(engine, MAYA)
    assert saved is not None and len(saved.goals) == 1000


async def test_nobody_can_block_themselves(
    slack: SlackDriver, standin: SlackStandIn, engine: AsyncEngine
) -> None:
    modal = await open_modal(slack, standin, MAYA)
    result = await slack.submit(MAYA, values=answers(modal, share=[AI], blocked=[DANIEL, MAYA]))
    assert result.outcome == "errors" and set(result.errors) == {"blocked"}
    assert "yourself" in result.errors["blocked"]
    assert await participants(engine) == []


async def test_values_no_client_could_send_are_refused_per_field(
    slack: SlackDriver, standin: SlackStandIn, engine: AsyncEngine
) -> None:
    modal = await open_modal(slack, standin, MAYA)
    values = answers(modal, share=[AI], days=["tue"], times=["morning"])
    values.update(
        role=option("Boss", "admin"),
        level=option("Level 99", "99"),
        capacity=option("7", "7"),
        days=[option("Saturday", "sat")],
        times=[option("Midnight", "midnight")],
    )
    result = await slack.submit(MAYA, values=values)
    assert result.outcome == "errors"
    assert set(result.errors) == {"role", "level", "capacity", "days", "times"}
    assert await participants(engine) == []


async def test_a_topic_that_does_not_exist_is_refused(
    slack: SlackDriver, standin: SlackStandIn, engine: AsyncEngine
) -> None:
    modal = await open_modal(slack, standin, MAYA)
    values = answers(modal, role="both", share=[AI])
    values["learn_topics"] = [option("Astrology", "999999")]
    result = await slack.submit(MAYA, values=values)
    assert result.outcome == "errors"
    assert "no longer exists" in " ".join(result.errors.values())
    assert await participants(engine) == []


async def test_a_topic_retired_while_the_form_was_open_must_be_chosen_again(
    slack: SlackDriver, standin: SlackStandIn, engine: AsyncEngine
) -> None:
    modal = await open_modal(slack, standin, MAYA)
    values = answers(modal, role="both", share=[AI], learn=[SOCIAL])
    # Meanwhile the admin retires "Social media".
    settings = await open_modal(slack, standin, PRIYA, "admin settings")
    topics = block(settings, "topics")["element"]["initial_value"].splitlines()
    kept = "\n".join(t for t in topics if t != SOCIAL)
    assert (await slack.submit(PRIYA, values={"topics": kept})).closed
    result = await slack.submit(MAYA, values=values)
    assert result.outcome == "errors"
    # The error sits on the field that holds the retired topic.
    assert set(result.errors) == {"learn_topics"}
    assert "no longer exists" in result.errors["learn_topics"]
    assert await participants(engine) == []


async def test_a_department_must_come_from_the_admins_list_when_there_is_one(
    slack: SlackDriver, standin: SlackStandIn, engine: AsyncEngine
) -> None:
    settings = await open_modal(slack, standin, PRIYA, "admin settings")
    assert (await slack.submit(PRIYA, values={"departments": "Data\nSales\n"})).closed
    assert settings.view["callback_id"] == "settings_modal"
    modal = await open_modal(slack, standin, MAYA)
    department = block(modal, "department")["element"]
    assert department["type"] == "static_select"
    assert options(modal, "department") == {"Data": "Data", "Sales": "Sales"}
    values = answers(modal, share=[AI], department=None)
    values["department"] = option("Marketing", "Marketing")
    refused = await slack.submit(MAYA, values=values)
    assert refused.outcome == "errors" and set(refused.errors) == {"department"}
    assert await participants(engine) == []
    values["department"] = "Sales"
    assert (await slack.submit(MAYA, values=values)).closed
    saved = await participant(engine, MAYA)
    assert saved is not None and saved.department == "Sales"
    assert_slack_accepted_everything(standin)


async def test_a_blank_free_text_department_is_refused(
    slack: SlackDriver, standin: SlackStandIn, engine: AsyncEngine
) -> None:
    modal = await open_modal(slack, standin, MAYA)
    result = await slack.submit(MAYA, values=answers(modal, share=[AI], department="   "))
    assert result.outcome == "errors" and set(result.errors) == {"department"}
    assert await participants(engine) == []


async def test_a_deactivated_account_cannot_join(
    slack: SlackDriver, standin: SlackStandIn, engine: AsyncEngine, bot: LocalServer
) -> None:
    modal = await open_modal(slack, standin, OLIVER)
    assert modal.view["title"]["text"] == "Join Flipside"
    result = await slack.submit(OLIVER, values=answers(modal, share=[SOCIAL], department="Sales"))
    assert result.outcome == "errors"
    assert "deactivated" in " ".join(result.errors.values())
    assert await participants(engine) == []
    await bot.runtime.dispatcher.tick()
    assert standin.calls_to("chat.postMessage") == []


async def test_private_metadata_that_does_not_parse_is_refused(
    slack: SlackDriver, standin: SlackStandIn, engine: AsyncEngine
) -> None:
    modal = await open_modal(slack, standin, MAYA)
    values = answers(modal, share=[AI])
    for tampered in ('{"user_id": "U01DANIEL"}', "not json", '{"v": 2}', '{"edit": "yes"}'):
        modal.view["private_metadata"] = tampered
        result = await slack.submit(MAYA, values=values)
        assert result.outcome == "errors", tampered
        assert "out of date" in result.errors["role"]
    assert await participants(engine) == []


async def test_metadata_never_decides_who_is_saved(
    slack: SlackDriver, standin: SlackStandIn, engine: AsyncEngine, bot: LocalServer
) -> None:
    """Well-formed but altered metadata (another channel, "edit") changes nothing about who
    acts: the signed payload's user is the one saved."""
    modal = await open_modal(slack, standin, MAYA)
    modal.view["private_metadata"] = json.dumps({"channel_id": "C0ADMINS", "edit": True})
    result = await slack.submit(MAYA, values=answers(modal, share=[AI]))
    assert result.closed
    (only,) = await participants(engine)
    assert only.slack_user_id == MAYA
    await bot.runtime.dispatcher.tick()
    posted = standin.calls_to("chat.postMessage")
    assert [c.args["channel"] for c in posted] == [MAYA]
    assert standin.messages_in("C0ADMINS") == []
