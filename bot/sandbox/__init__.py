"""The local Slack stand-in: a fake Web API server, a request driver, validation and rendering.

Used by the tests and by `mentor-bot demo`; see docs/DESIGN.md, "The Slack stand-in".
"""

from bot.sandbox.driver import DriverResult, SlackDriver
from bot.sandbox.records import (
    ApiCall,
    Fault,
    Faults,
    PostedMessage,
    SeenEvent,
    SlackError,
    StoredFile,
    StoredView,
)
from bot.sandbox.render import render_blocks, render_element, render_text, render_view
from bot.sandbox.server import SlackStandIn
from bot.sandbox.validation import AUTO, BlockKitValidator, find_schema_dir
from bot.sandbox.workspace import SandboxChannel, SandboxUser, Workspace, demo_workspace

__all__ = [
    "AUTO",
    "ApiCall",
    "BlockKitValidator",
    "DriverResult",
    "Fault",
    "Faults",
    "PostedMessage",
    "SandboxChannel",
    "SandboxUser",
    "SeenEvent",
    "SlackDriver",
    "SlackError",
    "SlackStandIn",
    "StoredFile",
    "StoredView",
    "Workspace",
    "demo_workspace",
    "find_schema_dir",
    "render_blocks",
    "render_element",
    "render_text",
    "render_view",
]
