"""The payloads Slack sends, as typed models: what the bot accepts, checked once a request is
known to come from Slack and before Bolt reads it. Anything else is refused with a 400.

What passes is handed to Bolt re-encoded (`Checked.text`), so that Bolt reads exactly what was
checked: Bolt guesses a body's kind from its text (a form that starts with "{" as JSON, a command
whose text says "payload" as an interaction), and a person may well type "payload".

Models allow the fields they don't name (Slack adds fields over time); the ones they name must
have the right types. A modal's `state.values` is left loose on purpose: its odd shapes become
inline errors on the right input, which only the feature's own parser can place.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Annotated, Any, Literal
from urllib.parse import parse_qs, quote, urlencode

from pydantic import BaseModel, ConfigDict, Field, ValidationError

# Where an answer may be POSTed later: Slack's own URL, so at least a URL (an empty or odd one
# would only fail when the bot answers, after the ack).
ResponseUrl = Annotated[str, Field(pattern=r"^https?://[^\s]+$", max_length=2048)]


# Slack's ids, as Slack writes them: a person (U..., W... on Enterprise Grid), a workspace (T...)
# or an organization (E...). Anything else is not from Slack, and would be sent on (users.info).
UserId = Annotated[str, Field(pattern=r"^[UW][A-Z0-9]{2,30}$")]
TeamId = Annotated[str, Field(pattern=r"^[TE][A-Z0-9]{2,30}$")]
ChannelId = Annotated[str, Field(pattern=r"^([CDG][A-Z0-9]{2,30})?$")]  # or none


class _Loose(BaseModel):
    model_config = ConfigDict(extra="allow")


class Ref(_Loose):
    id: str = Field(min_length=1, max_length=64)


class UserRef(_Loose):
    id: UserId
    team_id: str | None = None


class SlashCommand(_Loose):
    command: str = Field(min_length=1, max_length=64)
    team_id: TeamId
    user_id: UserId
    text: str = ""
    channel_id: ChannelId = ""
    trigger_id: str = ""
    response_url: ResponseUrl


class ClickedAction(_Loose):
    action_id: str = Field(min_length=1, max_length=255)
    block_id: str | None = None
    type: str | None = None
    value: str | None = None
    selected_option: dict[str, Any] | None = None
    selected_options: list[dict[str, Any]] | None = None


class ViewPayload(_Loose):
    id: str = Field(min_length=1, max_length=64)
    type: Literal["modal", "home"]
    callback_id: str = ""
    private_metadata: str = ""
    state: dict[str, Any] | None = None
    blocks: list[dict[str, Any]] = Field(default_factory=list)


class BlockActions(_Loose):
    type: Literal["block_actions"]
    user: UserRef
    team: Ref | None = None
    actions: list[ClickedAction] = Field(min_length=1, max_length=25)
    view: ViewPayload | None = None
    container: dict[str, Any] | None = None
    channel: dict[str, Any] | None = None
    message: dict[str, Any] | None = None
    response_url: ResponseUrl | None = None
    trigger_id: str | None = None


class ViewAction(_Loose):
    type: Literal["view_submission", "view_closed"]
    user: UserRef
    team: Ref | None = None
    view: ViewPayload


class BlockSuggestion(_Loose):
    type: Literal["block_suggestion"]
    user: UserRef
    team: Ref | None = None
    action_id: str = Field(min_length=1, max_length=255)
    value: str


class Event(_Loose):
    type: str = Field(min_length=1, max_length=64)
    user: str | Ref | None = None
    channel: str | Ref | None = None


class EventCallback(_Loose):
    type: Literal["event_callback"]
    team_id: str = Field(min_length=1, max_length=64)
    event: Event
    event_id: str = ""


class UrlVerification(_Loose):
    type: Literal["url_verification"]
    challenge: str


class SslCheck(_Loose):
    pass


INTERACTIONS: dict[str, type[_Loose]] = {
    "block_actions": BlockActions,
    "view_submission": ViewAction,
    "view_closed": ViewAction,
    "block_suggestion": BlockSuggestion,
}
EVENTS: dict[str, type[_Loose]] = {
    "event_callback": EventCallback,
    "url_verification": UrlVerification,
}


class Refused(ValueError):
    """Why a signed body is not a payload the bot handles (said without the body itself)."""


FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


@dataclass(frozen=True)
class Checked:
    """A signed body that is a payload the bot handles, and how Bolt must be given it."""

    payload: BaseModel
    content_type: str
    text: str


def check(content_type: str, body: bytes) -> Checked:
    """The typed payload of a signed request body, or Refused."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused("not UTF-8") from None
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind == FORM:
        form = {k: v[-1] for k, v in parse_qs(text, keep_blank_values=True).items()}
        if "payload" in form:
            found = _json(form["payload"])
            model = _model(found, INTERACTIONS)
            return Checked(model, FORM, "payload=" + quote(json.dumps(found), safe=""))
        if "command" in form:
            return Checked(_validate(SlashCommand, form), FORM, _form_text(form))
        if "ssl_check" in form:  # Slack checking the certificate of a command's URL
            return Checked(SslCheck(), FORM, _form_text(form))
        raise Refused("a form that is neither a command nor an interaction")
    if kind == JSON:
        found = _json(text)
        return Checked(_model(found, EVENTS), JSON, json.dumps(found))
    raise Refused(f"content type {kind[:40]!r}")


def _form_text(form: dict[str, str]) -> str:
    """The form encoded so that Bolt can only read it as a form: "{" and every letter "p" are
    percent-encoded, so the text neither starts like JSON nor contains the word "payload"."""
    return urlencode(form, quote_via=lambda v, *_: quote(v, safe="").replace("p", "%70"))


def _json(text: str) -> object:
    try:
        found = json.loads(text)
        # A lone surrogate ("\ud800") decodes but can't be stored or sent on: refuse it here.
        json.dumps(found, ensure_ascii=False).encode("utf-8")
    except (ValueError, UnicodeEncodeError, RecursionError):
        raise Refused("not JSON") from None
    return found


def _model(found: object, kinds: dict[str, type[_Loose]]) -> BaseModel:
    if not isinstance(found, dict):
        raise Refused("not an object")
    name = found.get("type")
    kind = kinds.get(name) if isinstance(name, str) else None
    if kind is None:
        raise Refused("a payload type the bot does not handle")
    return _validate(kind, found)


def _validate(kind: type[_Loose], found: dict[str, Any]) -> BaseModel:
    try:
        return kind.model_validate(found)
    except ValidationError as exc:
        where = ".".join(str(p) for p in exc.errors()[0]["loc"])[:80]
        raise Refused(f"{kind.__name__} without a valid {where}") from None
