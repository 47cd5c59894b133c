"""Every callback_id, action_id and block_id the bot uses, in one place."""

import re
from enum import StrEnum


class View(StrEnum):
    """callback_id of each modal."""

    PROFILE = "profile_modal"
    PAUSE = "pause_modal"
    LEAVE = "leave_modal"
    SETTINGS = "settings_modal"
    HELP = "help_modal"
    END_PAIRING = "end_pairing_modal"
    BOOK_SESSION = "book_session_modal"
    CHOOSE_PARTNER = "choose_partner_modal"
    CANCEL_SESSION = "cancel_session_modal"


class Action(StrEnum):
    HOME_HELP = "home_help"
    HOME_JOIN = "home_join"
    HOME_EDIT = "home_edit_profile"
    HOME_PAUSE = "home_pause"
    HOME_RESUME = "home_resume"
    HOME_LEAVE = "home_leave"
    HOME_SETTINGS = "home_admin_settings"
    HOME_MATCH = "home_admin_match"
    HOME_END_PAIRING = "home_end_pairing"
    BOOK_SESSION = "book_session"
    RESCHEDULE = "session_reschedule"
    CANCEL_SESSION = "session_cancel"
    GOOGLE_CALENDAR = "session_google_calendar"
    OUTLOOK_CALENDAR = "session_outlook_calendar"
    ROUND_APPROVE = "round_approve"
    ROUND_RECOMPUTE = "round_recompute"
    ROUND_DISCARD = "round_discard"
    ROUND_DROP_PAIR = "round_drop_pair"


class Block(StrEnum):
    HELP_INTRO = "help_intro"
    HELP_COMMANDS = "help_commands"
    HELP_HOW = "help_how"
    HELP_FOOTER = "help_footer"
    HOME_WELCOME = "home_welcome"
    HOME_HOW = "home_how"
    HOME_ACTIONS = "home_actions"
    HOME_PROFILE = "home_profile"
    HOME_PAIRING = "home_pairing"
    HOME_ADMIN = "home_admin"
    HOME_ADMIN_ACTIONS = "home_admin_actions"
    PROPOSAL_SUMMARY = "proposal_summary"
    PROPOSAL_ACTIONS = "proposal_actions"
    INTRO_ACTIONS = "intro_actions"
    HOME_SESSIONS = "home_sessions"
    SESSION_CARD = "session_card"
    SESSION_ACTIONS = "session_actions"
    BOOKING_ZONES = "booking_zones"
    BOOKING_PARTNER_TIME = "booking_partner_time"


class Field(StrEnum):
    """block_id and action_id of each input: the same name, so errors map straight back."""

    ROLE = "role"
    LEVEL = "level"
    DEPARTMENT = "department"
    SHARE_TOPICS = "share_topics"
    LEARN_TOPICS = "learn_topics"
    GOALS = "goals"
    DAYS = "days"
    TIMES = "times"
    CAPACITY = "capacity"
    BLOCKED = "blocked"
    RESUME_ON = "resume_on"
    TOPICS = "topics"
    LEVELS = "levels"
    DEPARTMENTS = "departments"
    ADMIN_CHANNEL = "admin_channel"
    ADMIN_USERS = "admin_users"
    PAIRING = "pairing"
    CADENCE = "cadence"
    AUTO_APPROVE = "auto_approve"
    CROSS_DEPARTMENT = "cross_department"
    TIMEZONE_GAP = "timezone_gap"
    WHEN = "when"
    LENGTH = "length"
    TOPIC = "topic"
    AGENDA = "agenda"
    WHERE = "where"
    REASON = "reason"


def numbered(action: Action, n: int) -> str:
    """An action id made unique for one of several alike elements in a view or message
    (Slack refuses duplicate action ids): `book_session_12`."""
    return f"{action}_{n}"


def any_numbered(action: Action) -> re.Pattern[str]:
    """What a listener for `action` matches: the plain id and every numbered one."""
    return re.compile(rf"^{re.escape(action)}(_\d+)?$")
