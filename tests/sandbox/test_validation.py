from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.sandbox import BlockKitValidator, find_schema_dir
from bot.sandbox.validation import SCHEMA_FILE

from .conftest import SKIP_NO_SCHEMAS


def text(t: str, kind: str = "plain_text") -> dict[str, Any]:
    return {"type": kind, "text": t}


def section(t: str, **extra: Any) -> dict[str, Any]:
    return {"type": "section", "text": text(t, "mrkdwn"), **extra}


def button(action_id: str, label: str = "Go") -> dict[str, Any]:
    return {"type": "button", "action_id": action_id, "text": text(label), "value": "v"}


def text_input(action_id: str = "goal") -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": f"{action_id}_block",
        "label": text("Goal"),
        "element": {"type": "plain_text_input", "action_id": action_id},
    }


def modal(**extra: Any) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": "join",
        "title": text("Join the program"),
        "submit": text("Join"),
        "close": text("Cancel"),
        "blocks": [section("Hello"), text_input()],
        **extra,
    }


@pytest.fixture(params=["schema", "fallback"])
def validator(request: pytest.FixtureRequest) -> BlockKitValidator:
    if request.param == "fallback":
        return BlockKitValidator(schema_dir=None)
    if find_schema_dir() is None:
        pytest.skip(SKIP_NO_SCHEMAS)
    return BlockKitValidator()


def test_explicit_none_means_no_schema() -> None:
    assert BlockKitValidator(schema_dir=None).uses_schema is False


def test_schema_dir_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SLACK_SCHEMAS_DIR", str(tmp_path))
    assert find_schema_dir() == tmp_path


def test_schema_dir_beside_the_working_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("SLACK_SCHEMAS_DIR", raising=False)
    shared = tmp_path / "shared" / "slack-schemas"
    shared.mkdir(parents=True)
    (shared / SCHEMA_FILE).write_text("{}")
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    monkeypatch.chdir(checkout)
    assert find_schema_dir() == shared


def test_missing_schema_file_is_loud(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        BlockKitValidator(schema_dir=tmp_path)


def test_valid_payloads_pass(validator: BlockKitValidator) -> None:
    blocks = [
        {"type": "header", "text": text("Your match")},
        section("*Maya* and *Daniel*", accessory=button("accept")),
        {"type": "divider"},
        {"type": "context", "elements": [text("Round 3", "mrkdwn")]},
        {"type": "actions", "elements": [button("yes", "Yes"), button("no", "No")]},
    ]
    assert validator.check_blocks(blocks) == []
    assert validator.check_view(modal()) == []
    assert validator.check_view({"type": "home", "blocks": blocks}) == []


@pytest.mark.parametrize(
    ("blocks", "fragment"),
    [
        ([{"type": "carousel_of_doom", "text": "x"}], "carousel_of_doom"),
        ([{"type": "divider"}] * 51, "at most 50"),
        ([section("x" * 3001)], "3000"),
        (
            [{"type": "actions", "elements": [button("same"), button("same", "Again")]}],
            "duplicate action_id",
        ),
        ([section("a", block_id="b1"), section("b", block_id="b1")], "duplicate block_id"),
    ],
)
def test_invalid_blocks_are_rejected(
    validator: BlockKitValidator, blocks: list[dict[str, Any]], fragment: str
) -> None:
    problems = validator.check_blocks(blocks)
    assert problems and any(fragment in p for p in problems), problems


@pytest.mark.parametrize(
    ("view", "fragment"),
    [
        (modal(title=text("A title far longer than Slack allows")), "view.title.text"),
        (modal(submit=text("Submit this form right now please")), "view.submit.text"),
        (modal(private_metadata="x" * 3001), "private_metadata"),
        ({k: v for k, v in modal().items() if k != "submit"}, "submit"),
        ({k: v for k, v in modal().items() if k != "title"}, "title"),
        (modal(blocks=[section(str(i)) for i in range(101)]), "100"),
        (modal(blocks=[text_input("a"), text_input("a")]), "duplicate"),
        ({"type": "workflow_step", "blocks": []}, "view.type"),
    ],
)
def test_invalid_views_are_rejected(
    validator: BlockKitValidator, view: dict[str, Any], fragment: str
) -> None:
    problems = validator.check_view(view)
    assert problems and any(fragment in p for p in problems), problems


def test_schema_errors_point_at_the_culprit(schema_validator: BlockKitValidator) -> None:
    bad_button = {"type": "button", "action_id": "a", "text": text("x", "mrkdwn")}
    problems = schema_validator.check_blocks([section("hi", accessory=bad_button)])
    assert problems == ["blocks[0].accessory.text.type: 'plain_text' was expected"]
    in_input = {"type": "input", "label": text("L"), "element": button("b")}
    problems = schema_validator.check_view(modal(blocks=[in_input]))
    assert problems == ["view.blocks[0].element: type 'button' is unknown or not allowed here"]
    assert schema_validator.uses_schema
