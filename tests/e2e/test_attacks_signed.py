"""Property: a signed request of any shape (any JSON as `payload=`, real payloads of every kind
the bot takes with fields replaced or removed, any `/mentor` text) never gets a 500, every
answer it gets is one Slack would take, the bot writes no mass mention, and the only traceback
it may log is the pipeline's own "listener failed" line with a correlation id.

What the properties found is kept at the end as plain regression tests."""

from __future__ import annotations

import copy
import json
import time
import weakref
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.platform.local import LocalServer
from bot.sandbox import SlackDriver, SlackStandIn, StoredView
from bot.sandbox.blockstate import build_state, iter_elements
from tests.e2e.attack_strategies import (
    FORM,
    JSON_TYPE,
    examples,
    form,
    hostile_text,
    interaction,
    json_values,
    keys,
    mutated,
    post_signed,
    signed_round,
    utf8,
)
from tests.e2e.flows import MAYA, answers, home, open_modal

EXAMPLES = settings(
    max_examples=examples(50),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
KINDS = ["block_actions", "view_submission", "view_closed", "block_suggestion", "shortcut"]
_SOURCES: weakref.WeakKeyDictionary[SlackStandIn, dict[str, StoredView]] = (
    weakref.WeakKeyDictionary()
)


async def sources(slack: SlackDriver, standin: SlackStandIn) -> dict[str, StoredView]:
    """Maya's Home and her profile modal as first drawn (the examples of a test share these)."""
    if standin not in _SOURCES:
        published = await home(slack, standin, MAYA)
        modal = await open_modal(slack, standin, MAYA)
        # Copies: what the bot draws next must not change the templates' shape mid-test.
        snapshot = {"home": standin.views[published["id"]], "modal": modal}
        _SOURCES[standin] = copy.deepcopy(snapshot)
    return _SOURCES[standin]


def command(slack: SlackDriver, text: str) -> dict[str, str]:
    return slack._command_form(MAYA, slack.standin.open_dm(MAYA), "/mentor", text)


def submission(slack: SlackDriver, modal: StoredView) -> dict[str, Any]:
    """Maya's profile, filled in as a person would, submitted (the stored view is not touched)."""
    payload = slack._common("view_submission", MAYA)
    view = json.loads(json.dumps(modal.view))
    view["state"] = build_state(view["blocks"], answers(modal, share=["AI and new tools"]))
    payload.update(trigger_id=slack.standin.issue_trigger_id(MAYA), view=view, response_urls=[])
    return payload


async def template(slack: SlackDriver, standin: SlackStandIn, name: str) -> dict[str, Any]:
    """A payload as Slack would send it now, with fresh trigger ids and response URLs."""
    found = await sources(slack, standin)
    dm = standin.open_dm(MAYA)
    if name.startswith("click "):
        source = found["home"] if name == "click home" else found["modal"]
        clickable = [
            (b, e)
            for b, e in iter_elements(source.view["blocks"])
            if e["type"] in ("button", "static_select", "overflow")
        ]
        block_id, element = clickable[0]
        action = slack._action(element, element["action_id"], block_id, None, None)
        return slack._block_actions(MAYA, source, action)
    if name == "submission":
        return submission(slack, found["modal"])
    if name == "closed":
        return slack._view_closed(MAYA, found["modal"], False)
    if name == "suggestion":
        return slack._block_suggestion(MAYA, found["modal"], "blocked", "blocked", "ma")
    events = {
        "home opened": {"type": "app_home_opened", "user": MAYA, "channel": dm, "tab": "home"},
        "dm": {"type": "message", "channel_type": "im", "channel": dm, "user": MAYA, "text": "hi"},
        "user change": {"type": "user_change", "user": {"id": MAYA, "name": "maya"}},
    }
    event_id = f"Ev{time.monotonic_ns()}"
    return slack._event_callback(events[name], event_id, time.time())


TEMPLATES = ["click home", "click modal", "submission", "closed", "suggestion"]
VIEW: list[tuple[str | int, ...]] = [("view", "state", "values"), ("view", "private_metadata")]
FOCUS = {
    "click": [("actions", 0), ("view", "state"), ("container",), ("trigger_id",), ("view", "type")],
    "submission": [*VIEW, ("view", "callback_id"), ("view", "id"), ("view", "blocks")],
    "closed": VIEW,
    "suggestion": [("value",), ("action_id",)],
}
EVENTS = ["home opened", "dm", "user change"]


@EXAMPLES
@given(
    payload=json_values | st.dictionaries(keys, json_values).map(dict), kind=st.sampled_from(KINDS)
)
async def test_any_json_as_an_interaction_payload(
    bot: LocalServer, slack: SlackDriver, caplog: pytest.LogCaptureFixture, payload: Any, kind: str
) -> None:
    if isinstance(payload, dict) and "type" not in payload:
        payload["type"] = kind
    await signed_round(slack, bot, caplog, interaction(payload))


@EXAMPLES
@given(payload=json_values, as_text=st.booleans())
async def test_any_json_as_an_event(
    bot: LocalServer,
    slack: SlackDriver,
    caplog: pytest.LogCaptureFixture,
    payload: Any,
    as_text: bool,
) -> None:
    body = json.dumps(payload).encode() if not as_text else utf8(str(payload))
    await signed_round(slack, bot, caplog, body, JSON_TYPE)


@EXAMPLES
@given(data=st.data(), name=st.sampled_from(TEMPLATES + EVENTS))
async def test_a_real_payload_with_fields_replaced_or_removed(
    bot: LocalServer,
    slack: SlackDriver,
    standin: SlackStandIn,
    caplog: pytest.LogCaptureFixture,
    data: st.DataObject,
    name: str,
) -> None:
    focus = FOCUS[name.split()[0]] if name in TEMPLATES else [("event",), ("event_id",)]
    payload = data.draw(mutated(await template(slack, standin, name), focus=focus), "payload")
    if name in EVENTS:
        await signed_round(slack, bot, caplog, utf8(json.dumps(payload)), JSON_TYPE)
    else:
        await signed_round(slack, bot, caplog, interaction(payload), view=payload.get("view"))


@EXAMPLES
@given(data=st.data())
async def test_a_command_with_fields_replaced_or_removed(
    bot: LocalServer, slack: SlackDriver, caplog: pytest.LogCaptureFixture, data: st.DataObject
) -> None:
    fields = data.draw(mutated(command(slack, "help"), strings_only=True), label="form")
    await signed_round(slack, bot, caplog, form(fields))


@EXAMPLES
@given(text=hostile_text)
async def test_any_text_after_mentor_is_answered(
    bot: LocalServer, slack: SlackDriver, caplog: pytest.LogCaptureFixture, text: str
) -> None:
    body = form(command(slack, text))
    result = await signed_round(slack, bot, caplog, body)
    if len(body) > 1_000_000:
        assert result.status == 413
        return
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        assert result.status == 400  # a lone surrogate: no client sends it, refused
        return
    assert result.status == 200, (result.status, result.text[:200])


# -- what the properties found ------------------------------------------------------------------


@pytest.mark.parametrize("text", ["help payload", "join", "What does the payload say?"])
async def test_a_command_whose_form_says_payload_is_answered(
    bot: LocalServer, slack: SlackDriver, text: str
) -> None:
    fields = command(slack, text)
    if "payload" not in text:
        fields["channel_name"] = "payloads-team"  # the channel the person typed it in
    result = await post_signed(slack, form(fields))
    assert result.status == 200, (result.status, result.text)


async def test_a_form_starting_with_a_brace_is_answered_as_the_form_it_is(
    bot: LocalServer, slack: SlackDriver
) -> None:
    body = b"{=1&" + form(command(slack, "help"))
    assert (await post_signed(slack, body, FORM)).status == 200
