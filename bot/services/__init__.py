"""Use cases: one function each, one transaction each, no direct Slack calls."""
