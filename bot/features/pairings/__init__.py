"""pairings"""
