"""Block Kit for the messages services put in the outbox: pure functions, data in, dict out.

They live apart from `bot/slack` because services build them, and services never import the
Slack layer (the flow is slack -> services -> db).
"""
