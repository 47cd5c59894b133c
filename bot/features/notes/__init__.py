"""Notes: the pair's notes and action items, private to the two of them."""
