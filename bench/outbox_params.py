"""Parameters of the outbox benchmark: mode and sizes, dispatcher settings, probes and targets."""

from __future__ import annotations

import os

from bot.platform.outbox import DispatcherConfig

SHORT = os.environ.get("BENCH_SHORT", "") not in ("", "0")
PG_URL = os.environ.get("TEST_DATABASE_URL", "")
N = 1_000 if SHORT else 10_000
LATENCIES = (0.0, 0.05)
RECIPIENTS = 500  # distinct DMs the messages are spread over (a batch rarely repeats one)
CONFIG = DispatcherConfig(
    batch_size=200,
    concurrency=32,
    rate_per_second=100_000.0,
    burst=100_000,
    channel_interval=0.0,
)
PROBE_INTERVAL = 0.010
IDLE_PROBE_SECONDS = 0.5
IDLE_ACKS = 5
ENQUEUE_CHUNK = 1_000
STALL_SECONDS = 30.0  # give up on a sweep that sends nothing for this long

TARGET_LAG_P99_MS = 100.0
TARGET_ACK_MS = 300.0
TARGET_STATEMENTS = 3.0

TEAM = "T0FLIPSIDE"
HELP_USER = "U01MAYA"  # not an admin: help also costs a users.info call, the slower path
SIGNING_SECRET = "bench-signing-secret"
