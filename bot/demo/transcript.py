"""Prints what each person saw, scene by scene, from the stand-in's timeline."""

from __future__ import annotations

import textwrap
from collections.abc import Callable

from bot.sandbox import SeenEvent, SlackStandIn, render_blocks, render_text, render_view

WIDTH = 88


class Transcript:
    def __init__(self, standin: SlackStandIn, *, write: Callable[[str], None] = print) -> None:
        self._standin = standin
        self._write = write
        self._mark = 0
        self._scene = 0
        # People and channels by id, as Slack shows mentions of either.
        channels = {c.id: c.name for c in standin.workspace.channels.values()}
        self.names = {**channels, **standin.workspace.names()}

    def title(self, text: str) -> None:
        self._write("=" * WIDTH)
        self._write(text.center(WIDTH))
        self._write("=" * WIDTH)

    def scene(self, heading: str, story: str = "") -> None:
        self.flush()
        self._scene += 1
        self._write("")
        self._write(f"── Scene {self._scene}: {heading} " + "─" * max(0, WIDTH - len(heading) - 13))
        if story:
            self._write(textwrap.fill(story, WIDTH))

    def action(self, who: str, did: str) -> None:
        """A line for what a person did, as a stage direction."""
        self.flush()
        self._write(f"\n  ▶ {self.names.get(who, who)} {did}")

    def note(self, text: str) -> None:
        self.flush()
        self._write(textwrap.fill(text, WIDTH, initial_indent="  ✓ ", subsequent_indent="    "))

    def skip(self) -> None:
        """Pass over what became visible since the last flush (a crowd doing the same thing)."""
        self._mark = len(self._standin.timeline)

    def inline_errors(self, who: str, errors: dict[str, str]) -> None:
        """The red lines Slack shows under a modal's fields after `response_action: errors`."""
        self.flush()
        self._write(f"\n    {self.names.get(who, who)} saw the form stay open, with:")
        for field, message in errors.items():
            self._write(f"      │ ⚠ {field.replace('_', ' ')}: {message}")

    @property
    def mark(self) -> int:
        return self._mark

    def flush(self) -> None:
        """Print everything that became visible since the last flush."""
        self.flush_events(self._standin.timeline[self._mark :])

    def flush_events(self, events: list[SeenEvent]) -> None:
        """Print these events and consider everything up to now shown."""
        self._mark = len(self._standin.timeline)
        # The same message to many people (a broadcast) is shown once, with everyone named.
        groups: list[tuple[SeenEvent, list[str]]] = []
        for event in events:
            if groups and _same(groups[-1][0], event):
                groups[-1][1].extend(event.user_ids)
            else:
                groups.append((event, list(event.user_ids)))
        for event, users in groups:
            self._event(event, users)

    def _event(self, event: SeenEvent, users: list[str]) -> None:
        bot = self._standin.workspace.bot_user_id
        who = ", ".join(self.names.get(u, u) for u in dict.fromkeys(users) if u != bot)
        where = self._where(event)
        heading = textwrap.fill(f"{who} {where}:", WIDTH - 4, subsequent_indent="      ")
        self._write("\n" + textwrap.indent(heading, "    ", predicate=lambda line: True))
        if event.view is not None:
            body = render_view(event.view, width=WIDTH - 8, names=self.names)
        elif event.blocks:
            body = render_blocks(event.blocks, width=WIDTH - 8, names=self.names)
        else:
            body = textwrap.fill(render_text(event.text, names=self.names), WIDTH - 8)
        self._write(textwrap.indent(body, "      │ ", predicate=lambda _: True))

    def _where(self, event: SeenEvent) -> str:
        kinds = {
            "ephemeral": "saw, only for them",
            "modal": "saw a dialog open",
            "modal_update": "saw the dialog change",
            "home": "saw their Home tab",
            "file": "received a file",
        }
        if event.kind in kinds:
            return kinds[event.kind]
        channel = event.channel or ""
        if channel.startswith("D"):
            return "received a direct message"
        if channel.startswith("G"):
            return "saw in their group conversation"
        name = self._standin.workspace.channels.get(channel)
        return f"saw in #{name.name}" if name else "saw"


def _same(a: SeenEvent, b: SeenEvent) -> bool:
    """Direct messages with the same content to different people."""
    return (
        a.kind == b.kind == "message"
        and (a.channel or "").startswith("D")
        and (b.channel or "").startswith("D")
        and a.channel != b.channel
        and a.text == b.text
        and a.blocks == b.blocks
    )
