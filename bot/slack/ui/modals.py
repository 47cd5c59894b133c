"""The pause, leave and admin settings modals."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from bot.services.program import ProgramConfig, SettingsForm
from bot.slack.ids import Field, View
from bot.slack.ui.mrkdwn import plain, section

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
    raw = (values.get(Field.RESUME_ON, {}).get(Field.RESUME_ON) or {}).get("selected_date")
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
        ],
    }


def parse_settings(values: dict[str, dict[str, Any]]) -> SettingsForm:
    def text(field: Field) -> tuple[str, ...]:
        raw = str((values.get(field, {}).get(field) or {}).get("value") or "")
        return tuple(line.strip() for line in raw.splitlines() if line.strip())

    channel = (values.get(Field.ADMIN_CHANNEL, {}).get(Field.ADMIN_CHANNEL) or {}).get(
        "selected_conversation"
    )
    users = (values.get(Field.ADMIN_USERS, {}).get(Field.ADMIN_USERS) or {}).get(
        "selected_users"
    ) or []
    return SettingsForm(
        topics=text(Field.TOPICS),
        levels=text(Field.LEVELS),
        departments=text(Field.DEPARTMENTS),
        admin_channel_id=str(channel) if channel else None,
        admin_user_ids=tuple(str(u) for u in users),
    )
