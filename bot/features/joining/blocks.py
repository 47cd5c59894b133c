"""The modals of joining: opt in (also the edit modal), pause, leave; and their parsers."""

from __future__ import annotations

from datetime import date, timedelta

from bot.domain.profile import DAY_LABELS, DAYS, GOALS_MAX, TIME_LABELS, TIMES, ProfileForm
from bot.domain.program import MAX_CAPACITY, MIN_CAPACITY, Role
from bot.domain.settings import ProgramConfig
from bot.features.joining.messages import ROLE_LABELS
from bot.kit import state
from bot.kit.blocks import Json, plain, section
from bot.kit.blocks import option as _option
from bot.kit.ids import Field, View


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


def parse_profile(values: state.Values) -> ProfileForm:
    """Slack's `view.state.values` to a ProfileForm; unknown shapes become empty answers that
    validation then explains, never an exception."""

    def ints(items: tuple[str, ...]) -> tuple[int, ...]:
        found = (state.whole_number(i) for i in items)
        return tuple(i for i in found if i is not None)

    department = state.text(values, Field.DEPARTMENT) or state.selected(values, Field.DEPARTMENT)
    return ProfileForm(
        role=state.selected(values, Field.ROLE),
        level=state.whole_number(state.selected(values, Field.LEVEL)),
        department=department or "",
        share_topics=ints(state.many(values, Field.SHARE_TOPICS)),
        learn_topics=ints(state.many(values, Field.LEARN_TOPICS)),
        goals=state.text(values, Field.GOALS),
        days=state.many(values, Field.DAYS),
        times=state.many(values, Field.TIMES),
        capacity=state.whole_number(state.selected(values, Field.CAPACITY)),
        blocked=state.users(values, Field.BLOCKED),
    )


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


def parse_resume_on(values: state.Values) -> date | None:
    raw = state.element(values, Field.RESUME_ON).get("selected_date")
    try:
        return date.fromisoformat(raw) if isinstance(raw, str) and raw else None
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
