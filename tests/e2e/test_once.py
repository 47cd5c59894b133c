"""Effects happen once: Slack's redeliveries (same event_id, retry headers) and identical
submissions repeat nothing a person would notice."""

from __future__ import annotations

import asyncio

from bot.platform.local import LocalServer
from bot.sandbox import SlackDriver, SlackStandIn
from tests.e2e.flows import AI, MAYA, answers, delivered_dms, join, open_modal


async def test_a_redelivered_direct_message_is_answered_once(
    slack: SlackDriver, standin: SlackStandIn, bot: LocalServer
) -> None:
    dm = standin.dm_id(MAYA)
    event = {"type": "message", "channel_type": "im", "channel": dm, "user": MAYA, "text": "hi"}
    await slack.event(event, event_id="Ev0ONCE0001")
    for attempt in (1, 2):
        retried = await slack.event(event, event_id="Ev0ONCE0001", retry_num=attempt)
        assert retried.status == 200
    await bot.runtime.settle()
    replies = [m for m in standin.messages_in(dm) if "I don't read direct messages" in m.text]
    assert len(replies) == 1


async def test_a_redelivered_home_event_draws_the_home_once(
    slack: SlackDriver, standin: SlackStandIn, bot: LocalServer
) -> None:
    event = {"type": "app_home_opened", "user": MAYA, "tab": "home"}
    for attempt in (None, 1):
        await slack.event(event, event_id="Ev0ONCE0002", retry_num=attempt)
    await bot.runtime.settle()
    published = [c for c in standin.calls_to("views.publish") if c.args.get("user_id") == MAYA]
    assert len(published) == 1


async def test_ten_identical_profile_submissions_send_one_dm(
    slack: SlackDriver, standin: SlackStandIn, bot: LocalServer
) -> None:
    modal = await open_modal(slack, standin, MAYA)
    values = answers(modal, share=[AI])
    results = await asyncio.gather(*(slack.submit(MAYA, values=values) for _ in range(10)))
    assert all(r.closed for r in results)
    await bot.runtime.settle()
    dms = await delivered_dms(bot, standin, MAYA)
    assert sum("You're in!" in t for t in dms) == 1
    assert not any("profile is updated" in t for t in dms)


async def test_a_real_change_is_still_confirmed(
    slack: SlackDriver, standin: SlackStandIn, bot: LocalServer
) -> None:
    await join(slack, standin, MAYA, share=[AI])
    modal = await open_modal(slack, standin, MAYA, "profile")
    assert (await slack.submit(MAYA, values=answers(modal, share=[AI], goals="More"))).closed
    await bot.runtime.settle()
    dms = await delivered_dms(bot, standin, MAYA)
    assert any("profile is updated" in t for t in dms)
