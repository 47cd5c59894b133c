"""Scene: messages the bot sends on its own survive a deploy, once each."""

from __future__ import annotations

from sqlalchemy import select

from bot.demo.run import Demo
from bot.demo.steps import outbox_settled
from bot.platform.db.models import OutboxMessage
from bot.platform.outbox import OutboundMessage, enqueue


async def delivery_survives_a_restart(demo: Demo) -> None:
    demo.show.scene(
        "Messages the bot sends on its own survive a deploy",
        "Every message Flipside sends by itself (introductions, reminders, nudges) is written "
        "to its outbox first, then delivered at a pace Slack accepts. Here the program team's "
        "kickoff note goes to everyone, Slack pushes back once with a rate limit, and the bot is "
        "restarted half-way through, as in a deploy.",
    )
    # Everyone on the company list, including Oliver, whose account was just deactivated.
    people = [u.id for u in demo.standin.workspace.users.values() if not u.is_bot]
    text = (
        ":sparkles: *Reverse mentoring starts next week at Acme.* Early-career colleagues teach "
        "leaders what they know best, leaders share career insight back. Type `/mentor help` "
        "to see how to take part."
    )
    async with demo.bot.sessionmaker() as session, session.begin():
        for user in people:
            message = OutboundMessage(
                demo.standin.workspace.team_id,
                f"kickoff:{user}",
                "announcement",
                text,
                channel=user,
            )
            await enqueue(session, message, demo.bot.ctx.clock.now())
    demo.standin.faults.add("chat.postMessage", "rate_limited", retry_after=1)
    demo.show.note(f"{len(people)} kickoff messages are in the outbox.")

    def delivered() -> int:
        return len(
            {
                c.args["channel"]
                for c in demo.standin.calls_to("chat.postMessage")
                if c.response.get("ok") and c.args.get("text") == text
            }
        )

    await demo.standin.wait_for(lambda: delivered() >= len(people) // 2 - 1, within=30)
    await demo.stop_bot()
    demo.show.note(f"Deploy: the bot stops (SIGTERM) with {delivered()} delivered.")
    await demo.start_bot()
    demo.show.note("The new version starts and picks up where the old one stopped.")
    await outbox_settled(demo)
    posts = [
        c.args["channel"]
        for c in demo.standin.calls_to("chat.postMessage")
        if c.response.get("ok") and c.args.get("text") == text
    ]
    doubled = len(posts) - len(set(posts))
    dead = await _dead_letters(demo)
    demo.show.flush()
    demo.show.note(
        f"{len(people)} scheduled, {len(set(posts))} delivered exactly once, {doubled} doubled, "
        f"{len(dead)} undeliverable ({'; '.join(dead) or 'none'}), one 429 waited out."
    )


async def _dead_letters(demo: Demo) -> list[str]:
    async with demo.bot.sessionmaker() as session:
        rows = await session.execute(
            select(OutboxMessage.channel, OutboxMessage.last_error).where(
                OutboxMessage.status == "dead"
            )
        )
        names = demo.standin.workspace.names()
        return [f"{names.get(channel or '', channel)}: {error}" for channel, error in rows.all()]
