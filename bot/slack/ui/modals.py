"""The pause, leave and admin settings modals."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from bot.domain.cadence import ROUND_HOUR_UTC
from bot.domain.cadence import options as cadence_options
from bot.services.program import MAX_TIMEZONE_GAP, ProgramConfig, SettingsForm
from bot.slack.ids import Field, View
from bot.slack.ui.mrkdwn import plain, section
from bot.slack.ui.state import element, many, selected

Json = dict[str, Any]


def pause_modal(today: date, meta: str) -> Json:
    return {
        "type": "modal",
        "callback_id": View.PAUSE,
        "title": plain("Take a break"),
        "submit": plain("Pause"),
        "close": plain("Cancel"),
        "private_metadata": meta,
        "blocks": [
            section(
                "Busy season? Pause and you won't be matched or nudged until the date you pick. "
                "Your profile stays as it is, and I'll welcome you back that day."
            ),
            {
                "type": "input",
                "block_id": Field.RESUME_ON,
                "label": plain("Pause until"),
                "element": {
                    "type": "datepicker",
                    "action_id": Field.RESUME_ON,
                    "initial_date": (today + timedelta(weeks=2)).isoformat(),
                    "placeholder": plain("Pick a date"),
                },
            },
        ],
    }


def parse_resume_on(values: dict[str, dict[str, Any]]) -> date | None:
    raw = element(values, Field.RESUME_ON).get("selected_date")
    try:
        return date.fromisoformat(str(raw)) if raw else None
    except ValueError:
        return None


def leave_modal(meta: str) -> Json:
    return {
        "type": "modal",
        "callback_id": View.LEAVE,
        "title": plain("Leave Flipside"),
        "submit": plain("Leave and erase"),
        "close": plain("Keep me in"),
        "private_metadata": meta,
        "blocks": [
            section(
                "*Leave the program?*\nI'll erase your profile, topics, goals and your "
                "confidential list of people not to pair you with. This can't be undone, but "
                "you can always join again later."
            ),
            section(
                "If you only need a break, `/mentor pause` keeps everything and brings you "
                "back on the date you choose."
            ),
        ],
    }


def _lines(items: tuple[str, ...]) -> str:
    return "\n".join(items)


def _text_input(field: Field, label: str, value: str, hint: str, *, optional: bool) -> Json:
    element: Json = {
        "type": "plain_text_input",
        "action_id": field,
        "multiline": True,
        "max_length": 3000,
    }
    if value:
        element["initial_value"] = value
    return {
        "type": "input",
        "block_id": field,
        "label": plain(label),
        "element": element,
        "hint": plain(hint),
        "optional": optional,
    }


def settings_modal(program: ProgramConfig, meta: str) -> Json:
    channel: Json = {
        "type": "conversations_select",
        "action_id": Field.ADMIN_CHANNEL,
        "placeholder": plain("Choose a channel"),
        "filter": {"include": ["public", "private"], "exclude_bot_users": True},
    }
    if program.admin_channel_id:
        channel["initial_conversation"] = program.admin_channel_id
    users: Json = {
        "type": "multi_users_select",
        "action_id": Field.ADMIN_USERS,
        "placeholder": plain("Choose people"),
    }
    if program.admin_user_ids:
        users["initial_users"] = list(program.admin_user_ids)
    return {
        "type": "modal",
        "callback_id": View.SETTINGS,
        "title": plain("Program settings"),
        "submit": plain("Save"),
        "close": plain("Cancel"),
        "private_metadata": meta,
        "blocks": [
            _text_input(
                Field.TOPICS,
                "Topics",
                _lines(tuple(n for _, n in program.topics)),
                "One per line. Removing a topic retires it; people's earlier choices "
                "keep their meaning.",
                optional=False,
            ),
            _text_input(
                Field.LEVELS,
                "Seniority levels",
                _lines(program.levels),
                "One per line, most junior first. Rename freely; a reverse mentor must "
                "be at least one level below their leader.",
                optional=False,
            ),
            _text_input(
                Field.DEPARTMENTS,
                "Departments",
                _lines(program.departments),
                "One per line. Leave empty to let people type their own.",
                optional=True,
            ),
            {
                "type": "input",
                "block_id": Field.ADMIN_CHANNEL,
                "optional": True,
                "label": plain("Admin channel"),
                "element": channel,
                "hint": plain("Where summaries and alerts go. Invite Flipside to a private one."),
            },
            {
                "type": "input",
                "block_id": Field.ADMIN_USERS,
                "optional": True,
                "label": plain("Program admins"),
                "element": users,
                "hint": plain("Besides workspace admins and owners, who always are."),
            },
            *_matching_inputs(program),
        ],
    }


def _select(
    field: Field, label: str, options: list[tuple[str, str]], chosen: str, hint: str
) -> Json:
    opts = [{"text": plain(text[:75]), "value": value} for value, text in options]
    initial = next((o for o in opts if o["value"] == chosen), opts[0])
    return {
        "type": "input",
        "block_id": field,
        "label": plain(label),
        "element": {
            "type": "static_select",
            "action_id": field,
            "options": opts,
            "initial_option": initial,
        },
        "hint": plain(hint),
    }


CROSS_LABELS = {
    "required": "Required: never pair people from the same department",
    "preferred": "Preferred: favour pairs across departments",
    "ignored": "Ignored",
}


def _matching_inputs(program: ProgramConfig) -> list[Json]:
    auto: Json = {
        "type": "checkboxes",
        "action_id": Field.AUTO_APPROVE,
        "options": [
            {"text": plain("Introduce automatic rounds' pairs without my approval"), "value": "yes"}
        ],
    }
    if program.auto_approve:
        auto["initial_options"] = auto["options"]
    return [
        _select(
            Field.CADENCE,
            "Automatic matching rounds",
            cadence_options(),
            program.round_cadence,
            f"Rounds start at {ROUND_HOUR_UTC:02d}:00 UTC on that day. Admins can always run one.",
        ),
        {
            "type": "input",
            "block_id": Field.AUTO_APPROVE,
            "optional": True,
            "label": plain("Approval"),
            "element": auto,
            "hint": plain("Unticked, each automatic proposal waits for an admin's Approve."),
        },
        _select(
            Field.CROSS_DEPARTMENT,
            "Cross-department pairs",
            list(CROSS_LABELS.items()),
            program.cross_department,
            "Pairs across departments widen both people's view of the company.",
        ),
        {
            "type": "input",
            "block_id": Field.TIMEZONE_GAP,
            "label": plain("Largest time zone gap (hours)"),
            "element": {
                "type": "number_input",
                "action_id": Field.TIMEZONE_GAP,
                "is_decimal_allowed": False,
                "min_value": "0",
                "max_value": str(MAX_TIMEZONE_GAP),
                "initial_value": str(program.max_timezone_gap_hours),
            },
            "hint": plain("Pairs further apart than this are never proposed."),
        },
    ]


def parse_settings(values: dict[str, dict[str, Any]]) -> SettingsForm:
    def text(field: Field) -> tuple[str, ...]:
        raw = str(element(values, field).get("value") or "")
        return tuple(line.strip() for line in raw.splitlines() if line.strip())

    channel = element(values, Field.ADMIN_CHANNEL).get("selected_conversation")
    users = element(values, Field.ADMIN_USERS).get("selected_users") or []
    gap_raw = str(element(values, Field.TIMEZONE_GAP).get("value") or "")
    return SettingsForm(
        cross_department=selected(values, Field.CROSS_DEPARTMENT) or "preferred",
        max_timezone_gap_hours=int(gap_raw) if gap_raw.isdigit() else -1,
        round_cadence=selected(values, Field.CADENCE) or "off",
        auto_approve=bool(many(values, Field.AUTO_APPROVE)),
        topics=text(Field.TOPICS),
        levels=text(Field.LEVELS),
        departments=text(Field.DEPARTMENTS),
        admin_channel_id=str(channel) if channel else None,
        admin_user_ids=tuple(str(u) for u in users),
    )
