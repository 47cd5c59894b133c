"""Flipside: a self-hosted Slack bot that runs reverse-mentoring programs."""

__version__ = "0.1.0"
