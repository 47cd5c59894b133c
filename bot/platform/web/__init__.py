"""HTTP serving: the ASGI app (Bolt plus /healthz) and the uvicorn runner."""
