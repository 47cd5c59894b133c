"""Property: the real profile modal (opened with `/mentor join`) submitted with any
`view.state.values` (any JSON, shapes over its real inputs with odd elements, a valid form with
some answers replaced) is answered 200 by closing it, by inline errors on inputs that exist in
it, or by an update Slack takes; never a 500. A saved profile can be opened and shown again."""

from __future__ import annotations

import copy
import json
import weakref
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.platform.local import LocalServer
from bot.sandbox import SlackDriver, SlackStandIn
from bot.sandbox.blockstate import build_state
from tests.e2e.attack_strategies import (
    MAX_BODY,
    examples,
    hostile_text,
    input_ids,
    interaction,
    json_values,
    mutated,
    short_text,
    signed_round,
)
from tests.e2e.flows import AI, MAYA, answers, open_modal

EXAMPLES = settings(
    max_examples=examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
ELEMENT_TYPES = ["radio_buttons", "static_select", "plain_text_input", "multi_static_select"]
ELEMENT_TYPES += ["checkboxes", "multi_users_select", "users_select", "datepicker"]
_MODALS: weakref.WeakKeyDictionary[SlackStandIn, dict[str, Any]] = weakref.WeakKeyDictionary()


async def profile_modal(slack: SlackDriver, standin: SlackStandIn) -> dict[str, Any]:
    """Maya's profile modal as `/mentor join` first opened it (shared by a test's examples)."""
    if standin not in _MODALS:
        stored = await open_modal(slack, standin, MAYA)
        _MODALS[standin] = {"id": stored.id, "view": copy.deepcopy(stored.view)}
    return _MODALS[standin]


def option_values(view: dict[str, Any]) -> list[str]:
    found = [
        o["value"]
        for b in view["blocks"]
        if b.get("type") == "input"
        for o in b["element"].get("options", [])
    ]
    return sorted(set(found))


def shapes(view: dict[str, Any]) -> st.SearchStrategy[Any]:
    """`state.values` over the modal's inputs, each entry an element state of some shape."""
    ids = sorted(input_ids(view))
    value = st.sampled_from(option_values(view)) | hostile_text | json_values
    option = st.fixed_dictionaries({"value": value}, optional={"text": json_values})
    people = st.sampled_from(["U01PRIYA", MAYA, "U01OLIVER", "U0NOBODY", "", "U" + "9" * 40])
    element = st.fixed_dictionaries(
        {},
        optional={
            "type": st.sampled_from(ELEMENT_TYPES) | json_values,
            "value": hostile_text | json_values,
            "selected_option": option | json_values,
            "selected_options": st.lists(option | json_values, max_size=6) | json_values,
            "selected_users": st.lists(people | short_text, max_size=25) | json_values,
            "selected_date": st.sampled_from(["2026-12-01", "2026-02-30", ""]) | json_values,
        },
    )
    name = st.sampled_from(ids) | st.text(max_size=8)
    entry = st.dictionaries(name, element | json_values, max_size=3) | json_values
    return st.dictionaries(name, entry, max_size=len(ids) + 2)


def valid_state(view: dict[str, Any]) -> dict[str, Any]:
    """What a person filling the form in properly would send (the stand-in's own builder)."""
    filled = answers(view, role="both", share=[AI], learn=[AI], goals="Learn", days=["tue"])
    return build_state(view["blocks"], filled)


def storable(payload: object) -> bool:
    """No lone surrogate anywhere once it has travelled as JSON (Slack's clients send none; the
    door refuses them). A high and a low surrogate side by side are one character by then: as
    "\\ud800\\udfff" escapes they decode to U+103FF (hypothesis drew that pair)."""
    try:
        json.dumps(json.loads(json.dumps(payload)), ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


async def submit(
    slack: SlackDriver, bot: LocalServer, caplog: pytest.LogCaptureFixture, state: object
) -> Any:
    """Submit Maya's profile modal with this `state`; assert Slack would take the answer."""
    modal = await profile_modal(slack, slack.standin)
    view = {**copy.deepcopy(modal["view"]), "state": state}
    payload = slack._common("view_submission", MAYA)
    payload.update(trigger_id=slack.standin.issue_trigger_id(MAYA), view=view, response_urls=[])
    body = interaction(payload)
    result = await signed_round(slack, bot, caplog, body, view=modal["view"])
    if len(body) > MAX_BODY:
        assert result.status == 413
        return result
    if not storable(payload):
        assert result.status == 400  # a lone surrogate: refused at the door, as designed
        return result
    assert result.status == 200, (result.status, result.text[:300])
    ack = result.body if isinstance(result.body, dict) else {}
    action = ack.get("response_action")
    assert action in (None, "errors", "update"), ack
    if action is None:  # closed: saved; the DM and the Home it caused must reach Slack too
        await bot.runtime.dispatcher.tick()
        await reopen(slack)
    return result


async def reopen(slack: SlackDriver) -> None:
    """`/mentor profile` still opens, prefilled with what was saved (Slack takes the view)."""
    standin = slack.standin
    opened = len(standin.calls_to("views.open"))
    assert (await slack.command(MAYA, "profile")).status == 200
    await standin.wait_for(lambda: len(standin.calls_to("views.open")) > opened, within=5)
    answer = standin.calls_to("views.open")[-1].response
    assert answer.get("ok"), answer


@EXAMPLES
@given(values=json_values)
async def test_any_json_as_the_values(
    bot: LocalServer, slack: SlackDriver, caplog: pytest.LogCaptureFixture, values: Any
) -> None:
    await submit(slack, bot, caplog, {"values": values})


@EXAMPLES
@given(data=st.data())
async def test_odd_shapes_over_the_real_inputs(
    bot: LocalServer,
    slack: SlackDriver,
    standin: SlackStandIn,
    caplog: pytest.LogCaptureFixture,
    data: st.DataObject,
) -> None:
    view = (await profile_modal(slack, standin))["view"]
    values = data.draw(shapes(view), label="values")
    await submit(slack, bot, caplog, {"values": values})


@EXAMPLES
@given(data=st.data())
async def test_a_valid_form_with_some_answers_replaced(
    bot: LocalServer,
    slack: SlackDriver,
    standin: SlackStandIn,
    caplog: pytest.LogCaptureFixture,
    data: st.DataObject,
) -> None:
    view = (await profile_modal(slack, standin))["view"]
    state = data.draw(mutated(valid_state(view), focus=[("values",)]), label="state")
    await submit(slack, bot, caplog, state)


# -- what the properties found ------------------------------------------------------------------


@pytest.mark.parametrize("odd", ["x", "U01PRIYA ", "U01\x00"])
async def test_a_blocked_entry_that_is_no_user_id_is_an_inline_error(
    bot: LocalServer,
    slack: SlackDriver,
    standin: SlackStandIn,
    caplog: pytest.LogCaptureFixture,
    odd: str,
) -> None:
    """Saved, such an entry made `/mentor profile` fail: Slack refuses it in `initial_users`."""
    view = (await profile_modal(slack, standin))["view"]
    state = valid_state(view)
    blocked = next(e for e in state["values"]["blocked"].values())
    blocked["selected_users"] = ["U01PRIYA", odd]
    result = await submit(slack, bot, caplog, state)
    assert set(result.body["errors"]) == {"blocked"}, result.body
    await reopen(slack)
