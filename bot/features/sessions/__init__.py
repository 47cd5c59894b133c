"""Sessions: book, reschedule and cancel in Slack, with calendar files and reminders."""
