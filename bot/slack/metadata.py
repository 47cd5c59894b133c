"""Typed `private_metadata`: what a modal remembers between opening and submit.

It travels through the client, so it is parsed strictly and never trusted for who may act:
the acting user always comes from the payload Slack signed.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, ValidationError


class ModalMeta(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    v: int = Field(default=1, ge=1, le=1)
    channel_id: str | None = Field(default=None, pattern=r"^[CDG][A-Z0-9]{2,30}$")
    edit: bool = False
    pairing_id: int | None = Field(default=None, ge=1)

    def dump(self) -> str:
        return self.model_dump_json(exclude_defaults=True)


class TamperedMetadata(ValueError):
    pass


def parse_meta(raw: str | None) -> ModalMeta:
    try:
        return ModalMeta.model_validate_json(raw or "{}")
    except ValidationError:
        raise TamperedMetadata("private_metadata did not parse") from None
