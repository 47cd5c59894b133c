"""The small Slack workspace the stand-in serves: people, time zones, admin flags, channels."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

# Slack shows long names ("Central European Summer Time"); zoneinfo only knows abbreviations.
_TZ_LABELS: dict[str, tuple[str, str]] = {
    "America/New_York": ("Eastern Standard Time", "Eastern Daylight Time"),
    "America/Los_Angeles": ("Pacific Standard Time", "Pacific Daylight Time"),
    "America/Chicago": ("Central Standard Time", "Central Daylight Time"),
    "America/Sao_Paulo": ("Brasilia Standard Time", "Brasilia Summer Time"),
    "Europe/London": ("Greenwich Mean Time", "British Summer Time"),
    "Europe/Berlin": ("Central European Time", "Central European Summer Time"),
    "Asia/Kolkata": ("India Standard Time", "India Standard Time"),
    "Asia/Singapore": ("Singapore Standard Time", "Singapore Standard Time"),
    "Asia/Tokyo": ("Japan Standard Time", "Japan Standard Time"),
    "Australia/Sydney": ("Australian Eastern Standard Time", "Australian Eastern Daylight Time"),
    "UTC": ("Coordinated Universal Time", "Coordinated Universal Time"),
}


def tz_details(tz: str, at: datetime | None = None) -> tuple[str, int]:
    """Slack's `tz_label` and `tz_offset` (seconds east of UTC) for an IANA zone at a moment."""
    moment = (at or datetime.now(UTC)).astimezone(ZoneInfo(tz))
    offset = moment.utcoffset()
    dst = moment.dst()
    seconds = int(offset.total_seconds()) if offset is not None else 0
    labels = _TZ_LABELS.get(tz)
    if labels is None:
        return moment.tzname() or tz, seconds
    return labels[1 if dst else 0], seconds


@dataclass
class SandboxUser:
    """One person (or bot) in the workspace."""

    id: str
    name: str
    real_name: str
    title: str = ""
    tz: str = "UTC"
    tz_label: str = ""
    tz_offset: int | None = None
    is_admin: bool = False
    is_owner: bool = False
    deleted: bool = False
    is_bot: bool = False
    email: str = ""

    def __post_init__(self) -> None:
        label, offset = tz_details(self.tz)
        if not self.tz_label:
            self.tz_label = label
        if self.tz_offset is None:
            self.tz_offset = offset

    def to_api(self, team_id: str = "T0FLIPSIDE", domain: str = "acme") -> dict[str, Any]:
        """The `user` object of `users.info`, shaped like Slack's."""
        first, _, last = self.real_name.partition(" ")
        avatar = hashlib.sha1(self.id.encode()).hexdigest()[:12]
        profile: dict[str, Any] = {
            "title": self.title,
            "phone": "",
            "skype": "",
            "real_name": self.real_name,
            "real_name_normalized": self.real_name,
            "display_name": self.name,
            "display_name_normalized": self.name,
            "fields": None,
            "status_text": "",
            "status_emoji": "",
            "status_expiration": 0,
            "avatar_hash": avatar,
            "first_name": first,
            "last_name": last,
            "image_24": f"https://avatars.example/{avatar}_24.png",
            "image_72": f"https://avatars.example/{avatar}_72.png",
            "team": team_id,
        }
        if not self.is_bot:
            profile["email"] = self.email or f"{self.name}@{domain}.example"
        return {
            "id": self.id,
            "team_id": team_id,
            "name": self.name,
            "deleted": self.deleted,
            "color": avatar[:6],
            "real_name": self.real_name,
            "tz": self.tz,
            "tz_label": self.tz_label,
            "tz_offset": self.tz_offset,
            "profile": profile,
            "is_admin": self.is_admin,
            "is_owner": self.is_owner,
            "is_primary_owner": False,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": self.is_bot,
            "is_app_user": False,
            "updated": 1732400000,
            "has_2fa": False,
        }


@dataclass
class SandboxChannel:
    """A public channel of the workspace (DMs and group DMs live in the stand-in)."""

    id: str
    name: str
    members: list[str] = field(default_factory=list)
    is_private: bool = False


