"""Block Kit validation as Slack does it: the public JSON schema plus the limits it cannot express.

The schemas live outside the project (`../shared/slack-schemas/` beside the checkout, or the folder
`SLACK_SCHEMAS_DIR` names); without them the validator falls back to slack_sdk's model checks.
"""

from __future__ import annotations

import enum
import functools
import json
import logging
import os
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

SCHEMA_FILE: Final = "block-kit.schema.json"
MAX_MESSAGE_BLOCKS: Final = 50
MAX_VIEW_BLOCKS: Final = 100


class _Auto(enum.Enum):
    AUTO = "auto"


AUTO: Final = _Auto.AUTO
"""Default of `BlockKitValidator(schema_dir=...)`: look for the schemas with `find_schema_dir()`."""


def find_schema_dir() -> Path | None:
    """`$SLACK_SCHEMAS_DIR`, else a `shared/slack-schemas` folder beside or above the working
    directory or this file (the checkout sits beside `shared/`); None when there is none."""
    env = os.environ.get("SLACK_SCHEMAS_DIR")
    if env:
        return Path(env).expanduser()
    for start in (Path.cwd(), Path(__file__).resolve().parent):
        for folder in (start, *start.parents):
            candidate = folder / "shared" / "slack-schemas"
            if (candidate / SCHEMA_FILE).is_file():
                return candidate
    return None


@functools.lru_cache(maxsize=4)
def _compiled(schema_file: Path) -> dict[str, Draft202012Validator]:
    """Compile the three validators once per schema file (shared by every stand-in)."""
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    defs = schema["$defs"]
    return {
        "blocks": Draft202012Validator(schema),
        "modal": Draft202012Validator({"$ref": "#/$defs/modal_view", "$defs": defs}),
        "home": Draft202012Validator({"$ref": "#/$defs/home_view", "$defs": defs}),
    }


def _path(prefix: str, parts: Sequence[object]) -> str:
    out = prefix
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _too_long(path: str, limit: int, actual: int) -> str:
    return f"{path}: must be at most {limit} characters (got {actual})"


def _too_many(path: str, limit: int, actual: int) -> str:
    return f"{path}: at most {limit} items allowed (got {actual})"


def _rejects_type(error: ValidationError) -> bool:
    return error.validator in ("const", "enum") and list(error.relative_path) == ["type"]


def _leaves(error: ValidationError) -> list[ValidationError]:
    """Descend through `oneOf`/`anyOf` into the branch whose `type` matched (useful messages)."""
    if error.validator not in ("oneOf", "anyOf") or not error.context:
        return [error]
    branches: dict[object, list[ValidationError]] = {}
    for sub in error.context:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    plausible = [errs for errs in branches.values() if not any(map(_rejects_type, errs))]
    if not plausible:
        return [error]
    best = min(plausible, key=len)
    return [leaf for sub in best for leaf in _leaves(sub)]


def _message(error: ValidationError, prefix: str) -> str:
    path = _path(prefix, list(error.absolute_path))
    inst = error.instance
    limit = error.validator_value
    if error.validator == "maxLength" and isinstance(inst, str) and isinstance(limit, int):
        return _too_long(path, limit, len(inst))
    if error.validator == "maxItems" and isinstance(inst, list) and isinstance(limit, int):
        return _too_many(path, limit, len(inst))
    if error.validator in ("oneOf", "anyOf") and isinstance(inst, dict) and "type" in inst:
        return f"{path}: type {inst['type']!r} is unknown or not allowed here"
    message = error.message if len(error.message) <= 200 else error.message[:197] + "..."
    return f"{path}: {message}"


def _walk(node: object) -> Iterator[Mapping[str, Any]]:
    if isinstance(node, Mapping):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item)


def _text_of(obj: object) -> str | None:
    if isinstance(obj, Mapping) and isinstance(obj.get("text"), str):
        return str(obj["text"])
    return None


