"""The manifest, the Dockerfile and the lock files agree with the code."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
import yaml

from bot.sandbox.validation import find_schema_dir


def _schema(name: str) -> dict:  # type: ignore[type-arg]
    folder = find_schema_dir()
    if folder is None or not (folder / name).is_file():
        pytest.skip("Slack schemas not found: set SLACK_SCHEMAS_DIR or keep ../shared beside")
    return json.loads((folder / name).read_text())


def test_manifest_is_valid(repo_root: Path) -> None:
    import jsonschema

    manifest = yaml.safe_load((repo_root / "manifest.yml").read_text())
    jsonschema.Draft7Validator(_schema("manifest.schema.1.0.0.json")).validate(manifest)
    assert manifest["display_information"]["name"] == "Flipside"
    assert manifest["settings"]["socket_mode_enabled"] is True
    commands = manifest["features"]["slash_commands"]
    assert all(c.get("usage_hint") for c in commands)


def test_manifest_has_the_scopes_the_product_needs(repo_root: Path) -> None:
    manifest = yaml.safe_load((repo_root / "manifest.yml").read_text())
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    needed = {"commands", "chat:write", "im:write", "mpim:write", "users:read", "files:write"}
    assert needed <= scopes
    assert "app_home_opened" in manifest["settings"]["event_subscriptions"]["bot_events"]
    home = manifest["features"]["app_home"]
    assert home["home_tab_enabled"] and home["messages_tab_enabled"]


def test_dockerfile_copies_and_runs_what_exists(repo_root: Path) -> None:
    dockerfile = (repo_root / "Dockerfile").read_text()
    for line in dockerfile.splitlines():
        if line.startswith("COPY") and "--from=" not in line:
            for source in line.split()[1:-1]:
                assert (repo_root / source).exists(), f"Dockerfile copies missing {source}"
    cmd = re.search(r"^CMD \[(.*)\]$", dockerfile, re.M)
    assert cmd is not None
    program = json.loads(f"[{cmd.group(1)}]")[0]
    scripts = tomllib.loads((repo_root / "pyproject.toml").read_text())["project"]["scripts"]
    assert program in scripts
    assert "USER flipside" in dockerfile and "HEALTHCHECK" in dockerfile
    assert "/healthz" in dockerfile
    assert "requirements.lock" in dockerfile


def test_lock_files_pin_every_direct_dependency(repo_root: Path) -> None:
    project = tomllib.loads((repo_root / "pyproject.toml").read_text())["project"]
    lock = (repo_root / "requirements.lock").read_text().lower()
    dev_lock = (repo_root / "requirements-dev.lock").read_text().lower()
    for requirement in project["dependencies"]:
        name = re.split(r"[\[<>=!~ ]", requirement, maxsplit=1)[0].lower()
        assert re.search(rf"^{re.escape(name)}==", lock, re.M), f"{name} not in requirements.lock"
    for requirement in project["optional-dependencies"]["dev"]:
        name = re.split(r"[\[<>=!~ ]", requirement, maxsplit=1)[0].lower()
        assert re.search(rf"^{re.escape(name)}==", dev_lock, re.M), f"{name} not locked"


def test_the_install_flow_asks_for_exactly_the_manifests_scopes(repo_root: Path) -> None:
    from bot.platform.slack.installs import BOT_SCOPES

    manifest = yaml.safe_load((repo_root / "manifest.yml").read_text())
    assert sorted(BOT_SCOPES) == sorted(manifest["oauth_config"]["scopes"]["bot"])
