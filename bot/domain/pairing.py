"""A pairing as one of its two members sees it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.domain.lifecycle import PairingStatus


class Side(StrEnum):
    MENTOR = "mentor"  # the reverse mentor: shares what they know
    LEADER = "leader"  # the leader: learns, and shares career insight back


@dataclass(frozen=True)
class MyPairing:
    """One of a person's pairings, from their side."""

    id: int
    partner_id: str
    partner_name: str
    partner_title: str
    i_am: Side
    status: PairingStatus
    since: datetime
