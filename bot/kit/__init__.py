"""Block Kit builders, mrkdwn text helpers, every id the bot puts in a view or message, and the
typed payloads those carry. Imports nothing else from `bot`, so every layer may use it."""
