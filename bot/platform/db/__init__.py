"""Models, engine and session factory."""
