"""Run as a subprocess by test_processes.py: a replica that claims every due outbox row under a
lease, then dies before sending anything and without releasing (os._exit skips all cleanup).

    python claim_and_crash.py DATABASE_URL LEASE_SECONDS NOW_ISO OWNER

NOW_ISO is the test's fake clock, so that both processes agree on what "now" is. Prints how many
rows it claimed, then exits with status 1.
"""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import datetime, timedelta

from bot.platform.db.engine import make_engine
from bot.platform.outbox import store


async def claim_then_crash(url: str, lease: float, now: datetime, owner: str) -> None:
    engine = make_engine(url)
    rows = await store.claim(engine, owner, now, lease=timedelta(seconds=lease), limit=1000)
    print(len(rows), flush=True)
    os._exit(1)  # the lease is committed; nothing is sent, released or closed


if __name__ == "__main__":
    url, lease, now, owner = sys.argv[1:5]
    asyncio.run(claim_then_crash(url, float(lease), datetime.fromisoformat(now), owner))
