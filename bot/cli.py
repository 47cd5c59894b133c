"""`mentor-bot`: serve, migrate, demo."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from sqlalchemy.exc import DBAPIError

from bot.platform.config import ConfigError, load_settings
from bot.platform.logs import configure_logging


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mentor-bot", description="Flipside, a reverse-mentoring Slack bot."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub.add_parser("serve", help="run the bot (HTTP, or Socket Mode when SLACK_APP_TOKEN is set)")
    migrate = sub.add_parser("migrate", help="upgrade the database schema (DATABASE_URL)")
    migrate.add_argument("--to", default="head", help="target revision (default: head)")
    outbox = sub.add_parser("outbox", help="show delivery counts by status and the latest errors")
    outbox.add_argument("--errors", type=int, default=10, help="how many recent errors to list")
    demo = sub.add_parser("demo", help="play a scripted scenario against a local Slack stand-in")
    demo.add_argument("--quiet", action="store_true", help="print only the summary")
    demo.add_argument(
        "--socket-mode",
        action="store_true",
        help="Slack talks to the bot over a Socket Mode connection instead of HTTP",
    )
    demo.add_argument(
        "--many-workspaces",
        action="store_true",
        help="install the bot in two workspaces through Slack's OAuth flow",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "serve":
            settings = load_settings()
            configure_logging(settings.log_level)
            from bot.platform.runtime import serve

            return asyncio.run(serve(settings))
        if args.command == "migrate":
            settings = load_settings(require_slack=False)
            configure_logging(settings.log_level)
            return asyncio.run(_migrate(settings.database_url, args.to))
        if args.command == "outbox":
            settings = load_settings(require_slack=False)
            configure_logging("WARNING")
            return asyncio.run(_outbox(settings.database_url, args.errors))
        if args.command == "demo":
            from bot.demo import run_demo

            if args.many_workspaces:
                from bot.demo.workspaces import run_many_workspaces

                return int(asyncio.run(run_many_workspaces(quiet=args.quiet)))
            return int(asyncio.run(run_demo(quiet=args.quiet, socket_mode=args.socket_mode)))
    except ConfigError as exc:
        print(f"mentor-bot: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 2


async def _migrate(url: str, revision: str) -> int:
    from bot.platform.db import migrate
    from bot.platform.db.engine import make_engine

    engine = make_engine(url)
    try:
        await migrate.upgrade(engine, revision)
        current = await migrate.current_revision(engine)
    except (OSError, ConnectionError, DBAPIError) as exc:
        reason = str(exc).splitlines()[0]
        print(f"mentor-bot: cannot reach the database at DATABASE_URL ({reason}).", file=sys.stderr)
        return 1
    finally:
        await engine.dispose()
    print(f"Database schema is at revision {current}.")
    return 0


async def _outbox(url: str, errors: int) -> int:
    from bot.domain.delivery import Status
    from bot.platform.db.engine import make_engine
    from bot.platform.outbox import store

    engine = make_engine(url)
    try:
        counts = await store.counts(engine)
        latest = await store.latest_errors(engine, errors)
    except (OSError, ConnectionError, DBAPIError) as exc:
        print(
            "mentor-bot: cannot read the outbox at DATABASE_URL: is the database up and "
            f"migrated (mentor-bot migrate)? ({str(exc).splitlines()[0]})",
            file=sys.stderr,
        )
        return 1
    finally:
        await engine.dispose()
    print("Outbox by status")
    for status in Status:
        print(f"  {status.value:<10} {counts.get(status.value, 0):>8}")
    print(f"\nLatest errors ({len(latest)})")
    if not latest:
        print("  none")
    for row in latest:
        when = row["updated_at"].strftime("%Y-%m-%d %H:%M:%S UTC")
        print(
            f"  {when}  {row['status']:<8} {row['kind']:<14} attempt {row['attempts']}  "
            f"{row['last_error']}  ({row['dedup_key']})"
        )
    return 0
