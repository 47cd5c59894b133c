"""`/mentor admin settings`: for listed admin users and workspace admins and owners only; topics,
levels, departments, admin channel and admin list, checked before they are saved."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.platform.db.engine import make_sessionmaker
from bot.platform.db.models import WorkspaceSettings
from bot.platform.local import LocalServer
from bot.sandbox import SandboxUser, SlackDriver, SlackStandIn
from tests.e2e.flows import (
    AI,
    DANIEL,
    MAYA,
    PRIYA,
    SOCIAL,
    assert_slack_accepted_everything,
    block,
    button_ids,
    home,
    join,
    open_modal,
    options,
    text_of,
)

REFUSAL = "Sorry, the admin commands are for the program team"


async def workspace(engine: AsyncEngine, standin: SlackStandIn) -> WorkspaceSettings:
    async with make_sessionmaker(engine)() as session:
        found = await session.get(WorkspaceSettings, standin.workspace.team_id)
        assert found is not None
        return found


def current(modal: Any, field: str) -> str:
    return str(block(modal, field)["element"].get("initial_value", ""))


async def test_a_workspace_admin_opens_and_saves_the_settings(
    slack: SlackDriver, standin: SlackStandIn, engine: AsyncEngine
) -> None:
    modal = await open_modal(slack, standin, PRIYA, "admin settings")
    assert modal.view["callback_id"] == "settings_modal"
    assert current(modal, "topics").splitlines()[0] == AI
    assert current(modal, "levels").splitlines() == [
        "Early career",
        "Mid-level",
        "Senior",
        "Manager",
        "Director",
        "Executive",
    ]
    topics = current(modal, "topics") + "\nPrompt engineering"
    levels = current(modal, "levels").replace("Executive", "C-level")
    result = await slack.submit(
        PRIYA,
        values={
            "topics": topics,
            "levels": levels,
            "departments": "Data\n Sales \n\nOperations",
            "admin_channel": "C0ADMINS",
            "admin_users": [MAYA],
        },
    )
    assert result.closed, result.errors
    saved = await workspace(engine, standin)
    assert saved.seniority_levels[-1] == "C-level"
    assert saved.departments == ["Data", "Sales", "Operations"]
    assert saved.admin_channel_id == "C0ADMINS" and saved.admin_user_ids == [MAYA]
    # The opt-in form follows at once.
    form = await open_modal(slack, standin, DANIEL, "join")
    assert "Prompt engineering" in options(form, "share_topics")
    assert list(options(form, "level"))[-1] == "C-level"
    assert block(form, "department")["element"]["type"] == "static_select"
    # And the settings modal shows what was saved.
    again = await open_modal(slack, standin, PRIYA, "admin settings")
    assert block(again, "admin_users")["element"]["initial_users"] == [MAYA]
    assert block(again, "admin_channel")["element"]["initial_conversation"] == "C0ADMINS"
    assert current(again, "departments") == "Data\nSales\nOperations"
    assert_slack_accepted_everything(standin)


@pytest.mark.parametrize("text", ["admin settings", "admin", "ADMIN Settings", "admin topics"])
async def test_others_get_a_polite_refusal(
    slack: SlackDriver, standin: SlackStandIn, text: str
) -> None:
    result = await slack.command(MAYA, text)
    assert result.status == 200
    assert result.body is not None and REFUSAL in result.body["text"]
    assert result.body["response_type"] == "ephemeral"
    assert standin.calls_to("views.open") == []


async def test_an_admin_typing_an_unknown_admin_word_gets_the_admin_help(
    slack: SlackDriver,
) -> None:
    result = await slack.command(PRIYA, "admin topics")
    assert result.body is not None
    assert "I don't know `/mentor admin topics`" in result.body["text"]
    assert "/mentor admin settings" in result.body["text"]


async def test_a_listed_admin_user_has_access_and_sees_the_panel(
    slack: SlackDriver, standin: SlackStandIn
) -> None:
    await open_modal(slack, standin, PRIYA, "admin settings")
    assert (await slack.submit(PRIYA, values={"admin_users": [MAYA]})).closed
    modal = await open_modal(slack, standin, MAYA, "admin settings")
    assert modal.view["callback_id"] == "settings_modal"
    page = await home(slack, standin, MAYA)
    assert "Program at a glance" in text_of(page)
    assert "home_admin_settings" in button_ids(page)


async def test_a_workspace_owner_has_access(slack: SlackDriver, standin: SlackStandIn) -> None:
    standin.workspace.add(
        SandboxUser("U01OWEN", "owen", "Owen Price", "Founder", "Europe/London", is_owner=True)
    )
    modal = await open_modal(slack, standin, "U01OWEN", "admin settings")
    assert modal.view["callback_id"] == "settings_modal"


async def test_someone_removed_from_the_admins_cannot_save_an_open_form(
    slack: SlackDriver, standin: SlackStandIn, engine: AsyncEngine
) -> None:
    await open_modal(slack, standin, PRIYA, "admin settings")
    assert (await slack.submit(PRIYA, values={"admin_users": [MAYA]})).closed
    await open_modal(slack, standin, MAYA, "admin settings")
    # Priya takes Maya off the list while Maya's form is open.
    await open_modal(slack, standin, PRIYA, "admin settings")
    assert (await slack.submit(PRIYA, values={"admin_users": []})).closed
    result = await slack.submit(MAYA, values={"topics": "Only my topic", "admin_users": [MAYA]})
    assert result.outcome == "errors"
    assert "Only program admins" in result.errors["topics"]
    saved = await workspace(engine, standin)
    assert saved.admin_user_ids == []
    assert (await slack.command(MAYA, "admin settings")).body["text"].startswith("Sorry")


async def test_a_forged_settings_form_from_a_non_admin_changes_nothing(
    slack: SlackDriver, standin: SlackStandIn, engine: AsyncEngine
) -> None:
    """A client that shows itself the admin's modal and submits it is refused by the server."""
    admin_form = await open_modal(slack, standin, PRIYA, "admin settings")
    raw = {k: admin_form.view[k] for k in ("type", "callback_id", "title", "submit", "blocks")}
    standin.store_view(MAYA, {**raw, "private_metadata": ""})
    result = await slack.submit(MAYA, values={"topics": "Hacked", "admin_users": [MAYA]})
    assert result.outcome == "errors"
    saved = await workspace(engine, standin)
    assert saved.admin_user_ids == []
    form = await open_modal(slack, standin, DANIEL, "join")
    assert "Hacked" not in options(form, "share_topics")