def limit_problems(blocks: object, *, max_blocks: int, prefix: str = "blocks") -> list[str]:
    """What Slack enforces beyond the schema: counts, unique ids, per-block text sizes."""
    if not isinstance(blocks, list):
        return [f"{prefix}: must be an array of blocks"]
    problems: list[str] = []
    if len(blocks) > max_blocks:
        problems.append(_too_many(prefix, max_blocks, len(blocks)))
    block_ids: set[str] = set()
    action_ids: set[str] = set()
    for i, block in enumerate(blocks):
        where = f"{prefix}[{i}]"
        if not isinstance(block, Mapping):
            problems.append(f"{where}: must be an object")
            continue
        block_id = block.get("block_id")
        if isinstance(block_id, str):
            if block_id in block_ids:
                problems.append(f"{where}.block_id: duplicate block_id {block_id!r}")
            block_ids.add(block_id)
        for node in _walk(block):
            action_id = node.get("action_id")
            if isinstance(action_id, str):
                if action_id in action_ids:
                    problems.append(f"{where}: duplicate action_id {action_id!r}")
                action_ids.add(action_id)
            options = node.get("options")
            if isinstance(options, list) and len(options) > 100:
                problems.append(_too_many(f"{where}...options", 100, len(options)))
        text = _text_of(block.get("text"))
        if block.get("type") == "section":
            if text is not None and len(text) > 3000:
                problems.append(_too_long(f"{where}.text.text", 3000, len(text)))
            fields = block.get("fields")
            if isinstance(fields, list):
                if len(fields) > 10:
                    problems.append(_too_many(f"{where}.fields", 10, len(fields)))
                for j, fld in enumerate(fields):
                    ftext = _text_of(fld)
                    if ftext is not None and len(ftext) > 2000:
                        problems.append(_too_long(f"{where}.fields[{j}].text", 2000, len(ftext)))
        elif block.get("type") == "header" and text is not None and len(text) > 150:
            problems.append(_too_long(f"{where}.text.text", 150, len(text)))
    return problems


def _view_limit_problems(view: Mapping[str, Any]) -> list[str]:
    problems = limit_problems(view.get("blocks"), max_blocks=MAX_VIEW_BLOCKS, prefix="view.blocks")
    for key in ("title", "submit", "close"):
        text = _text_of(view.get(key))
        if text is not None and len(text) > 24:
            problems.append(_too_long(f"view.{key}.text", 24, len(text)))
    for key, limit in (("private_metadata", 3000), ("callback_id", 255), ("external_id", 255)):
        value = view.get(key)
        if isinstance(value, str) and len(value) > limit:
            problems.append(_too_long(f"view.{key}", limit, len(value)))
    if view.get("type") == "modal":
        if "title" not in view:
            problems.append("view: 'title' is a required property")
        blocks = view.get("blocks")
        has_input = isinstance(blocks, list) and any(
            isinstance(b, Mapping) and b.get("type") == "input" for b in blocks
        )
        if has_input and "submit" not in view:
            problems.append("view: 'submit' is a required property")
    return problems


