"""The shape of the house holds: small modules, and each feature wires only its own listeners."""

from __future__ import annotations

import ast
from pathlib import Path

from bot.features import FEATURES

MAX_LINES = 400


def test_no_module_is_over_400_lines(repo_root: Path) -> None:
    long = [
        (str(path.relative_to(repo_root)), n)
        for folder in ("bot", "tests", "bench", "migrations")
        for path in (repo_root / folder).rglob("*.py")
        if (n := len(path.read_text().splitlines())) > MAX_LINES
    ]
    assert long == []


def test_each_feature_is_one_folder_that_wires_only_its_own_listeners(repo_root: Path) -> None:
    folders = {p.name for p in (repo_root / "bot" / "features").iterdir() if p.is_dir()}
    folders.discard("__pycache__")
    assert {f.name for f in FEATURES} == folders
    for name in folders:
        tree = ast.parse((repo_root / "bot" / "features" / name / "feature.py").read_text())
        imported = {
            f"{node.module}.{alias.name}"
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module
            for alias in node.names
        }
        foreign = {m for m in imported if m.startswith("bot.features.")}
        assert all(m.startswith(f"bot.features.{name}.") for m in foreign), (name, foreign)
