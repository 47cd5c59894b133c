"""Cycles: every pairing has a beginning, a middle (a check-in) and an end (a survey, then
another cycle or a wrap-up)."""
