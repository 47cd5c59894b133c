"""Feedback: after each session, did you meet, and a short private poll."""
