"""What Slack says about a person: the facts the bot never asks for in a form."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SlackPerson:
    """From users.info: name, title and time zone (an IANA name), and the workspace flags."""

    user_id: str
    name: str
    title: str
    timezone: str
    deleted: bool = False
    is_admin: bool = False  # a workspace admin or owner


class SlackUnavailable(Exception):
    """Slack could not say who someone is just now (an error, a timeout): answers that need it
    degrade (no admin lines in the help) or ask to try again, and nothing is saved half-way."""
