"""The features, each a folder of its own (see docs/DESIGN.md, "Adding a feature").

The order is the order of the help's command list."""

from bot.features.cycles.feature import FEATURE as CYCLES
from bot.features.feedback.feature import FEATURE as FEEDBACK
from bot.features.help.feature import FEATURE as HELP
from bot.features.home.feature import FEATURE as HOME
from bot.features.joining.feature import FEATURE as JOINING
from bot.features.kits.feature import FEATURE as KITS
from bot.features.notes.feature import FEATURE as NOTES
from bot.features.nudges.feature import FEATURE as NUDGES
from bot.features.pairings.feature import FEATURE as PAIRINGS
from bot.features.program.feature import FEATURE as PROGRAM
from bot.features.rounds.feature import FEATURE as ROUNDS
from bot.features.sessions.feature import FEATURE as SESSIONS
from bot.features.summaries.feature import FEATURE as SUMMARIES
from bot.features.workspaces.feature import FEATURE as WORKSPACES
from bot.platform.feature import Feature

FEATURES: tuple[Feature, ...] = (
    JOINING,
    SESSIONS,
    FEEDBACK,
    NOTES,
    KITS,
    NUDGES,
    CYCLES,
    PAIRINGS,
    HELP,
    HOME,
    ROUNDS,
    SUMMARIES,
    WORKSPACES,
    PROGRAM,
)

__all__ = ["FEATURES", "Feature"]