def _default_channels() -> dict[str, SandboxChannel]:
    return {"C0ADMINS": SandboxChannel("C0ADMINS", "flipside-admins")}


@dataclass
class Workspace:
    """A Slack team: ids of the team and of the bot, its people and its channels."""

    team_id: str = "T0FLIPSIDE"
    team_name: str = "Acme Corp"
    domain: str = "acme"
    bot_user_id: str = "U0FLIPBOT"
    bot_id: str = "B0FLIPBOT"
    app_id: str = "A0FLIPSIDE"
    bot_name: str = "flipside"
    users: dict[str, SandboxUser] = field(default_factory=dict)
    channels: dict[str, SandboxChannel] = field(default_factory=_default_channels)

    def __post_init__(self) -> None:
        # Slack lists the app's bot user among the members, as users.list does.
        if self.bot_user_id not in self.users:
            bot = SandboxUser(self.bot_user_id, self.bot_name, "Flipside", is_bot=True)
            self.add(bot)

    def user(self, user_id: str) -> SandboxUser:
        """The user with this id; KeyError if there is none."""
        try:
            return self.users[user_id]
        except KeyError:
            raise KeyError(f"no user {user_id!r} in the sandbox workspace") from None

    def add(self, user: SandboxUser) -> SandboxUser:
        self.users[user.id] = user
        return user

    def by_name(self, name: str) -> SandboxUser:
        """The user with this handle (or real name); KeyError if there is none."""
        for user in self.users.values():
            if name in (user.name, user.real_name):
                return user
        raise KeyError(f"no user named {name!r} in the sandbox workspace")

    def people(self) -> list[SandboxUser]:
        """Active humans (no bots, no deactivated accounts)."""
        return [u for u in self.users.values() if not u.is_bot and not u.deleted]

    def names(self) -> dict[str, str]:
        """user id -> real name, for rendering mentions."""
        return {u.id: u.real_name for u in self.users.values()}

    def add_channel(self, channel: SandboxChannel) -> SandboxChannel:
        self.channels[channel.id] = channel
        return channel


def demo_workspace() -> Workspace:
    """A dozen people across seven time zones, one of them the workspace admin running L&D."""
    ws = Workspace()
    people = [
        ("U01PRIYA", "priya", "Priya Raman", "Head of Learning & Development", "Europe/London"),
        ("U01MAYA", "maya", "Maya Chen", "Junior Data Analyst", "America/New_York"),
        ("U01DANIEL", "daniel", "Daniel Okafor", "Chief Operating Officer", "America/New_York"),
        ("U01GRACE", "grace", "Grace Kim", "Chief Technology Officer", "America/Los_Angeles"),
        ("U01JAMAL", "jamal", "Jamal Carter", "Customer Support Specialist", "America/Los_Angeles"),
        ("U01LUCAS", "lucas", "Lucas Ferreira", "Software Engineer", "America/Sao_Paulo"),
        ("U01HELEN", "helen", "Helen Whitfield", "VP of Sales", "Europe/London"),
        ("U01KLAUS", "klaus", "Klaus Becker", "Director of Engineering", "Europe/Berlin"),
        ("U01LENA", "lena", "Lena Vogel", "Associate Product Designer", "Europe/Berlin"),
        ("U01ARJUN", "arjun", "Arjun Mehta", "Senior Engineering Manager", "Asia/Kolkata"),
        ("U01ANANYA", "ananya", "Ananya Iyer", "Marketing Coordinator", "Asia/Kolkata"),
        ("U01WEILING", "weiling", "Tan Wei Ling", "Regional Finance Director", "Asia/Singapore"),
    ]
    for uid, handle, real_name, title, tz in people:
        ws.add(SandboxUser(uid, handle, real_name, title, tz, is_admin=uid == "U01PRIYA"))
    # A deactivated account, so that `user_disabled` / `account_inactive` paths can be exercised.
    ws.add(
        SandboxUser(
            "U01OLIVER", "oliver", "Oliver Grant", "Sales Associate", "Europe/London", deleted=True
        )
    )
    ws.channels["C0ADMINS"].members = ["U01PRIYA", "U01DANIEL", ws.bot_user_id]
    return ws
