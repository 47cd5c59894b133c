"""Scenes: a pair that never booked: its leader is asked to propose a time, in their own
working hours; later the admin's Home shows the pair at risk."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from bot.demo.run import Demo
from bot.demo.steps import outbox_settled
from bot.platform.db.models import OutboxMessage, Pairing

PRIYA = "U01PRIYA"


async def _deliver_held(demo: Demo) -> None:
    """Move the clock to each held message's time (quiet hours) until none is left."""
    for _ in range(6):
        await outbox_settled(demo)
        async with demo.bot.sessionmaker() as session:
            next_due = await session.scalar(
                select(func.min(OutboxMessage.due_at)).where(
                    OutboxMessage.status == "pending",
                    OutboxMessage.kind.in_(["nudge-leader", "nudge-pair", "nudge-paused"]),
                )
            )
        if next_due is None:
            break
        demo.clock.shift(max(timedelta(0), next_due - demo.clock.now()) + timedelta(seconds=1))
    await outbox_settled(demo)
    await demo.standin.settle()


async def the_leader_is_asked(demo: Demo) -> None:
    demo.show.scene(
        "A week without a booking: the leader is asked",
        "The other pairs haven't booked anything since their introduction. After 7 days "
        "(NUDGE_FIRST_DAYS) each pair's leader, never the junior, gets a short DM asking them "
        "to propose a time. It waits for their working hours in their own time zone.",
    )
    async with demo.bot.sessionmaker() as session:
        first = await session.scalar(select(func.min(Pairing.created_at)))
    assert first is not None
    demo.clock.shift(first + timedelta(days=7, hours=1) - demo.clock.now())
    demo.show.note("(The clock moves on to a week after the introductions.)")
    await demo.bot.scheduler.run("nudges-plan")
    await _deliver_held(demo)


async def a_pair_at_risk(demo: Demo) -> None:
    demo.show.scene(
        "Two weeks later: pairs at risk",
        "Still nothing booked: the pair's group DM gets a warm nudge naming the leader, and a "
        "week later the admins see the pair at risk: names and days without a session, nothing "
        "else.",
    )
    for _ in range(2):
        demo.clock.shift(timedelta(days=7))
        await demo.bot.scheduler.run("nudges-plan")
        await _deliver_held(demo)
    demo.show.action(PRIYA, "opens the Home tab")
    await demo.slack.app_home_opened(PRIYA)
    await demo.standin.settle()


SCENES = [the_leader_is_asked, a_pair_at_risk]
