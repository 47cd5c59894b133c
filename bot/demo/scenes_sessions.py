"""Scenes: Grace books a first session with Maya from their introduction, both read it in
their own time, the reminder arrives as the clock moves on, and Maya reschedules."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select

from bot.demo.run import Demo
from bot.demo.steps import outbox_settled
from bot.domain.sessions import clock_time
from bot.kit.ids import Action, Field, View, numbered
from bot.platform.db.models import MentoringSession, Pairing
from bot.sandbox.records import PostedMessage

MAYA, GRACE = "U01MAYA", "U01GRACE"
NEW_YORK, LOS_ANGELES = "America/New_York", "America/Los_Angeles"


async def _pairing(demo: Demo) -> Pairing:
    async with demo.bot.sessionmaker() as session:
        found = await session.scalar(
            select(Pairing).where(
                or_(Pairing.mentor_user_id == MAYA, Pairing.leader_user_id == MAYA)
            )
        )
    assert found is not None, "Maya was not paired"
    return found


async def _session(demo: Demo) -> MentoringSession:
    async with demo.bot.sessionmaker() as session:
        found = await session.scalar(select(MentoringSession).order_by(MentoringSession.id))
    assert found is not None, "nothing was booked"
    return found


def _intro(demo: Demo, pairing: Pairing) -> PostedMessage:
    group = demo.standin.dm_id([pairing.mentor_user_id, pairing.leader_user_id])
    return demo.standin.messages_in(group, include_ephemeral=False)[0]


async def _modal(demo: Demo, user: str, callback: str) -> str:
    def opened() -> bool:
        top = demo.standin.top_view(user)
        return top is not None and top.view.get("callback_id") == callback

    await demo.standin.wait_for(opened)
    top = demo.standin.top_view(user)
    assert top is not None
    return top.id


def _next_weekday_at(now: datetime, days: int, hour_utc: int) -> datetime:
    day = (now + timedelta(days=days)).replace(hour=hour_utc, minute=0, second=0, microsecond=0)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


async def grace_books_a_session(demo: Demo) -> None:
    demo.show.scene(
        "Grace books their first session",
        "From the introduction, Grace presses Book a session. The modal reads in her own time "
        "zone and names Maya's; once she picks a time it shows that time for Maya too. The "
        "first-session agenda from the introduction is already filled in.",
    )
    pairing = await _pairing(demo)
    intro = _intro(demo, pairing)
    demo.show.action(GRACE, "clicks [Book a session] on the introduction")
    await demo.slack.click(
        GRACE, Action.BOOK_SESSION, channel_id=intro.channel, message_ts=intro.ts
    )
    view_id = await _modal(demo, GRACE, View.BOOK_SESSION)
    at = _next_weekday_at(demo.clock.now(), 2, 17)
    demo.show.action(GRACE, f"picks {clock_time(at, LOS_ANGELES)} (her time)")
    await demo.slack.click(GRACE, Field.WHEN, value=int(at.timestamp()), view_id=view_id)
    await demo.standin.settle()
    demo.show.action(GRACE, "adds a video link and clicks Book")
    await demo.slack.submit(
        GRACE,
        view_id,
        values={
            Field.WHEN: int(at.timestamp()),
            Field.TOPIC: "Social media",
            Field.WHERE: "https://meet.example.com/flipside-maya-grace",
        },
    )
    await outbox_settled(demo)
    await demo.standin.settle()
    demo.show.note(
        "The card shows a Slack date token: each reader sees their own time. Maya in New York "
        f"reads {clock_time(at, NEW_YORK)}, Grace in Los Angeles {clock_time(at, LOS_ANGELES)}. "
        "The calendar file opens in Outlook or Apple Calendar; the buttons add it to Google "
        "Calendar or Outlook in one click."
    )


async def the_reminder_arrives(demo: Demo) -> None:
    demo.show.scene(
        "A day later: the reminder",
        "Reminders are rows in the outbox, planned when the session was booked: 24 hours and "
        "1 hour before (SESSION_REMINDERS). The demo's clock moves on to the day before.",
    )
    booked = await _session(demo)
    start = booked.starts_at
    demo.clock.shift(start - timedelta(hours=24) - demo.clock.now() + timedelta(seconds=1))
    demo.show.note("(The clock moves on to the day before the session.)")
    await outbox_settled(demo)
    await demo.standin.settle()


async def maya_reschedules(demo: Demo) -> None:
    demo.show.scene(
        "Maya reschedules",
        "Something came up: Maya presses Reschedule on the card. The card is updated in place, "
        "the pair is told what changed (and to delete the old calendar entry), a new calendar "
        "file follows with a higher SEQUENCE, and the reminders move with the session.",
    )
    booked = await _session(demo)
    assert booked.card_ts is not None
    demo.show.action(MAYA, "clicks [Reschedule] on the session card")
    await demo.slack.click(
        MAYA,
        numbered(Action.RESCHEDULE, booked.id),
        channel_id=booked.card_channel,
        message_ts=booked.card_ts,
    )
    view_id = await _modal(demo, MAYA, View.BOOK_SESSION)
    moved = booked.starts_at + timedelta(days=1, hours=1)
    demo.show.action(MAYA, f"moves it to {clock_time(moved, NEW_YORK)} (her time), clicks Save")
    await demo.slack.submit(MAYA, view_id, values={Field.WHEN: int(moved.timestamp())})
    await outbox_settled(demo)
    await demo.standin.settle()


SCENES = [grace_books_a_session, the_reminder_arrives, maya_reschedules]
