"""The App Home tab: a welcome for someone new, one's own page for a participant, and for
admins the program at a glance. Never over 100 blocks, never anyone's confidential list."""

from __future__ import annotations

import pytest

from bot.platform.local import LocalServer
from bot.sandbox import SlackDriver, SlackStandIn
from bot.sandbox.validation import BlockKitValidator
from tests.e2e.flows import (
    AI,
    ARJUN,
    CAREER,
    CULTURE,
    DANIEL,
    GRACE,
    HELEN,
    JAMAL,
    KLAUS,
    LENA,
    LUCAS,
    MAYA,
    PRIYA,
    SOCIAL,
    TRENDS,
    assert_slack_accepted_everything,
    button_ids,
    delivered_dms,
    home,
    join,
    open_modal,
    text_of,
)


def valid_home(view: dict) -> None:  # type: ignore[type-arg]
    body = {k: view[k] for k in ("type", "blocks")}
    assert BlockKitValidator().check_view(body) == []
    assert len(view["blocks"]) <= 100


async def join_klaus_blocking_lucas(slack: SlackDriver, standin: SlackStandIn) -> None:
    await join(
        slack,
        standin,
        KLAUS,
        role="learn",
        level="Director",
        department="Engineering",
        learn=[AI, CULTURE],
        blocked=[LUCAS],
    )


async def test_someone_new_sees_a_welcome_and_a_join_button(
    slack: SlackDriver, standin: SlackStandIn
) -> None:
    page = await home(slack, standin, MAYA)
    valid_home(page)
    assert "How it works" in text_of(page)
    assert button_ids(page) == ["home_join", "home_help"]
    assert "Program at a glance" not in text_of(page)
    await slack.click(MAYA, "home_join", view_id=page["id"])
    await standin.wait_for(lambda: bool(standin.open_views(MAYA)))
    assert standin.open_views(MAYA)[0].view["title"]["text"] == "Join Flipside"


async def test_joining_publishes_the_participants_own_page(
    slack: SlackDriver, standin: SlackStandIn
) -> None:
    await join(slack, standin, MAYA, share=[AI, SOCIAL], days=["tue"], times=["morning"])
    # No app_home_opened needed: saving the profile publishes the Home.
    await standin.wait_for(lambda: MAYA in standin.home_views)
    page = standin.home_views[MAYA]
    valid_home(page)
    text = text_of(page)
    assert "*Active*" in text and "Your profile" in text
    assert "AI and new tools" in text and "Social media" in text and "Tuesday" in text
    assert "Not matched yet" in text  # the pairing placeholder
    assert button_ids(page) == ["home_edit_profile", "home_pause", "home_leave", "home_help"]
    assert "Program at a glance" not in text
    assert_slack_accepted_everything(standin)


async def test_the_home_is_the_same_when_reopened(
    slack: SlackDriver, standin: SlackStandIn
) -> None:
    await join(slack, standin, MAYA, share=[AI])
    await standin.wait_for(lambda: MAYA in standin.home_views)
    first = standin.home_views[MAYA]["blocks"]
    again = await home(slack, standin, MAYA)
    assert again["blocks"] == first


async def test_admins_see_the_program_panel(slack: SlackDriver, standin: SlackStandIn) -> None:
    await join(slack, standin, MAYA, share=[AI])
    await join(slack, standin, JAMAL, share=[SOCIAL])
    await join(slack, standin, GRACE, role="learn", level="Executive", learn=[SOCIAL])
    await join(slack, standin, LUCAS, role="both", level="Mid-level", share=[AI], learn=[CAREER])
    await slack.command(JAMAL, "pause for 2 weeks")
    await standin.wait_for(lambda: "Paused" in text_of(standin.home_views.get(JAMAL, {})))
    page = await home(slack, standin, PRIYA)
    valid_home(page)
    text = text_of(page)
    assert "Program at a glance" in text
    assert "*Sharing (reverse mentors)*\\n2" in text
    assert "*Learning (leaders)*\\n1" in text and "*Both*\\n1" in text
    assert "*Paused*\\n1" in text
    assert "Waiting for a match (3)" in text
    for user in (MAYA, GRACE, LUCAS):
        assert f"<@{user}>" in text
    assert f"<@{JAMAL}>" not in text  # paused: not waiting
    assert "home_admin_settings" in button_ids(page)
    # Priya has not joined herself: her own part of the page is the welcome.
    assert "home_join" in button_ids(page)


