"""The fast ack path, over real HTTP with the real app: what a warm request costs the database
and Slack. A warm `/mentor help` runs no SQL statement at all and calls no users.info; opening
the Home tab, `/mentor join` (the profile modal) and `/mentor pause` (the date picker) for a
joined person only read; the first request from a workspace creates its settings row once.

How the statements are counted: a `before_cursor_execute` listener on the runtime's engine
records every statement, but only while a test's request is in flight (from just before it is
sent until the app has settled: the listener done, nothing left in the background). The
background would still pollute that window, because the scheduler's planner and dispatcher run
on their own timers and do write (claiming, releasing and recording outbox rows), so each test
first stops the scheduler (`bot.runtime.scheduler.stop()`). That is reliable: nothing else runs
on a timer, and the request path does not need the scheduler (a commit that queued something
only *wakes* it, and `Scheduler.wake` does nothing once it is stopped); every test checks the
app's answer as well as the count, so a stopped scheduler that broke an answer would show.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.platform.db.engine import make_sessionmaker
from bot.platform.db.models import WorkspaceSettings
from bot.platform.local import LocalServer
from bot.sandbox import SlackDriver, SlackStandIn
from tests.e2e.flows import AI, LENA, MAYA, PRIYA, home, join, open_modal, replies, text_of

T = TypeVar("T")
WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
SETTINGS_INSERT = re.compile(r"^\s*INSERT\s+INTO\s+\"?workspace_settings\b", re.IGNORECASE)


class Statements:
    """The SQL the app's engine runs while `during()` is in progress."""

    def __init__(self, bot: LocalServer) -> None:
        self.bot = bot
        self.seen: list[str] = []
        self._recording = False

    def __call__(self, _conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        if self._recording:
            self.seen.append(statement)

    async def during(self, request: Callable[[], Awaitable[T]]) -> tuple[T, list[str]]:
        """Run `request`, wait for the app to settle, and return what it ran meanwhile."""
        await self.bot.runtime.ctx.settle()
        self.seen, self._recording = [], True
        try:
            answer = await request()
            await self.bot.runtime.ctx.settle()
        finally:
            self._recording = False
        return answer, list(self.seen)


def writes(statements: list[str]) -> list[str]:
    return [s for s in statements if WRITES.match(s)]


def reads(statements: list[str]) -> list[str]:
    return [s for s in statements if s.lstrip().upper().startswith("SELECT")]


@pytest.fixture
async def sql(bot: LocalServer) -> AsyncIterator[Statements]:
    """The scheduler stopped (see the module's docstring) and the app's statements recorded."""
    await bot.runtime.scheduler.stop()
    assert not bot.runtime.scheduler.running
    recorder = Statements(bot)
    sync_engine = bot.runtime.engine.sync_engine
    event.listen(sync_engine, "before_cursor_execute", recorder)
    try:
        yield recorder
    finally:
        event.remove(sync_engine, "before_cursor_execute", recorder)


async def settings_rows(engine: AsyncEngine) -> int:
    async with make_sessionmaker(engine)() as session:
        return int(await session.scalar(select(func.count()).select_from(WorkspaceSettings)) or 0)


def help_text(body: dict[str, Any] | None) -> str:
    assert body is not None, "the help should be the ack's own answer"
    assert body.get("response_type") == "ephemeral"
    return text_of(body)


async def test_a_warm_help_runs_no_statement_and_asks_slack_nothing(
    slack: SlackDriver, standin: SlackStandIn, sql: Statements
) -> None:
    warm_up, first = await sql.during(lambda: slack.command(MAYA, "help"))
    assert "/mentor help" in help_text(warm_up.body)
    assert len(reads(first)) == 1  # the listed admins, read once for the next 30 s
    asked = len(standin.calls_to("users.info"))

    result, statements = await sql.during(lambda: slack.command(MAYA, "help"))
    assert result.status == 200
    text = help_text(result.body)
    assert "/mentor help" in text and "/mentor join" in text
    assert "admin settings" not in text
    assert statements == []
    assert len(standin.calls_to("users.info")) == asked
    assert not standin.calls_to("chat.postEphemeral")  # the ack itself carried it


async def test_an_admin_known_to_the_people_cache_gets_help_without_a_statement(
    slack: SlackDriver, standin: SlackStandIn, sql: Statements
) -> None:
    """A workspace admin (warmed from users.list at start) needs not even the listed admins."""
    asked = len(standin.calls_to("users.info"))
    result, statements = await sql.during(lambda: slack.command(PRIYA, "help"))
    assert "admin settings" in help_text(result.body)
    assert statements == []
    assert len(standin.calls_to("users.info")) == asked


async def test_opening_the_home_tab_only_reads(
    slack: SlackDriver, standin: SlackStandIn, sql: Statements
) -> None:
    await join(slack, standin, MAYA, share=[AI])
    page, statements = await sql.during(lambda: home(slack, standin, MAYA))
    assert AI in text_of(page) and "home_edit_profile" in text_of(page)  # her own page
    assert reads(statements), "the recorder saw nothing: is it attached?"
    assert writes(statements) == []

    admin_page, statements = await sql.during(lambda: home(slack, standin, PRIYA))
    assert "Program at a glance (admins)" in text_of(admin_page)
    assert reads(statements) and writes(statements) == []

    again, statements = await sql.during(lambda: home(slack, standin, MAYA))
    assert again["blocks"] == page["blocks"]
    assert writes(statements) == []


async def test_join_and_pause_for_a_joined_person_write_nothing(
    slack: SlackDriver, standin: SlackStandIn, sql: Statements
) -> None:
    await join(slack, standin, MAYA, share=[AI])

    profile, statements = await sql.during(lambda: open_modal(slack, standin, MAYA, "join"))
    assert profile.view["callback_id"] == "profile_modal"
    assert reads(statements) and writes(statements) == []
    await slack.close(MAYA)

    pause, statements = await sql.during(lambda: open_modal(slack, standin, MAYA, "pause"))
    assert pause.view["callback_id"] == "pause_modal"
    assert reads(statements) and writes(statements) == []
    assert not [t for t in replies(standin, MAYA) if "Something went wrong" in t]


async def test_the_first_request_creates_the_settings_row_once(
    slack: SlackDriver, standin: SlackStandIn, engine: AsyncEngine, sql: Statements
) -> None:
    assert await settings_rows(engine) == 0
    first_view, first = await sql.during(lambda: open_modal(slack, standin, MAYA, "join"))
    assert first_view.view["callback_id"] == "profile_modal"
    assert len([s for s in first if SETTINGS_INSERT.match(s)]) == 1
    assert await settings_rows(engine) == 1
    await slack.close(MAYA)

    second_view, second = await sql.during(lambda: open_modal(slack, standin, LENA, "join"))
    assert second_view.view["callback_id"] == "profile_modal"
    assert [s for s in second if SETTINGS_INSERT.match(s)] == []
    assert writes(second) == []  # nor the default topics again, nor anything else
    assert await settings_rows(engine) == 1
    assert second_view.view["blocks"] == first_view.view["blocks"]
