"""Pure logic: no I/O, no Slack, no database session."""