async def test_non_admins_never_see_the_panel(slack: SlackDriver, standin: SlackStandIn) -> None:
    await join(slack, standin, MAYA, share=[AI])
    page = await home(slack, standin, MAYA)
    assert "Program at a glance" not in text_of(page)
    assert "home_admin_settings" not in button_ids(page)


async def test_a_full_program_stays_under_100_blocks(
    slack: SlackDriver, standin: SlackStandIn
) -> None:
    sharers = [MAYA, JAMAL, LENA, "U01ANANYA"]
    learners = [DANIEL, GRACE, HELEN, ARJUN, "U01WEILING", KLAUS]
    for user in sharers:
        await join(slack, standin, user, share=[AI, SOCIAL, TRENDS])
    for user in learners:
        await join(slack, standin, user, role="learn", level="Director", learn=[AI])
    await join(slack, standin, PRIYA, role="both", level="Executive", share=[CAREER], learn=[AI])
    await join(slack, standin, LUCAS, role="both", level="Mid-level", share=[AI], learn=[CAREER])
    page = await home(slack, standin, PRIYA)
    valid_home(page)
    assert "Waiting for a match (12)" in text_of(page)
    assert "home_edit_profile" in button_ids(page) and "home_admin_settings" in button_ids(page)
    assert_slack_accepted_everything(standin)


async def test_the_author_sees_a_count_of_their_confidential_list(
    slack: SlackDriver, standin: SlackStandIn
) -> None:
    await join_klaus_blocking_lucas(slack, standin)
    page = await home(slack, standin, KLAUS)
    text = text_of(page)
    assert "Not to be paired with:* 1 person (only you see this)" in text
    assert LUCAS not in text  # a count, not even the name, on a tab others may glance at


async def test_the_blocked_person_never_learns_it(
    slack: SlackDriver, standin: SlackStandIn, bot: LocalServer
) -> None:
    await join_klaus_blocking_lucas(slack, standin)
    await join(slack, standin, LUCAS, role="both", level="Mid-level", share=[AI], learn=[CAREER])
    page = await home(slack, standin, LUCAS)
    shown = text_of(page) + " ".join(await delivered_dms(bot, standin, LUCAS))
    shown += text_of((await open_modal(slack, standin, LUCAS, "profile")).view)
    assert KLAUS not in shown and "Klaus" not in shown
    assert "Not to be paired" not in shown


@pytest.mark.parametrize("admin_joined", [False, True])
async def test_the_admin_panel_is_the_same_with_or_without_a_confidential_list(
    slack: SlackDriver, standin: SlackStandIn, admin_joined: bool
) -> None:
    """What the admin sees cannot depend on anyone's private list."""
    if admin_joined:
        await join(slack, standin, PRIYA, role="learn", level="Executive", learn=[AI])
    await join(slack, standin, LUCAS, role="both", level="Mid-level", share=[AI], learn=[CAREER])
    await join_klaus_blocking_lucas(slack, standin)
    with_block = await home(slack, standin, PRIYA)
    await open_modal(slack, standin, KLAUS, "profile")
    assert (await slack.submit(KLAUS, values={"blocked": []})).closed
    without_block = await home(slack, standin, PRIYA)
    assert with_block["blocks"] == without_block["blocks"]
    assert "Not to be paired" not in text_of(with_block)


async def test_a_paused_participant_sees_resume_instead_of_pause(
    slack: SlackDriver, standin: SlackStandIn
) -> None:
    await join(slack, standin, MAYA, share=[AI])
    await slack.command(MAYA, "pause until 2026-02-01")
    await standin.wait_for(lambda: "Paused" in text_of(standin.home_views.get(MAYA, {})))
    page = standin.home_views[MAYA]
    assert "Paused* until Sunday 1 February 2026" in text_of(page)
    assert button_ids(page) == ["home_edit_profile", "home_resume", "home_leave", "home_help"]


async def test_the_home_help_button_works_for_participants(
    slack: SlackDriver, standin: SlackStandIn
) -> None:
    await join(slack, standin, MAYA, share=[AI])
    page = await home(slack, standin, MAYA)
    await slack.click(MAYA, "home_help", view_id=page["id"])
    await standin.wait_for(lambda: bool(standin.open_views(MAYA)))
    assert "/mentor pause" in text_of(standin.open_views(MAYA)[0].view)
    assert_slack_accepted_everything(standin)
