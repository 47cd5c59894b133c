from __future__ import annotations

from typing import Any

from bot.sandbox import render_blocks, render_text, render_view

NAMES = {"U01MAYA": "Maya Chen", "U01DANIEL": "Daniel Okafor"}


def plain(t: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": t}


def mrkdwn(t: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": t}


def test_render_text_resolves_slack_tokens() -> None:
    text = (
        "<@U01MAYA> meets <@U01DANIEL> on "
        "<!date^1733153400^{date_short_pretty} at {time}|Dec 2 at 3:30 PM UTC> "
        "in <#C0ADMINS|flipside-admins>: <https://meet.example/x|join> &amp; <!here> <@U9>"
    )
    assert render_text(text, names=NAMES) == (
        "@Maya Chen meets @Daniel Okafor on Dec 2 at 3:30 PM UTC "
        "in #flipside-admins: join & @here @U9"
    )
    assert render_text("<https://example.com>") == "https://example.com"


def test_render_blocks() -> None:
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": plain("Your new match")},
        {
            "type": "section",
            "text": mrkdwn("*<@U01MAYA>*, meet <@U01DANIEL>"),
            "accessory": {"type": "button", "action_id": "a", "text": plain("Say hi")},
        },
        {"type": "section", "fields": [mrkdwn("*Mentor*\nMaya"), mrkdwn("*Mentee*\nDaniel")]},
        {"type": "divider"},
        {"type": "context", "elements": [mrkdwn("Round 3 · reply by Friday")]},
        {
            "type": "actions",
            "elements": [
                {"type": "button", "action_id": "y", "text": plain("Accept")},
                {"type": "button", "action_id": "n", "text": plain("Decline")},
            ],
        },
    ]
    out = render_blocks(blocks, width=60, names=NAMES)
    lines = out.splitlines()
    assert lines[0] == "Your new match" and set(lines[1]) == {"═"}
    assert "*@Maya Chen*, meet @Daniel Okafor   [ Say hi ]" in out
    assert any(line.startswith("*Mentor*") and "*Mentee*" in line for line in lines)
    assert "─" * 60 in out
    assert "  · Round 3 · reply by Friday" in out
    assert "[ Accept ]  [ Decline ]" in out


def test_render_view_with_inputs() -> None:
    options = [{"text": plain("Weekly"), "value": "w"}, {"text": plain("Monthly"), "value": "m"}]
    view = {
        "type": "modal",
        "title": plain("Join Flipside"),
        "submit": plain("Join"),
        "blocks": [
            {
                "type": "input",
                "label": plain("What do you want to learn?"),
                "element": {"type": "plain_text_input", "action_id": "goal"},
                "hint": plain("A sentence is enough"),
            },
            {
                "type": "input",
                "label": plain("How often"),
                "element": {"type": "static_select", "action_id": "f", "options": options},
            },
            {
                "type": "input",
                "optional": True,
                "label": plain("Topics"),
                "element": {
                    "type": "multi_static_select",
                    "action_id": "t",
                    "options": options,
                    "initial_options": [options[1]],
                },
            },
            {
                "type": "input",
                "label": plain("Mentor"),
                "element": {"type": "users_select", "action_id": "u", "initial_user": "U01MAYA"},
            },
        ],
    }
    out = render_view(view, names=NAMES)
    assert out.splitlines()[1] == "│ Join Flipside │"
    assert "What do you want to learn?: ______  (text)" in out
    assert "  · A sentence is enough" in out
    assert "How often: ______  (select: Weekly | Monthly)" in out
    assert "Topics (optional): Monthly  (multi-select: Weekly | Monthly)" in out
    assert "Mentor: @Maya Chen  (person)" in out
    assert out.endswith("[Join]  [Cancel]")
    home = render_view({"type": "home", "blocks": [{"type": "divider"}]}, width=10)
    assert "│ Home │" in home and not home.endswith("]")
