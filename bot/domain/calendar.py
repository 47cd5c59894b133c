"""A session as a calendar entry: an iCalendar file and "add to calendar" links. Pure: no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import quote, urlsplit

from icalendar import Calendar, Event
from icalendar.prop import vText

PRODID = "-//Flipside//Reverse mentoring//EN"
# Slack refuses a button whose URL is longer than this.
LINK_LIMIT = 3000
ELLIPSIS = "…"
GOOGLE = "https://calendar.google.com/calendar/render"
OUTLOOK = "https://outlook.office.com/calendar/deeplink/compose"


def _utc(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime, got a naive one: {moment!r}")
    return moment.astimezone(UTC)


@dataclass(frozen=True)
class CalendarEvent:
    """One session as calendars see it; the same `uid` across every file sent for it."""

    uid: str
    sequence: int
    starts_at: datetime
    minutes: int
    title: str
    description: str
    location: str
    stamp: datetime

    def __post_init__(self) -> None:
        if not self.uid:
            raise ValueError("a calendar event needs a UID")
        if self.minutes <= 0:
            raise ValueError(f"a session lasts at least a minute, got {self.minutes}")
        if self.sequence < 0:
            raise ValueError(f"SEQUENCE cannot be negative, got {self.sequence}")
        # Stored in UTC so every output can write a plain "...Z" time without a VTIMEZONE.
        object.__setattr__(self, "starts_at", _utc(self.starts_at, "starts_at"))
        object.__setattr__(self, "stamp", _utc(self.stamp, "stamp"))

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.minutes)


@dataclass(frozen=True)
class ParsedEvent:
    """What a calendar client would read from a file `ics` wrote."""

    method: str
    uid: str
    sequence: int
    status: str
    starts_at: datetime
    ends_at: datetime
    summary: str
    description: str
    location: str


class _Text(vText):
    """TEXT escaped strictly by RFC 5545, section 3.3.11.

    icalendar 7.3 turns a typed backslash-N (say "C:\\New") into a line break before it escapes
    backslashes; escaping the backslash first keeps what the person typed.
    """

    __slots__ = ()

    def to_ical(self) -> bytes:
        # iCalendar has a single line break; a CR, alone or before LF, can only become one.
        text = self.replace("\r\n", "\n").replace("\r", "\n")
        escaped = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
        return escaped.replace("\n", "\\n").encode("utf-8")


def _is_web_url(text: str) -> bool:
    if not text or any(c.isspace() for c in text):
        return False
    parts = urlsplit(text)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def ics(event: CalendarEvent, *, cancel: bool = False) -> bytes:
    """The .ics file for a booking or a reschedule, or with `cancel` the one that withdraws it."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if cancel else "PUBLISH")
    entry = Event()
    entry.add("uid", _Text(event.uid))
    entry.add("dtstamp", event.stamp)
    entry.add("dtstart", event.starts_at)
    # DTEND rather than DURATION: some clients mishandle DURATION on a published event.
    entry.add("dtend", event.ends_at)
    entry.add("sequence", event.sequence)
    entry.add("status", "CANCELLED" if cancel else "CONFIRMED")
    entry.add("summary", _Text(event.title))
    if event.description:
        entry.add("description", _Text(event.description))
    if event.location:
        entry.add("location", _Text(event.location))
        if _is_web_url(event.location):
            entry.add("url", event.location)
    calendar.add_component(entry)
    data: bytes = calendar.to_ical()
    return data


def _text(component: Event | Calendar, name: str) -> str:
    value = component.get(name)
    return "" if value is None else str(value)


def _parsed_time(entry: Event, which: str) -> datetime:
    moment = entry.start if which == "start" else entry.end
    if not isinstance(moment, datetime):
        raise ValueError(f"the event's {which} is a whole day, not a time: {moment!r}")
    return _utc(moment, which)


def parse_ics(data: bytes) -> ParsedEvent:
    """Read back a file holding one calendar with exactly one event; ValueError otherwise."""
    calendar = Calendar.from_ical(data)
    if not isinstance(calendar, Calendar) or calendar.name != "VCALENDAR":
        raise ValueError("not an iCalendar VCALENDAR")
    entries = calendar.walk("VEVENT")
    if len(entries) != 1 or not isinstance(entries[0], Event):
        raise ValueError(f"expected exactly one VEVENT, found {len(entries)}")
    entry = entries[0]
    uid = _text(entry, "UID")
    if not uid:
        raise ValueError("the VEVENT has no UID")
    sequence = entry.get("SEQUENCE", 0)
    if not isinstance(sequence, int):
        raise ValueError(f"SEQUENCE is not a number: {sequence!r}")
    return ParsedEvent(
        method=_text(calendar, "METHOD"),
        uid=uid,
        sequence=sequence,
        status=_text(entry, "STATUS"),
        starts_at=_parsed_time(entry, "start"),
        ends_at=_parsed_time(entry, "end"),
        summary=_text(entry, "SUMMARY"),
        description=_text(entry, "DESCRIPTION"),
        location=_text(entry, "LOCATION"),
    )


def _encoded(text: str) -> str:
    return quote(text, safe="")


def _shorten(text: str, budget: int) -> str:
    """The longest prefix of `text`, marked as cut, whose encoding takes at most `budget` chars.

    Cuts fall between code points of the raw text, so no percent-escape or UTF-8 sequence is
    ever split; "" when not even the marker fits.
    """
    if len(_encoded(text)) <= budget:
        return text
    if len(_encoded(ELLIPSIS)) > budget:
        return ""
    # The longest prefix that fits has `low` to `high` characters.
    low, high = 0, len(text) - 1
    while low < high:
        middle = (low + high + 1) // 2
        if len(_encoded(text[:middle] + ELLIPSIS)) <= budget:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + ELLIPSIS


def _link(base: str, params: dict[str, str], cut_order: tuple[str, ...], limit: int) -> str:
    values = dict(params)

    def url() -> str:
        query = "&".join(f"{key}={_encoded(value)}" for key, value in values.items() if value)
        return f"{base}?{query}"

    for key in cut_order:
        excess = len(url()) - limit
        if excess <= 0:
            break
        values[key] = _shorten(values[key], len(_encoded(values[key])) - excess)
    link = url()
    if len(link) > limit:
        raise ValueError(f"even without any text a calendar link is longer than {limit} chars")
    return link


def google_link(event: CalendarEvent, limit: int = LINK_LIMIT) -> str:
    """A Google Calendar "add event" link of at most `limit` characters."""
    dates = f"{event.starts_at:%Y%m%dT%H%M%SZ}/{event.ends_at:%Y%m%dT%H%M%SZ}"
    params = {
        "action": "TEMPLATE",
        "text": event.title,
        "dates": dates,
        "details": event.description,
        "location": event.location,
    }
    return _link(GOOGLE, params, ("details", "location", "text"), limit)


def outlook_link(event: CalendarEvent, limit: int = LINK_LIMIT) -> str:
    """An Outlook on the web "new event" link of at most `limit` characters."""
    params = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": event.title,
        "startdt": f"{event.starts_at:%Y-%m-%dT%H:%M:%SZ}",
        "enddt": f"{event.ends_at:%Y-%m-%dT%H:%M:%SZ}",
        "body": event.description,
        "location": event.location,
    }
    return _link(OUTLOOK, params, ("body", "location", "subject"), limit)
