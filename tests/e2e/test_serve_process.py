"""`mentor-bot serve` as a real process, driven only by its documented settings."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import time
from pathlib import Path

import httpx

from bot.sandbox import SlackDriver, SlackStandIn

SECRET = "process-signing-secret"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _wait_healthy(url: str, proc: asyncio.subprocess.Process) -> None:
    deadline = time.monotonic() + 30
    async with httpx.AsyncClient() as http:
        while time.monotonic() < deadline:
            if proc.returncode is not None:
                raise AssertionError(f"serve exited early with {proc.returncode}")
            try:
                if (await http.get(url + "/healthz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise AssertionError("serve never became healthy")


async def test_serve_answers_signed_help_and_refuses_forgeries(
    standin: SlackStandIn, database_url: str, tmp_path: Path
) -> None:
    port = _free_port()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "SLACK_BOT_TOKEN": standin.bot_token,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": standin.api_url,
        "DATABASE_URL": database_url,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "LOG_LEVEL": "INFO",
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "serve",
        env=env,
        cwd=tmp_path,  # no .env there, and migrations are found beside the package
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        await _wait_healthy(url, proc)
        driver = SlackDriver(standin, url + "/slack/events", SECRET)
        try:
            ok = await driver.command("U01MAYA", "help")
            assert ok.status == 200
            assert ok.body is not None and "/mentor help" in ok.body["text"]
            assert (await driver.command("U01MAYA", "help", signature="v0=bad")).status == 401
            stale = int(time.time()) - 301
            assert (await driver.command("U01MAYA", "help", timestamp=stale)).status == 401
        finally:
            await driver.aclose()
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(proc.communicate(), 20)
    assert proc.returncode == 0, stderr.decode()[-2000:]
    assert b'"msg": "stopped"' in stderr


async def test_serve_with_a_bad_setting_says_so_in_one_line(tmp_path: Path) -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "serve",
        env={"PATH": os.environ.get("PATH", ""), "SLACK_BOT_TOKEN": "xoxb-1", "PORT": "eighty"},
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await asyncio.wait_for(proc.communicate(), 20)
    assert proc.returncode == 2
    lines = stderr.decode().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mentor-bot: PORT is invalid")
