"""Steps the joining tests share: open the profile modal, answer it by label, read the results.

Option values are read from the modal the bot opened (topic ids differ between databases)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.platform.db.engine import make_sessionmaker
from bot.platform.db.models import BlockedPerson, OutboxMessage, Participant
from bot.platform.local import LocalServer
from bot.sandbox import DriverResult, SlackDriver, SlackStandIn, StoredView

PRIYA, MAYA, DANIEL, GRACE = "U01PRIYA", "U01MAYA", "U01DANIEL", "U01GRACE"
JAMAL, LUCAS, HELEN, KLAUS = "U01JAMAL", "U01LUCAS", "U01HELEN", "U01KLAUS"
LENA, ARJUN, OLIVER = "U01LENA", "U01ARJUN", "U01OLIVER"

AI, TRENDS, SOCIAL = "AI and new tools", "Digital trends", "Social media"
CULTURE, CAREER = "Modern work culture", "Leadership and career insight"

REJECTED = {"invalid_arguments", "invalid_blocks"}


def assert_slack_accepted_everything(standin: SlackStandIn) -> None:
    """No view or message the bot sent was refused by the stand-in's Block Kit validation."""
    refused = [(c.method, c.response) for c in standin.calls if c.response.get("error") in REJECTED]
    refused += [(c.method, c.response) for c in standin.calls_to("response_url") if c.status != 200]
    assert not refused, refused


async def open_modal(
    slack: SlackDriver, standin: SlackStandIn, user: str, text: str = "join"
) -> StoredView:
    """Type `/mentor {text}` and wait for the modal it opens."""
    before = {v.id for v in standin.open_views(user)}
    result = await slack.command(user, text)
    assert result.status == 200, result.text
    await standin.wait_for(
        lambda: any(v.id not in before for v in standin.open_views(user)), within=5
    )
    top = standin.top_view(user)
    assert top is not None
    return top


def block(view: StoredView | dict[str, Any], block_id: str) -> dict[str, Any]:
    body = view.view if isinstance(view, StoredView) else view
    for found in body["blocks"]:
        if found.get("block_id") == block_id:
            return dict(found)
    raise AssertionError(f"no block {block_id!r} in {[b.get('block_id') for b in body['blocks']]}")


def options(view: StoredView, block_id: str) -> dict[str, str]:
    """label -> value of a select's (or checkboxes') options."""
    element = block(view, block_id)["element"]
    return {o["text"]["text"]: o["value"] for o in element.get("options", [])}


def answers(
    view: StoredView,
    *,
    role: str = "share",
    level: str = "Early career",
    department: str | None = "Data",
    share: Iterable[str] = (),
    learn: Iterable[str] = (),
    goals: str | None = None,
    days: Iterable[str] = (),
    times: Iterable[str] = (),
    capacity: str = "1",
    blocked: Iterable[str] = (),
) -> dict[str, Any]:
    """The modal's inputs by action_id, topics and level given by their labels."""
    topics = options(view, "share_topics")
    values: dict[str, Any] = {
        "role": role,
        "level": options(view, "level")[level],
        "share_topics": [topics[t] for t in share],
        "learn_topics": [topics[t] for t in learn],
        "days": list(days),
        "times": list(times),
        "capacity": capacity,
        "blocked": list(blocked),
    }
    if department is not None:
        values["department"] = department
    if goals is not None:
        values["goals"] = goals
    return values


async def join(slack: SlackDriver, standin: SlackStandIn, user: str, **given: Any) -> DriverResult:
    """`/mentor join`, fill the modal, submit; asserts it was accepted."""
    view = await open_modal(slack, standin, user)
    result = await slack.submit(user, values=answers(view, **given))
    assert result.closed, result.errors
    return result


async def participants(engine: AsyncEngine) -> list[Participant]:
    async with make_sessionmaker(engine)() as session:
        found = await session.scalars(select(Participant).order_by(Participant.id))
        return list(found.all())


async def participant(engine: AsyncEngine, user: str) -> Participant | None:
    return next((p for p in await participants(engine) if p.slack_user_id == user), None)


async def blocked_rows(engine: AsyncEngine) -> list[tuple[str, str]]:
    """(author, blocked) for every confidential entry in the database."""
    async with make_sessionmaker(engine)() as session:
        rows = await session.execute(
            select(Participant.slack_user_id, BlockedPerson.blocked_user_id).join(
                Participant, Participant.id == BlockedPerson.participant_id
            )
        )
        return [(a, b) for a, b in rows.all()]


async def outbox_rows(engine: AsyncEngine) -> list[OutboxMessage]:
    async with make_sessionmaker(engine)() as session:
        return list((await session.scalars(select(OutboxMessage))).all())


async def delivered_dms(bot: LocalServer, standin: SlackStandIn, user: str) -> list[str]:
    """Send what the outbox owes, then the texts of the bot's DMs to `user`, oldest first."""
    await bot.runtime.dispatcher.tick()
    dm = standin.dm_id(user)
    return [m.text for m in standin.messages_for(user) if m.channel == dm and m.via == "api"]


def replies(standin: SlackStandIn, user: str) -> list[str]:
    """Texts of the ephemeral answers `user` got (acks and response_url posts)."""
    return [m.text for m in standin.messages_for(user) if m.ephemeral_user == user]


async def wait_for_reply(standin: SlackStandIn, user: str, needle: str) -> str:
    await standin.wait_for(lambda: any(needle in t for t in replies(standin, user)), within=5)
    return next(t for t in replies(standin, user) if needle in t)


async def home(slack: SlackDriver, standin: SlackStandIn, user: str) -> dict[str, Any]:
    """Open the Home tab and return the view the bot published for it."""
    published = len(standin.calls_to("views.publish"))
    await slack.app_home_opened(user)
    await standin.wait_for(
        lambda: any(
            c.args.get("user_id") == user for c in standin.calls_to("views.publish")[published:]
        ),
        within=5,
    )
    # A Home refresh from the outbox may land just before or after this one; it is drawn when
    # sent, so the latest publish once Slack is quiet is what the person sees.
    await standin.settle(quiet=0.3, at_most=3)
    return standin.home_views[user]


def text_of(view: dict[str, Any] | list[Any]) -> str:
    return json.dumps(view, ensure_ascii=False)


def button_ids(view: dict[str, Any]) -> list[str]:
    return [
        e["action_id"] for b in view["blocks"] if b.get("type") == "actions" for e in b["elements"]
    ]


async def answered(
    slack: SlackDriver, standin: SlackStandIn, user: str, text: str, needle: str
) -> str:
    """`/mentor {text}` is acknowledged (Slack shows no failure) and answered with `needle`."""
    result = await slack.command(user, text)
    assert result.status == 200, (result.status, result.text)
    return await wait_for_reply(standin, user, needle)
