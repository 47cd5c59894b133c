"""Block Kit builders: pure functions from data to dicts, no database, no Slack calls."""
