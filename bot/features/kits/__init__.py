"""Kits: topic kits, briefings before a pair's first session, and the program's kickoff."""