class BlockKitValidator:
    """Checks blocks and views; each check returns human-readable problems (empty when valid).

    `schema_dir=AUTO` (the default) looks for the schemas; `None` explicitly means "no schema":
    slack_sdk's model validation is used instead. The limit checks apply either way.
    """

    def __init__(self, schema_dir: Path | str | None | _Auto = AUTO) -> None:
        resolved = find_schema_dir() if schema_dir is AUTO else schema_dir
        self.schema_dir: Path | None = None if resolved is None else Path(resolved)
        self._validators: dict[str, Draft202012Validator] = {}
        self._seen: dict[tuple[str, str, str], tuple[str, ...]] = {}
        if self.schema_dir is not None:
            schema_file = (self.schema_dir / SCHEMA_FILE).resolve()
            if not schema_file.is_file():
                raise FileNotFoundError(f"Slack Block Kit schema not found at {schema_file}")
            self._validators = _compiled(schema_file)
        self.uses_schema: bool = bool(self._validators)

    def check_blocks(self, blocks: object, *, max_blocks: int = MAX_MESSAGE_BLOCKS) -> list[str]:
        if self.uses_schema and isinstance(blocks, list) and blocks:
            problems = []
            for i, block in enumerate(blocks):  # block by block: each distinct one checked once
                found = self._schema_problems("blocks", [block], "blocks")
                problems += [_reindex(p, "blocks", i) for p in found]
        elif self.uses_schema:
            problems = self._schema_problems("blocks", blocks, "blocks")
        else:
            problems = _sdk_block_problems(blocks, "blocks")
        return list(dict.fromkeys(problems + limit_problems(blocks, max_blocks=max_blocks)))

    def check_view(self, view: object) -> list[str]:
        if not isinstance(view, Mapping):
            return ["view: must be an object"]
        kind = view.get("type")
        if kind not in ("modal", "home"):
            return [f"view.type: must be 'modal' or 'home' (got {kind!r})"]
        if self.uses_schema:
            problems = self._view_schema_problems(str(kind), view)
        else:
            problems = _sdk_view_problems(view)
        return list(dict.fromkeys(problems + _view_limit_problems(view)))

    def _view_schema_problems(self, kind: str, view: Mapping[str, Any]) -> list[str]:
        """The view's own fields with its first block, then every other block on its own in a
        bare view of the same kind: a Home drawn again differs in a block or two, and only
        those are checked again."""
        blocks = view.get("blocks")
        if not isinstance(blocks, list) or len(blocks) < 2:
            return self._schema_problems(kind, view, "view")
        problems = self._schema_problems(kind, {**view, "blocks": blocks[:1]}, "view")
        for i, block in enumerate(blocks[1:], start=1):
            bare = {**_BARE_VIEWS[kind], "blocks": [block]}
            problems += [
                _reindex(p, "view.blocks", i) for p in self._schema_problems(kind, bare, "view")
            ]
        return problems

    def _schema_problems(self, which: str, instance: object, prefix: str) -> list[str]:
        # The same view or message is often checked again (a Home drawn twice with nothing
        # changed); validating a big one against the schema takes tens of milliseconds.
        try:
            key = (which, prefix, json.dumps(instance, sort_keys=True, default=repr))
        except (TypeError, ValueError):
            key = None
        if key is not None and key in self._seen:
            return list(self._seen[key])
        validator = self._validators[which]
        problems = [
            _message(leaf, prefix)
            for error in validator.iter_errors(instance)
            for leaf in _leaves(error)
        ]
        if key is not None:
            if len(self._seen) > 4096:
                self._seen.clear()
            self._seen[key] = tuple(problems)
        return problems


_BARE_VIEWS: dict[str, dict[str, Any]] = {
    "home": {"type": "home"},
    # With a submit: whether the real one needs one is the limit checks' question.
    "modal": {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Check"},
        "submit": {"type": "plain_text", "text": "Check"},
    },
}


def _reindex(problem: str, prefix: str, index: int) -> str:
    """A problem found in a one-block list, told at the block's real place."""
    return problem.replace(f"{prefix}[0]", f"{prefix}[{index}]", 1)


def _sdk_block_problems(blocks: object, prefix: str) -> list[str]:
    from slack_sdk.models.blocks import Block

    if not isinstance(blocks, list):
        return [f"{prefix}: must be an array of blocks"]
    if not blocks:
        return [f"{prefix}: should be non-empty"]
    problems: list[str] = []
    sdk_logger = logging.getLogger("slack_sdk.models")
    for i, block in enumerate(blocks):
        where = f"{prefix}[{i}]"
        if not isinstance(block, dict) or "type" not in block:
            problems.append(f"{where}: must be an object with a 'type'")
            continue
        previous, sdk_logger.disabled = sdk_logger.disabled, True  # it warns on unknown types
        try:
            parsed = Block.parse(block)
            if parsed is None:
                problems.append(f"{where}: type {block['type']!r} is unknown or not allowed here")
            else:
                parsed.validate_json()
        except Exception as exc:  # slack_sdk raises SlackObjectFormationError, or worse
            problems.append(f"{where}: {exc}")
        finally:
            sdk_logger.disabled = previous
    return problems


def _sdk_view_problems(view: Mapping[str, Any]) -> list[str]:
    from slack_sdk.models.views import View

    problems = _sdk_block_problems(view.get("blocks"), "view.blocks")
    try:
        View(**view).validate_json()
    except Exception as exc:  # SlackObjectFormationError, TypeError for malformed fields
        problems.append(f"view: {exc}")
    return problems
