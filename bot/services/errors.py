"""Errors a person caused and can fix; the Slack layer turns them into friendly text."""


class UserFacingError(Exception):
    """Raised by a service with a message safe and useful to show the person who acted."""
