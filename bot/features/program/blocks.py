"""The program settings modal, and its parser into a SettingsForm."""

from __future__ import annotations

from bot.domain.cadence import ROUND_HOUR_UTC
from bot.domain.cadence import options as cadence_options
from bot.domain.settings import MAX_TIMEZONE_GAP, ProgramConfig, SettingsForm
from bot.kit.blocks import Json, actions, button, divider, option, plain, section
from bot.kit.ids import Action, Block, Field, View
from bot.kit.state import Values, many, selected, text, whole_number
from bot.kit.state import users as chosen_users


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


def _extras(program: ProgramConfig) -> list[Json]:
    """Beyond the form: edit one topic's kit (a modal per topic), announce the program."""
    elements: list[Json] = []
    if program.topics:
        elements.append(
            {
                "type": "static_select",
                "action_id": Action.EDIT_KIT,
                "placeholder": plain("Edit a topic's kit"),
                "options": [option(name, str(tid)) for tid, name in program.topics[:100]],
            }
        )
    elements.append(button("Announce the program", Action.ANNOUNCE))
    return [
        section(
            "*Topic kits and kickoff*: each topic's kit (why it matters, conversation "
            "starters, an exercise) goes into the pairs' briefings; the announcement invites "
            "everyone to join."
        ),
        actions(Block.SETTINGS_EXTRAS, elements),
        divider(),
    ]


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
            *_extras(program),
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


def parse_settings(values: Values) -> SettingsForm:
    def lines(field: Field) -> tuple[str, ...]:
        return tuple(line.strip() for line in text(values, field).splitlines() if line.strip())

    channel = values.get(Field.ADMIN_CHANNEL, {}).get(Field.ADMIN_CHANNEL) or {}
    chosen = channel.get("selected_conversation") if isinstance(channel, dict) else None
    gap = whole_number(text(values, Field.TIMEZONE_GAP))
    return SettingsForm(
        cross_department=selected(values, Field.CROSS_DEPARTMENT) or "preferred",
        max_timezone_gap_hours=-1 if gap is None else gap,
        round_cadence=selected(values, Field.CADENCE) or "off",
        auto_approve=bool(many(values, Field.AUTO_APPROVE)),
        topics=lines(Field.TOPICS),
        levels=lines(Field.LEVELS),
        departments=lines(Field.DEPARTMENTS),
        admin_channel_id=chosen if isinstance(chosen, str) and chosen else None,
        admin_user_ids=chosen_users(values, Field.ADMIN_USERS),
    )
