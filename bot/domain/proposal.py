"""A computed round as it is stored: who was considered, the pairs and the unmatched.

Stored as JSON in the round's row and read back into these models, never by string keys. The
short field names (`i`, `user`) are the stored keys, kept as they were first written.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

FORMER = "a former participant"  # a name erased since the round was computed
GONE = "gone"  # the id of someone erased from a stored proposal


class _Stored(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class ProposedPairRecord(_Stored):
    i: int  # position in the proposal, stable: the Drop button names it
    mentor: str
    leader: str
    score: float
    reasons: tuple[str, ...] = ()


class UnmatchedRecord(_Stored):
    user: str
    reason: str  # an UnmatchedReason value
    text: str  # what the person is told


class StoredProposal(_Stored):
    considered: int  # active participants, including those whose capacity is already used
    names: dict[str, str] = Field(default_factory=dict)
    pairs: tuple[ProposedPairRecord, ...] = ()
    unmatched: tuple[UnmatchedRecord, ...] = ()

    def name(self, user_id: str) -> str:
        return self.names.get(user_id, FORMER)

    def indexes(self) -> set[int]:
        return {p.i for p in self.pairs}

    def mentions(self, user_id: str) -> bool:
        return (
            user_id in self.names
            or any(user_id in (p.mentor, p.leader) for p in self.pairs)
            or any(u.user == user_id for u in self.unmatched)
        )

    def without(self, user_id: str) -> StoredProposal:
        """The proposal with every trace of `user_id` gone: name, id, and reasons naming them."""
        name = self.names.get(user_id)
        pairs = []
        for p in self.pairs:
            if user_id in (p.mentor, p.leader):
                side = "mentor" if p.mentor == user_id else "leader"
                pairs.append(p.model_copy(update={side: GONE, "reasons": ()}))
            elif name:
                reasons = tuple(r.replace(name, FORMER) for r in p.reasons)
                pairs.append(p.model_copy(update={"reasons": reasons}))
            else:
                pairs.append(p)
        return self.model_copy(
            update={
                "names": {k: v for k, v in self.names.items() if k != user_id},
                "pairs": tuple(pairs),
                "unmatched": tuple(u for u in self.unmatched if u.user != user_id),
            }
        )
