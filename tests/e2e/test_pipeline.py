"""The request pipeline, through a feature of the test's own served by the real runtime: acks,
answers per surface, typed payloads, working views, and failures that never reach Slack raw."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.domain.errors import UserFacingError
from bot.features import FEATURES
from bot.kit.blocks import Json, actions, button, notice_modal, section
from bot.kit.payloads import RoundRef
from bot.platform.clock import FakeClock
from bot.platform.config import Settings
from bot.platform.feature import Feature
from bot.platform.local import LocalServer
from bot.platform.runtime import Runtime
from bot.platform.slack.listeners import Answer, Listeners
from bot.platform.slack.requests import CommandRequest, Request, ViewRequest
from bot.platform.slack.router import Subcommand
from bot.sandbox import SlackDriver, SlackStandIn
from tests.e2e.conftest import SIGNING_SECRET
from tests.e2e.flows import replies

MAYA = "U01MAYA"


def modal(callback_id: str, *, with_input: bool) -> Json:
    blocks: list[Json] = [section("A form of the test's own.")]
    if with_input:
        blocks.append(
            {
                "type": "input",
                "block_id": "answer",
                "label": {"type": "plain_text", "text": "Answer"},
                "element": {"type": "plain_text_input", "action_id": "answer"},
            }
        )
    return {
        "type": "modal",
        "callback_id": callback_id,
        "title": {"type": "plain_text", "text": "Pipeline"},
        "submit": {"type": "plain_text", "text": "Send"},
        "blocks": blocks,
    }


async def open_form(r: CommandRequest) -> None:
    await r.ack()
    await r.open(modal(r.args or "pipe_slow", with_input=r.args != "pipe_no_input"))


def register(on: Listeners) -> None:
    @on.action("pipe_boom")
    async def boom(r: Request) -> None:
        raise RuntimeError("a bug")

    @on.action("pipe_refuse")
    async def refuse(r: Request) -> None:
        raise UserFacingError("You can't do that here.")

    @on.action("pipe_value")
    async def value(r: Request) -> None:
        await r.tell(f"round {r.parse(RoundRef).round_id}")

    @on.view("pipe_slow", title="Pipeline")
    async def slow(r: ViewRequest) -> Answer:
        async def finish() -> Json:
            return notice_modal("Pipeline", "All done.")

        return Answer.working(notice_modal("Pipeline", "Working on it…"), finish)

    @on.view("pipe_field", errors_on="answer", title="Pipeline")
    async def field(r: ViewRequest) -> Answer:
        raise UserFacingError("Say something else.")

    @on.view("pipe_no_input", title="Pipeline")
    async def no_input(r: ViewRequest) -> Answer:
        return Answer.inline({"answer": "There is no such input in this view."})


TEST_FEATURE = Feature(
    name="pipeline-test",
    listeners=register,
    commands=(Subcommand("pipetest", "opens a test form", open_form, listed=False),),
)


@pytest.fixture
async def app(
    settings: Settings, engine: object, clock: FakeClock, standin: SlackStandIn
) -> AsyncIterator[SlackDriver]:
    runtime = Runtime.build(settings, clock=clock, features=(*FEATURES, TEST_FEATURE))
    try:
        async with LocalServer(runtime) as server:
            driver = SlackDriver(standin, server.events_url, SIGNING_SECRET)
            try:
                yield driver
            finally:
                await driver.aclose()
    finally:
        await runtime.close()


def message_with(standin: SlackStandIn, *elements: Json) -> tuple[str, str]:
    channel = standin.open_dm(MAYA)
    return channel, standin.post(channel, "buttons", [actions("pipe_actions", list(elements))]).ts


async def test_a_failure_is_acked_and_answered_with_a_code(
    app: SlackDriver, standin: SlackStandIn
) -> None:
    channel, ts = message_with(standin, button("Boom", "pipe_boom"))
    result = await app.click(MAYA, "pipe_boom", channel_id=channel, message_ts=ts)
    assert result.status == 200
    await standin.wait_for(lambda: any("this code" in t for t in replies(standin, MAYA)))


async def test_a_refusal_in_a_message_is_an_ephemeral_line(
    app: SlackDriver, standin: SlackStandIn
) -> None:
    channel, ts = message_with(standin, button("Refuse", "pipe_refuse"))
    assert (await app.click(MAYA, "pipe_refuse", channel_id=channel, message_ts=ts)).status == 200
    await standin.wait_for(lambda: "You can't do that here." in replies(standin, MAYA))


async def test_a_typed_value_is_parsed_and_a_tampered_one_refused(
    app: SlackDriver, standin: SlackStandIn
) -> None:
    channel, ts = message_with(
        standin, button("Go", "pipe_value", value=RoundRef(round_id=7).dump())
    )
    await app.click(MAYA, "pipe_value", channel_id=channel, message_ts=ts)
    await standin.wait_for(lambda: "round 7" in replies(standin, MAYA))
    for tampered in ("7:1", "²", "0", '{"round_id": 7}'):
        await app.click(MAYA, "pipe_value", channel_id=channel, message_ts=ts, value=tampered)
    await standin.wait_for(
        lambda: sum("doesn't look right" in t for t in replies(standin, MAYA)) == 4
    )


async def test_slow_work_shows_a_working_view_then_the_result(
    app: SlackDriver, standin: SlackStandIn
) -> None:
    await app.command(MAYA, "pipetest pipe_slow")
    await standin.wait_for(lambda: bool(standin.open_views(MAYA)))
    result = await app.submit(MAYA, values={"answer": "go"})
    assert result.outcome == "updated" and "Working on it" in str(result.view)
    await standin.wait_for(lambda: "All done." in str(standin.top_view(MAYA)))


async def test_a_refusal_goes_inline_on_its_field(app: SlackDriver, standin: SlackStandIn) -> None:
    await app.command(MAYA, "pipetest pipe_field")
    await standin.wait_for(lambda: bool(standin.open_views(MAYA)))
    result = await app.submit(MAYA, values={"answer": "hello"})
    assert result.errors == {"answer": "Say something else."}


async def test_an_error_on_a_block_that_is_no_input_becomes_a_notice(
    app: SlackDriver, standin: SlackStandIn
) -> None:
    """Slack would show its generic failure for an error on a block the view has no input for."""
    await app.command(MAYA, "pipetest pipe_no_input")
    await standin.wait_for(lambda: bool(standin.open_views(MAYA)))
    result = await app.submit(MAYA)
    assert result.outcome == "updated" and "no such input" in str(result.view)