async def test_a_stale_settings_button_on_home_opens_a_refusal(
    slack: SlackDriver, standin: SlackStandIn
) -> None:
    await open_modal(slack, standin, PRIYA, "admin settings")
    assert (await slack.submit(PRIYA, values={"admin_users": [MAYA]})).closed
    page = await home(slack, standin, MAYA)
    await open_modal(slack, standin, PRIYA, "admin settings")
    assert (await slack.submit(PRIYA, values={"admin_users": []})).closed
    await slack.click(MAYA, "home_admin_settings", view_id=page["id"])
    await standin.wait_for(lambda: bool(standin.open_views(MAYA)))
    (notice,) = standin.open_views(MAYA)
    assert "Sorry" in text_of(notice.view) and notice.view["callback_id"] != "settings_modal"


async def test_the_home_settings_button_opens_the_settings_for_an_admin(
    slack: SlackDriver, standin: SlackStandIn
) -> None:
    page = await home(slack, standin, PRIYA)
    await slack.click(PRIYA, "home_admin_settings", view_id=page["id"])
    await standin.wait_for(lambda: bool(standin.open_views(PRIYA)))
    assert standin.open_views(PRIYA)[0].view["callback_id"] == "settings_modal"
    assert_slack_accepted_everything(standin)


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"topics": "   \n  "}, "topics", "at least one topic"),
        ({"topics": "AI\nai"}, "topics", "repeat"),
        ({"topics": "x" * 80}, "topics", "75 characters"),
        ({"levels": "Everyone"}, "levels", "at least two"),
        ({"levels": "Junior\nSenior\njunior"}, "levels", "repeat"),
        ({"departments": "Data\nDATA"}, "departments", "repeat"),
        ({"departments": "d" * 101}, "departments", "100 characters"),
        ({"cadence": "weekly:mon"}, "cadence", "admin channel"),
        ({"auto_approve": ["yes"]}, "auto_approve", "needs automatic rounds"),
    ],
)
async def test_settings_are_checked_field_by_field(
    slack: SlackDriver,
    standin: SlackStandIn,
    engine: AsyncEngine,
    values: dict[str, str],
    field: str,
    message: str,
) -> None:
    await open_modal(slack, standin, PRIYA, "admin settings")
    before = await workspace(engine, standin)
    result = await slack.submit(PRIYA, values=values)
    assert result.outcome == "errors" and message in result.errors[field]
    after = await workspace(engine, standin)
    assert (after.seniority_levels, after.departments) == (
        before.seniority_levels,
        before.departments,
    )


