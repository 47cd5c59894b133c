"""Fixtures for the features' own tests."""

from tests.features.message_checks import validator

__all__ = ["validator"]
