"""This process's name on the work it claims (outbox leases, rounds being computed)."""

from __future__ import annotations

import os
import socket
import uuid


def replica_name() -> str:
    """Host and pid for the logs, and a random part so that a restarted pid is someone new."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
