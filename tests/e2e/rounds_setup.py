"""A program of 30 people for the matching round tests, and steps those tests share.

People join through the real joining service (the modal itself is tested in test_join); the
round is then driven through Slack: the command, the proposal message and its buttons.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.people import SlackPerson
from bot.domain.profile import ProfileForm
from bot.domain.settings import SettingsForm
from bot.features.joining import service as participants
from bot.features.program.service import load_program, update_settings
from bot.platform.actor import Actor
from bot.platform.clock import Clock, FakeClock
from bot.platform.db.engine import make_sessionmaker
from bot.platform.db.models import MatchRound, OutboxMessage, Pairing
from bot.platform.local import LocalServer
from bot.sandbox import SlackDriver, SlackStandIn
from bot.sandbox.records import PostedMessage
from bot.sandbox.workspace import SandboxUser

TEAM = "T0FLIPSIDE"
ADMIN = "U01PRIYA"
ADMIN_CHANNEL = "C0ADMINS"
AI, TRENDS, SOCIAL, CAREER = (
    "AI and new tools",
    "Digital trends",
    "Social media",
    "Leadership and career insight",
)
ZONES = ("Europe/London", "Europe/Berlin", "Europe/Madrid", "Africa/Lagos")


@dataclass(frozen=True)
class Person:
    user_id: str
    role: str
    level: int
    department: str
    share: tuple[str, ...] = ()
    learn: tuple[str, ...] = ()
    tz: str = "Europe/London"
    blocked: tuple[str, ...] = ()


def thirty() -> list[Person]:
    """16 juniors who share and 14 leaders who learn; two no one can meet (Tokyo, Los Angeles)."""
    people = []
    topics = (AI, TRENDS, SOCIAL)
    for i in range(16):
        people.append(
            Person(
                f"U02J{i:03d}",
                "share",
                i % 2,
                ("Data", "Support", "Design", "Marketing")[i % 4],
                share=(topics[i % 3], topics[(i + 1) % 3]),
                learn=(CAREER,),
                tz="Asia/Tokyo" if i == 15 else ZONES[i % 4],
            )
        )
    for i in range(14):
        people.append(
            Person(
                f"U02L{i:03d}",
                "learn",
                3 + i % 3,
                ("Sales", "Finance", "Operations", "Engineering")[i % 4],
                share=(CAREER,),
                learn=(topics[i % 3],),
                tz="America/Los_Angeles" if i == 13 else ZONES[(i + 1) % 4],
            )
        )
    return people


async def enrol(
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    people: list[Person],
    *,
    cadence: str = "off",
    auto_approve: bool = False,
) -> None:
    """Add everyone to the Slack workspace and to the program; Priya's channel is the admins',
    and automatic rounds follow `cadence`."""
    sessionmaker = make_sessionmaker(engine)
    program = await load_program(sessionmaker, clock, TEAM)
    ids = {name: tid for tid, name in program.topics}
    for p in people:
        name = f"Person {p.user_id[-4:]}"
        standin.workspace.add(SandboxUser(p.user_id, p.user_id.lower(), name, "Colleague", p.tz))
        form = ProfileForm(
            p.role,
            p.level,
            p.department,
            tuple(ids[t] for t in p.share),
            tuple(ids[t] for t in p.learn),
            blocked=p.blocked,
        )
        person = SlackPerson(p.user_id, name, "Colleague", p.tz)
        await participants.save_profile(sessionmaker, clock, TEAM, person, form)
    await update_settings(
        sessionmaker,
        clock,
        Actor.system(TEAM),
        SettingsForm(
            topics=tuple(n for _, n in program.topics),
            levels=program.levels,
            departments=(),
            admin_channel_id=ADMIN_CHANNEL,
            admin_user_ids=(),
            round_cadence=cadence,
            auto_approve=auto_approve,
        ),
    )


async def rounds_in_db(engine: AsyncEngine) -> list[MatchRound]:
    async with make_sessionmaker(engine)() as session:
        return list((await session.scalars(select(MatchRound).order_by(MatchRound.id))).all())


async def pairings_in_db(engine: AsyncEngine) -> list[Pairing]:
    async with make_sessionmaker(engine)() as session:
        return list((await session.scalars(select(Pairing).order_by(Pairing.id))).all())


async def outbox_keys(engine: AsyncEngine, prefix: str) -> list[str]:
    async with make_sessionmaker(engine)() as session:
        keys = await session.scalars(
            select(OutboxMessage.dedup_key).where(OutboxMessage.dedup_key.startswith(prefix))
        )
        return sorted(keys.all())


async def send_all(bot: LocalServer, clock: FakeClock, *, ticks: int = 200) -> None:
    """Tick the dispatcher, moving the fake clock on, until the outbox owes nothing."""
    for _ in range(ticks):
        await bot.runtime.dispatcher.tick()
        async with make_sessionmaker(bot.runtime.engine)() as session:
            owed = await session.scalar(
                select(func.count()).where(OutboxMessage.status.in_(["pending", "sending"]))
            )
        if not owed:
            return
        clock.advance(timedelta(seconds=1))
    raise AssertionError("the outbox still owes messages")


async def run_round(
    slack: SlackDriver, standin: SlackStandIn, engine: AsyncEngine, bot: LocalServer
) -> PostedMessage:
    """`/mentor admin match` by the admin; returns the proposal message once it is posted."""
    before = len(proposals(standin))
    result = await slack.command(ADMIN, "admin match")
    assert result.status == 200
    await wait_for_status(bot, engine, "proposed", "approved")
    await bot.runtime.dispatcher.tick()
    await standin.wait_for(lambda: len(proposals(standin)) > before, within=5)
    return proposals(standin)[-1]


async def wait_for_status(bot: LocalServer, engine: AsyncEngine, *statuses: str) -> MatchRound:
    """The newest round, once the app has settled (rounds are computed after the ack), in one
    of `statuses`."""
    await bot.runtime.settle()
    found = await rounds_in_db(engine)
    assert found and found[-1].status in statuses, (statuses, found[-1].status if found else None)
    return found[-1]


def proposals(standin: SlackStandIn) -> list[PostedMessage]:
    """The proposal messages in the admin channel, oldest first."""
    return [
        m
        for m in standin.messages_in(ADMIN_CHANNEL, include_ephemeral=False)
        if "Matching round" in m.text
    ]


def current(standin: SlackStandIn, message: PostedMessage) -> PostedMessage:
    """The message as it is now (a click's response replaces it in place)."""
    return next(m for m in standin.messages if m.ts == message.ts and m.channel == message.channel)


async def set_admin_channel(engine: AsyncEngine, clock: Clock, team: str = TEAM) -> None:
    """The program's settings as they come, with #flipside-admins as the admin channel."""
    sessionmaker = make_sessionmaker(engine)
    program = await load_program(sessionmaker, clock, team)
    form = SettingsForm(
        topics=tuple(n for _, n in program.topics),
        levels=program.levels,
        departments=(),
        admin_channel_id=ADMIN_CHANNEL,
        admin_user_ids=(),
    )
    await update_settings(sessionmaker, clock, Actor.system(team), form)
