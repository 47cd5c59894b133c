"""Block Kit as readable plain text, for terminal transcripts of what people saw."""

from __future__ import annotations

import html
import re
import textwrap
from collections.abc import Mapping, Sequence
from itertools import zip_longest
from typing import Any

JSON = Mapping[str, Any]

_ANGLE = re.compile(r"<([^<>]+)>")
_INPUT_KINDS = {
    "plain_text_input": "text",
    "email_text_input": "email",
    "url_text_input": "url",
    "number_input": "number",
    "rich_text_input": "rich text",
    "static_select": "select",
    "external_select": "select",
    "multi_static_select": "multi-select",
    "multi_external_select": "multi-select",
    "users_select": "person",
    "multi_users_select": "people",
    "conversations_select": "conversation",
    "multi_conversations_select": "conversations",
    "channels_select": "channel",
    "multi_channels_select": "channels",
    "datepicker": "date",
    "timepicker": "time",
    "datetimepicker": "date and time",
    "checkboxes": "checkboxes",
    "radio_buttons": "choose one",
    "file_input": "file",
}


def render_text(text: str, *, names: Mapping[str, str] | None = None) -> str:
    """mrkdwn kept, but Slack's angle-bracket tokens turned into what a reader sees."""

    def token(match: re.Match[str]) -> str:
        inner = match.group(1)
        target, _, label = inner.partition("|")
        if target.startswith("@"):
            user_id = target[1:]
            return "@" + ((names or {}).get(user_id) or label or user_id)
        if target.startswith("#"):
            return "#" + (label or (names or {}).get(target[1:]) or target[1:])
        if target.startswith("!date^"):
            return label or target.split("^")[1]
        if target.startswith("!subteam^"):
            return label or "@team"
        if target.startswith("!"):
            return "@" + (label or target[1:])
        return label or target

    return html.unescape(_ANGLE.sub(token, text))


def _text(obj: object, names: Mapping[str, str] | None) -> str:
    if isinstance(obj, Mapping):
        raw = str(obj.get("text", ""))
        return render_text(raw, names=names) if obj.get("type") == "mrkdwn" else html.unescape(raw)
    return "" if obj is None else str(obj)


def _wrap(text: str, width: int, indent: str = "", *, then: str | None = None) -> list[str]:
    """Wrap each paragraph; `indent` opens the text, `then` (default: `indent`) continues it."""
    lines: list[str] = []
    for para in text.split("\n"):
        first = indent if not lines else (then if then is not None else indent)
        rest = then if then is not None else indent
        lines += textwrap.wrap(para, width, initial_indent=first, subsequent_indent=rest) or [
            first.rstrip()
        ]
    return lines


def _option_text(option: object, names: Mapping[str, str] | None) -> str:
    return _text(option.get("text"), names) if isinstance(option, Mapping) else ""


def _options(element: JSON) -> list[JSON]:
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options += group.get("options") or []
    return options


def _current(element: JSON, names: Mapping[str, str] | None) -> str:
    """The element's initial value as a reader sees it, or "" when empty."""
    nm = names or {}
    if element.get("initial_option"):
        return _option_text(element["initial_option"], names)
    if element.get("initial_options"):
        return ", ".join(_option_text(o, names) for o in element["initial_options"])
    if element.get("initial_user"):
        return "@" + nm.get(element["initial_user"], element["initial_user"])
    if element.get("initial_users"):
        return ", ".join("@" + nm.get(u, u) for u in element["initial_users"])
    for key in ("initial_date", "initial_time", "initial_channel", "initial_conversation"):
        if element.get(key):
            return str(element[key])
    value = element.get("initial_value")
    return value if isinstance(value, str) else ""


def render_element(element: JSON, *, names: Mapping[str, str] | None = None) -> str:
    """One interactive element inline: `[ Label ]` for buttons, `[ choice ▾ ]` for selects."""
    kind = element.get("type", "")
    if kind in ("button", "workflow_button"):
        return f"[ {_text(element.get('text'), names)} ]"
    if kind == "overflow":
        return "[ … ]"
    if kind == "image":
        return f"[image: {element.get('alt_text', '')}]"
    if kind in ("checkboxes", "radio_buttons"):
        chosen = {_option_text(o, names) for o in element.get("initial_options") or []}
        if element.get("initial_option"):
            chosen.add(_option_text(element["initial_option"], names))
        box = ("[x]", "[ ]") if kind == "checkboxes" else ("(•)", "( )")
        return "  ".join(
            f"{box[0] if _option_text(o, names) in chosen else box[1]} {_option_text(o, names)}"
            for o in _options(element)
        )
    shown = _current(element, names) or _text(element.get("placeholder"), names)
    if "select" in kind:
        return f"[ {shown or 'Select'} ▾ ]"
    return f"[ {shown or _INPUT_KINDS.get(kind, kind)} ]"


