"""A double submit or a retried request makes one participant; people joining at the same moment
all get in; double clicks and retried events do no harm."""

from __future__ import annotations

import asyncio
import json
import time
from urllib.parse import urlencode

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.platform.db.engine import make_sessionmaker
from bot.platform.db.models import Topic
from bot.platform.local import LocalServer
from bot.sandbox import SlackDriver, SlackStandIn
from tests.e2e.flows import (
    AI,
    ARJUN,
    CAREER,
    DANIEL,
    GRACE,
    HELEN,
    JAMAL,
    KLAUS,
    LENA,
    LUCAS,
    MAYA,
    SOCIAL,
    answers,
    assert_slack_accepted_everything,
    delivered_dms,
    home,
    join,
    open_modal,
    participants,
    text_of,
)


async def test_a_double_submit_makes_one_participant_and_one_welcome(
    slack: SlackDriver, standin: SlackStandIn, engine: AsyncEngine, bot: LocalServer
) -> None:
    modal = await open_modal(slack, standin, MAYA)
    values = answers(modal, share=[AI, SOCIAL], blocked=[DANIEL])
    first, second = await asyncio.gather(
        slack.submit(MAYA, values=values), slack.submit(MAYA, values=values)
    )
    assert first.closed and second.closed, (first.errors, second.errors)
    (maya,) = await participants(engine)
    assert maya.slack_user_id == MAYA
    assert len(maya.topics) == 2 and len(maya.blocked) == 1
    dms = await delivered_dms(bot, standin, MAYA)
    assert sum("You're in!" in t for t in dms) == 1
    assert_slack_accepted_everything(standin)


async def test_many_submits_at_once_still_make_one_participant(
    slack: SlackDriver, standin: SlackStandIn, engine: AsyncEngine
) -> None:
    modal = await open_modal(slack, standin, MAYA)
    values = answers(modal, role="both", share=[AI], learn=[CAREER])
    results = await asyncio.gather(*(slack.submit(MAYA, values=values) for _ in range(5)))
    assert all(r.closed for r in results), [r.errors for r in results]
    (maya,) = await participants(engine)
    assert sorted(t.direction for t in maya.topics) == ["learn", "share"]


async def test_a_retried_request_makes_one_participant(
    slack: SlackDriver, standin: SlackStandIn, engine: AsyncEngine, bot: LocalServer
) -> None:
    """The very same signed view_submission arrives twice (a client or proxy retrying)."""
    modal = await open_modal(slack, standin, MAYA)
    values = answers(modal, share=[AI])
    assert (await slack.submit(MAYA, values=values)).closed
    payload = {
        "type": "view_submission",
        "user": {"id": MAYA, "username": "maya", "name": "maya", "team_id": "T0FLIPSIDE"},
        "api_app_id": standin.workspace.app_id,
        "token": slack.verification_token,
        "team": {"id": standin.workspace.team_id, "domain": standin.workspace.domain},
        "trigger_id": standin.issue_trigger_id(MAYA),
        "view": modal.view,  # with the state the first submit carried
        "response_urls": [],
    }
    body = urlencode({"payload": json.dumps(payload)}).encode()
    for _ in range(2):
        now = int(time.time())
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": str(now),
            "X-Slack-Signature": slack.sign(body, now),
        }
        retry = await slack.raw(body, headers)
        assert retry.status == 200 and not (retry.body or {}).get("response_action")
    (maya,) = await participants(engine)
    assert [str(t.topic_id) for t in maya.topics] == values["share_topics"]
    dms = await delivered_dms(bot, standin, MAYA)
    assert sum("You're in!" in t for t in dms) == 1


async def test_two_people_joining_at_the_same_moment_both_get_in(
    slack: SlackDriver, standin: SlackStandIn, engine: AsyncEngine, bot: LocalServer
) -> None:
    maya_form = await open_modal(slack, standin, MAYA)
    daniel_form = await open_modal(slack, standin, DANIEL)
    maya, daniel = await asyncio.gather(
        slack.submit(MAYA, values=answers(maya_form, share=[AI])),
        slack.submit(
            DANIEL, values=answers(daniel_form, role="learn", level="Executive", learn=[AI])
        ),
    )
    assert maya.closed and daniel.closed, (maya.errors, daniel.errors)
    assert sorted(p.slack_user_id for p in await participants(engine)) == [DANIEL, MAYA]
    for user in (MAYA, DANIEL):
        assert any("You're in!" in t for t in await delivered_dms(bot, standin, user))


async def test_a_crowd_joins_at_once_in_a_brand_new_workspace(
    slack: SlackDriver, standin: SlackStandIn, engine: AsyncEngine, bot: LocalServer
) -> None:
    """Nine people type `/mentor join` at once in a workspace the bot has never seen (its
    settings and default topics are created once), then all submit at once."""
    crowd = [MAYA, DANIEL, GRACE, JAMAL, LUCAS, HELEN, KLAUS, LENA, ARJUN]
    opened = await asyncio.gather(*(slack.command(user, "join") for user in crowd))
    assert all(r.status == 200 for r in opened)
    await standin.wait_for(lambda: all(standin.open_views(u) for u in crowd), within=10)
    async with make_sessionmaker(engine)() as session:
        assert await session.scalar(select(func.count()).select_from(Topic)) == 6
    submits = []
    for i, user in enumerate(crowd):
        (form,) = standin.open_views(user)
        given = answers(form, share=[AI]) if i % 2 else answers(form, role="learn", learn=[AI])
        submits.append(slack.submit(user, values=given))
    results = await asyncio.gather(*submits)
    assert all(r.closed for r in results), [r.errors for r in results]
    assert sorted(p.slack_user_id for p in await participants(engine)) == sorted(crowd)
    await standin.wait_for(lambda: all(u in standin.home_views for u in crowd), within=10)
    assert_slack_accepted_everything(standin)


async def test_a_retried_home_event_just_publishes_the_same_page(
    slack: SlackDriver, standin: SlackStandIn
) -> None:
    await join(slack, standin, MAYA, share=[AI])
    page = await home(slack, standin, MAYA)
    retried = await slack.app_home_opened(MAYA, retry_num=1, retry_reason="http_timeout")
    assert retried.status == 200
    await standin.settle()
    assert standin.home_views[MAYA]["blocks"] == page["blocks"]


async def test_a_double_click_on_resume_welcomes_back_once(
    slack: SlackDriver, standin: SlackStandIn, engine: AsyncEngine, bot: LocalServer
) -> None:
    await join(slack, standin, MAYA, share=[AI])
    await slack.command(MAYA, "pause for 2 weeks")
    await standin.wait_for(lambda: "Resume now" in text_of(standin.home_views.get(MAYA, {})))
    view_id = standin.home_views[MAYA]["id"]
    clicks = await asyncio.gather(
        slack.click(MAYA, "home_resume", view_id=view_id),
        slack.click(MAYA, "home_resume", view_id=view_id),
    )
    assert all(c.status == 200 for c in clicks)
    await standin.wait_for(lambda: "*Active*" in text_of(standin.home_views[MAYA]))
    (maya,) = await participants(engine)
    assert maya.status == "active"
    dms = await delivered_dms(bot, standin, MAYA)
    assert sum("Welcome back!" in t for t in dms) == 1
