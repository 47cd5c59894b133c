"""Nudges: keeping pairs going, with the leader taking the lead, and quiet hours."""