async def test_a_level_someone_holds_cannot_be_removed(
    slack: SlackDriver, standin: SlackStandIn, engine: AsyncEngine
) -> None:
    await join(slack, standin, DANIEL, role="learn", level="Executive", learn=[AI])
    await open_modal(slack, standin, PRIYA, "admin settings")
    result = await slack.submit(PRIYA, values={"levels": "Junior\nSenior"})
    assert result.outcome == "errors" and "Executive" in result.errors["levels"]
    assert (await workspace(engine, standin)).seniority_levels[-1] == "Executive"


async def test_tampered_metadata_on_the_settings_form_is_refused(
    slack: SlackDriver, standin: SlackStandIn, engine: AsyncEngine
) -> None:
    modal = await open_modal(slack, standin, PRIYA, "admin settings")
    modal.view["private_metadata"] = '{"admin": true}'
    result = await slack.submit(PRIYA, values={"admin_users": [MAYA]})
    assert result.outcome == "errors" and "out of date" in result.errors["topics"]
    assert (await workspace(engine, standin)).admin_user_ids == []


async def test_a_retired_topic_comes_back_with_its_meaning(
    slack: SlackDriver, standin: SlackStandIn, bot: LocalServer
) -> None:
    await join(slack, standin, MAYA, share=[AI, SOCIAL])
    modal = await open_modal(slack, standin, PRIYA, "admin settings")
    everything = current(modal, "topics")
    without = "\n".join(t for t in everything.splitlines() if t != SOCIAL)
    assert (await slack.submit(PRIYA, values={"topics": without})).closed
    page = await home(slack, standin, MAYA)
    assert "Social media" not in text_of(page) and "a retired topic" in text_of(page)
    await open_modal(slack, standin, PRIYA, "admin settings")
    assert (await slack.submit(PRIYA, values={"topics": everything})).closed
    page = await home(slack, standin, MAYA)
    assert "Social media" in text_of(page)


async def test_automatic_rounds_are_set_in_the_settings(
    slack: SlackDriver, standin: SlackStandIn, engine: AsyncEngine
) -> None:
    await open_modal(slack, standin, PRIYA, "admin settings")
    values = {
        "admin_channel": "C0ADMINS",
        "cadence": "monthly:mon",
        "auto_approve": ["yes"],
        "cross_department": "required",
        "timezone_gap": "4",
    }
    assert (await slack.submit(PRIYA, values=values)).closed
    saved = await workspace(engine, standin)
    assert (saved.round_cadence, saved.auto_approve) == ("monthly:mon", True)
    assert (saved.cross_department, saved.max_timezone_gap_hours) == ("required", 4)
    reopened = await open_modal(slack, standin, PRIYA, "admin settings")
    assert "The first Monday of each month" in text_of(block(reopened, "cadence"))
