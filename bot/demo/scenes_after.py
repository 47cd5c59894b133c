"""Scenes: after the session, Maya and Grace answer the short private poll; Maya logs notes
with an action item for Grace, who finds it on her Home tab."""

from __future__ import annotations

from datetime import timedelta

from bot.demo.run import Demo
from bot.demo.scenes_sessions import GRACE, MAYA, _modal, _session
from bot.demo.steps import outbox_settled
from bot.kit.ids import Action, Field, View
from bot.sandbox.records import PostedMessage


def _asked(demo: Demo, user: str) -> PostedMessage:
    dm = demo.standin.dm_id(user)
    found = [
        m
        for m in demo.standin.messages_for(user)
        if m.channel == dm and Action.MET_YES in str(m.blocks)
    ]
    return found[-1]


async def did_you_meet(demo: Demo) -> None:
    demo.show.scene(
        "After the session: did you meet?",
        "Thirty minutes after the session ends (FEEDBACK_DELAY_MINUTES), each of them gets a "
        "private DM. A yes from either marks the session held and opens a two-minute poll; "
        "the answers are theirs alone: never shown to the partner, and to the program team "
        "only as totals over enough people.",
    )
    booked = await _session(demo)
    end = booked.starts_at + timedelta(minutes=booked.minutes + 31)
    demo.clock.shift(end - demo.clock.now())
    demo.show.note("(The clock moves on to half an hour after the session.)")
    await demo.bot.scheduler.run("feedback-plan")
    await outbox_settled(demo)
    await demo.standin.settle()


async def both_answer(demo: Demo) -> None:
    demo.show.scene(
        "Maya and Grace answer",
        "Maya, the reverse mentor, is asked how confident she felt sharing what she knows; "
        "Grace, the leader, whether she got to share career insight back.",
    )
    answers: tuple[tuple[str, dict[str, object]], ...] = (
        (
            MAYA,
            {
                Field.VALUE: "4",
                Field.CONFIDENCE: "4",
                Field.LEARNED: "How a budget really gets approved",
            },
        ),
        (GRACE, {Field.VALUE: "5", Field.SHARED_BACK: "a_little"}),
    )
    for user, values in answers:
        asked = _asked(demo, user)
        demo.show.action(user, "clicks [Yes, we met]")
        await demo.slack.click(user, Action.MET_YES, channel_id=asked.channel, message_ts=asked.ts)
        view_id = await _modal(demo, user, View.POLL)
        demo.show.action(user, "answers the poll and clicks Send")
        await demo.slack.submit(user, view_id, values=values)
        await outbox_settled(demo)
        await demo.standin.settle()


async def maya_logs_notes(demo: Demo) -> None:
    demo.show.scene(
        "Maya logs notes, with an action item for Grace",
        "Notes are the pair's: both read them, only their author changes them, nobody else "
        "sees them, not the program team either. An action item with a date gets a reminder "
        "at 09:00 in its owner's own time zone.",
    )
    booked = await _session(demo)
    assert booked.card_ts is not None
    demo.show.action(MAYA, "clicks [Log notes] on the session card")
    await demo.slack.click(
        MAYA, Action.LOG_NOTES, channel_id=booked.card_channel, message_ts=booked.card_ts
    )
    view_id = await _modal(demo, MAYA, View.NOTE)
    due = (demo.clock.now() + timedelta(days=3)).date()
    demo.show.action(MAYA, "writes what they covered, adds an item for Grace, clicks Save")
    await demo.slack.submit(
        MAYA,
        view_id,
        values={
            Field.COVERED: "Three AI assistants, side by side, on a real board memo",
            Field.TAUGHT: "How to write a prompt that gives a usable first draft",
            Field.LEARNED: "How a budget really gets approved",
            Field.ITEM_1: "Try the assistant on next week's board memo",
            Field.ITEM_1_OWNER: "partner",
            Field.ITEM_1_DUE: due.isoformat(),
        },
    )
    await outbox_settled(demo)
    await demo.standin.settle()


async def grace_sees_it_on_her_home(demo: Demo) -> None:
    demo.show.scene("Grace's Home tab", "Her open action items, each with Done.")
    demo.show.action(GRACE, "opens the Home tab")
    await demo.slack.app_home_opened(GRACE)
    await demo.standin.settle()


SCENES = [did_you_meet, both_answer, maya_logs_notes, grace_sees_it_on_her_home]
