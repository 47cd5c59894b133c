"""Joining through the opt-in modal, end to end over real HTTP."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.platform.db.engine import make_sessionmaker
from bot.platform.db.models import Participant
from bot.platform.local import LocalServer
from bot.sandbox import SlackDriver, SlackStandIn

MAYA = "U01MAYA"


async def _participants(engine: AsyncEngine) -> list[Participant]:
    async with make_sessionmaker(engine)() as session:
        return list((await session.scalars(select(Participant))).all())


async def test_join_saves_profile_confirms_by_dm_and_updates_home(
    slack: SlackDriver, standin: SlackStandIn, engine: AsyncEngine, bot: LocalServer
) -> None:
    result = await slack.command(MAYA, "join")
    assert result.status == 200
    await standin.wait_for(lambda: bool(standin.open_views(MAYA)))
    (modal,) = standin.open_views(MAYA)
    assert modal.view["title"]["text"] == "Join Flipside"
    (topics,) = [b for b in modal.view["blocks"] if b.get("block_id") == "share_topics"]
    ids = [o["value"] for o in topics["element"]["options"]]
    submitted = await slack.submit(
        MAYA,
        values={
            "role": "share",
            "level": "0",
            "department": "Data",
            "share_topics": ids[:2],
            "days": ["tue", "thu"],
            "times": ["morning"],
            "capacity": "1",
        },
    )
    assert submitted.closed, submitted.errors
    (maya,) = await _participants(engine)
    assert (maya.slack_user_id, maya.role, maya.department) == (MAYA, "share", "Data")
    assert maya.display_name == "Maya Chen" and maya.timezone == "America/New_York"
    await standin.wait_for(lambda: MAYA in standin.home_views)
    assert "Your profile" in str(standin.home_views[MAYA]["blocks"])
    await bot.runtime.dispatcher.tick()
    (dm,) = standin.calls_to("chat.postMessage")
    assert dm.args["channel"] == MAYA and "You're in!" in str(dm.args["text"])


async def test_sharer_must_pick_something_to_share(
    slack: SlackDriver, standin: SlackStandIn, engine: AsyncEngine
) -> None:
    await slack.command(MAYA)
    await standin.wait_for(lambda: bool(standin.open_views(MAYA)))
    result = await slack.submit(
        MAYA, values={"role": "both", "level": "0", "department": "Data", "capacity": "1"}
    )
    assert result.outcome == "errors"
    assert set(result.errors) == {"share_topics", "learn_topics"}
    assert await _participants(engine) == []
