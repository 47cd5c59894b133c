"""Errors a person caused and can fix; the Slack layer turns each into the right answer for the
surface it came from (an ephemeral line, an inline modal error, a notice)."""

from __future__ import annotations


class UserFacingError(Exception):
    """Raised with a message safe and useful to show the person who acted.

    `field` names the modal input the message belongs to, when there is one."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotAllowed(UserFacingError):
    """The person may not do this (not a program admin, not a member of that pairing)."""


class NotFound(UserFacingError):
    """What the person pointed at does not exist for them (a tampered or stale id)."""