def _input(block: JSON, names: Mapping[str, str] | None, width: int) -> list[str]:
    element = block.get("element") or {}
    kind = element.get("type", "")
    label = _text(block.get("label"), names)
    if block.get("optional"):
        label += " (optional)"
    what = _INPUT_KINDS.get(kind, kind)
    if kind in ("static_select", "multi_static_select"):
        choices = [_option_text(o, names) for o in _options(element)]
        listed = " | ".join(choices[:6]) + (" | …" if len(choices) > 6 else "")
        what += f": {listed}" if listed else ""
    if kind in ("checkboxes", "radio_buttons"):
        lines = [f"{label}:  ({what})", *_wrap(render_element(element, names=names), width, "  ")]
    else:
        value = _current(element, names) or "______"
        lines = _wrap(f"{label}: {value}  ({what})", width)
    if block.get("hint"):
        lines += _wrap(_text(block["hint"], names), width, "  · ", then="    ")
    return lines


def _section(block: JSON, names: Mapping[str, str] | None, width: int) -> list[str]:
    lines = _wrap(_text(block.get("text"), names), width) if block.get("text") else []
    fields = [_text(f, names) for f in block.get("fields") or []]
    column = (width - 3) // 2
    for left, right in zip_longest(fields[::2], fields[1::2], fillvalue=""):
        pairs = zip_longest(
            _wrap(left, column), _wrap(right, column) if right else [], fillvalue=""
        )
        lines += [f"{a:<{column}}   {b}".rstrip() for a, b in pairs]
    accessory = block.get("accessory")
    if isinstance(accessory, Mapping) and accessory.get("type") != "image":
        rendered = render_element(accessory, names=names)
        if lines and len(lines[-1]) + len(rendered) + 3 <= width:
            lines[-1] = f"{lines[-1]}   {rendered}"
        else:
            lines.append(rendered)
    return lines


def _rich_text(node: object, names: Mapping[str, str] | None) -> str:
    if isinstance(node, list):
        return "".join(_rich_text(n, names) for n in node)
    if not isinstance(node, Mapping):
        return ""
    kind = node.get("type")
    if kind == "text":
        return str(node.get("text", ""))
    if kind == "link":
        return str(node.get("text") or node.get("url", ""))
    if kind == "user":
        user_id = str(node.get("user_id", ""))
        return "@" + (names or {}).get(user_id, user_id)
    if kind == "emoji":
        return f":{node.get('name', '')}:"
    if kind == "rich_text_list":
        return "\n".join(f"• {_rich_text(e, names)}" for e in node.get("elements") or [])
    joined = _rich_text(node.get("elements") or [], names)
    return joined + "\n" if kind in ("rich_text_section", "rich_text_preformatted") else joined


def _block(block: JSON, names: Mapping[str, str] | None, width: int) -> list[str]:
    kind = block.get("type")
    if kind == "header":
        title = _text(block.get("text"), names)
        return [title, "═" * min(len(title), width)]
    if kind == "section":
        return _section(block, names, width)
    if kind == "divider":
        return ["─" * width]
    if kind == "context":
        parts = [
            f"[{e.get('alt_text', 'image')}]" if e.get("type") == "image" else _text(e, names)
            for e in block.get("elements") or []
        ]
        return _wrap("  ".join(parts), width, "  · ", then="    ")
    if kind in ("actions", "context_actions"):
        rendered = [render_element(e, names=names) for e in block.get("elements") or []]
        return _wrap("  ".join(rendered), width)
    if kind == "input":
        return _input(block, names, width)
    if kind == "image":
        return [f"[image: {block.get('alt_text', '')}]"]
    if kind == "rich_text":
        return _wrap(_rich_text(block.get("elements") or [], names).rstrip("\n"), width)
    if kind == "markdown":
        return _wrap(render_text(str(block.get("text", "")), names=names), width)
    if kind == "video":
        return [f"[video: {_text(block.get('title'), names)}]"]
    return [f"[{kind} block]"]


def render_blocks(
    blocks: Sequence[JSON], *, width: int = 88, names: Mapping[str, str] | None = None
) -> str:
    """Blocks as terminal text, one blank line between blocks."""
    return "\n\n".join("\n".join(_block(b, names, width)) for b in blocks if isinstance(b, Mapping))


def render_view(view: JSON, *, width: int = 88, names: Mapping[str, str] | None = None) -> str:
    """A modal (title box, blocks, buttons) or a Home tab."""
    title = _text(view.get("title"), names) or ("Home" if view.get("type") == "home" else "")
    box = ["┌" + "─" * (len(title) + 2) + "┐", f"│ {title} │", "└" + "─" * (len(title) + 2) + "┘"]
    parts = [
        "\n".join(box),
        render_blocks(list(view.get("blocks") or []), width=width, names=names),
    ]
    if view.get("type") == "modal":
        close = _text(view.get("close"), names) or ("Cancel" if view.get("submit") else "Close")
        buttons = [f"[{_text(view['submit'], names)}]"] if view.get("submit") else []
        parts.append("  ".join([*buttons, f"[{close}]"]))
    return "\n\n".join(p for p in parts if p)
