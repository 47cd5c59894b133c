"""`mentor-bot demo`: the real bot over real HTTP against the Slack stand-in."""

from bot.demo.run import run_demo

__all__ = ["run_demo"]
