"""The opt-in modal (also the edit modal), and the parser from its state to a ProfileForm."""

from __future__ import annotations

from typing import Any

from bot.domain.profile import DAY_LABELS, DAYS, GOALS_MAX, TIME_LABELS, TIMES, ProfileForm
from bot.domain.program import MAX_CAPACITY, MIN_CAPACITY, Role
from bot.messages.profile import ROLE_LABELS
from bot.services.program import ProgramConfig
from bot.slack.ids import Field, View
from bot.slack.ui import state
from bot.slack.ui.mrkdwn import plain

Json = dict[str, Any]


def _option(label: str, value: str) -> Json:
    return {"text": plain(label[:75]), "value": value}


def _input(
    field: Field, label: str, element: Json, *, optional: bool = False, hint: str | None = None
) -> Json:
    block: Json = {
        "type": "input",
        "block_id": field,
        "label": plain(label),
        "element": {**element, "action_id": field},
        "optional": optional,
    }
    if hint:
        block["hint"] = plain(hint)
    return block


def _select(options: list[Json], current: str | None, placeholder: str) -> Json:
    element: Json = {"type": "static_select", "placeholder": plain(placeholder), "options": options}
    chosen = [o for o in options if o["value"] == current]
    if chosen:
        element["initial_option"] = chosen[0]
    return element


def _multi(kind: str, options: list[Json], current: set[str], placeholder: str | None) -> Json:
    element: Json = {"type": kind, "options": options}
    if placeholder:
        element["placeholder"] = plain(placeholder)
    chosen = [o for o in options if o["value"] in current]
    if chosen:
        element["initial_options"] = chosen
    return element


def profile_modal(program: ProgramConfig, current: ProfileForm | None, meta: str) -> Json:
    """Empty for someone new, prefilled with what they told us before otherwise."""
    topics = [_option(name, str(tid)) for tid, name in program.topics]
    levels = [_option(label, str(i)) for i, label in enumerate(program.levels)]
    form = current
    role = form.role if form else None
    if program.departments:
        department = _select(
            [_option(d, d) for d in program.departments],
            form.department if form else None,
            "Choose your department",
        )
    else:
        department = {
            "type": "plain_text_input",
            "max_length": 100,
            "placeholder": plain("e.g. Finance"),
        }
        if form and form.department:
            department["initial_value"] = form.department
    goals: Json = {
        "type": "plain_text_input",
        "multiline": True,
        "max_length": GOALS_MAX,
        "placeholder": plain("What would make this worth your time?"),
    }
    if form and form.goals:
        goals["initial_value"] = form.goals
    blocked: Json = {"type": "multi_users_select", "placeholder": plain("Nobody")}
    if form and form.blocked:
        blocked["initial_users"] = list(form.blocked)
    blocks: list[Json] = [
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": "In Flipside, early-career colleagues teach leaders what they know "
                "best, and leaders share career insight back. Tell us a little about you: "
                "your name, title and time zone come from Slack.",
            },
        },
        _input(Field.ROLE, "I want to…", _multi_radio(role)),
        _input(
            Field.LEVEL,
            "My seniority level",
            _select(levels, str(form.level) if form else None, "Choose a level"),
        ),
        _input(Field.DEPARTMENT, "My department", department),
        _input(
            Field.SHARE_TOPICS,
            "Topics I can share",
            _multi(
                "multi_static_select",
                topics,
                {str(t) for t in (form.share_topics if form else ())},
                "Choose topics",
            ),
            optional=True,
            hint="Needed if you want to share. You know more than you think!",
        ),
        _input(
            Field.LEARN_TOPICS,
            "Topics I want to learn",
            _multi(
                "multi_static_select",
                topics,
                {str(t) for t in (form.learn_topics if form else ())},
                "Choose topics",
            ),
            optional=True,
            hint="Needed if you want to learn.",
        ),
        _input(Field.GOALS, "My goals", goals, optional=True),
        _input(
            Field.DAYS,
            "Days that suit me",
            _multi(
                "checkboxes",
                [_option(DAY_LABELS[d], d) for d in DAYS],
                set(form.days if form else ()),
                None,
            ),
            optional=True,
        ),
        _input(
            Field.TIMES,
            "Times that suit me",
            _multi(
                "checkboxes",
                [_option(TIME_LABELS[t], t) for t in TIMES],
                set(form.times if form else ()),
                None,
            ),
            optional=True,
        ),
        _input(
            Field.CAPACITY,
            "How many partners I can take",
            _select(
                [_option(str(n), str(n)) for n in range(MIN_CAPACITY, MAX_CAPACITY + 1)],
                str(form.capacity if form else 1),
                "Choose",
            ),
        ),
        _input(
            Field.BLOCKED,
            "People I must not be paired with",
            blocked,
            optional=True,
            hint="Confidential: only you will ever see this list. Your own manager, for example.",
        ),
    ]
    return {
        "type": "modal",
        "callback_id": View.PROFILE,
        "title": plain("Edit your profile" if current else "Join Flipside"),
        "submit": plain("Save" if current else "Join"),
        "close": plain("Cancel"),
        "private_metadata": meta,
        "blocks": blocks,
    }


def _multi_radio(role: str | None) -> Json:
    options = [_option(ROLE_LABELS[r], r.value) for r in (Role.SHARE, Role.LEARN, Role.BOTH)]
    element: Json = {"type": "radio_buttons", "options": options}
    chosen = [o for o in options if o["value"] == role]
    if chosen:
        element["initial_option"] = chosen[0]
    return element


def parse_profile(values: dict[str, dict[str, Any]]) -> ProfileForm:
    """Slack's `view.state.values` to a ProfileForm; unknown shapes become empty answers that
    validation then explains, never an exception."""

    def element(field: Field) -> dict[str, Any]:
        return state.element(values, field)

    def selected(field: Field) -> str | None:
        return state.selected(values, field)

    def many(field: Field) -> tuple[str, ...]:
        return state.many(values, field)

    def ints(items: tuple[str, ...]) -> tuple[int, ...]:
        return tuple(int(i) for i in items if i.isdigit())

    department = element(Field.DEPARTMENT)
    level, capacity = selected(Field.LEVEL), selected(Field.CAPACITY)
    return ProfileForm(
        role=selected(Field.ROLE),
        level=int(level) if level and level.isdigit() else None,
        department=str(
            department.get("value") or (department.get("selected_option") or {}).get("value") or ""
        ),
        share_topics=ints(many(Field.SHARE_TOPICS)),
        learn_topics=ints(many(Field.LEARN_TOPICS)),
        goals=str(element(Field.GOALS).get("value") or ""),
        days=many(Field.DAYS),
        times=many(Field.TIMES),
        capacity=int(capacity) if capacity and capacity.isdigit() else None,
        blocked=tuple(str(u) for u in element(Field.BLOCKED).get("selected_users") or []),
    )
