"""Settings, read from the environment (and an optional `.env`), validated once at start."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values
from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.domain.cycles import Cycle
from bot.domain.feedback import FeedbackTiming
from bot.domain.nudges import Ladder
from bot.domain.privacy import K_DEFAULT, K_MAX, K_MIN
from bot.domain.quiet import WorkingHours
from bot.domain.sessions import DEFAULT_REMINDERS, parse_reminders
from bot.domain.summary import Digest

SLACK_API_URL = "https://slack.com/api/"
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./flipside.db"
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]

# How to fix each setting, said in the one line that stops the bot when it is wrong.
_FIXES: dict[str, str] = {
    "SLACK_BOT_TOKEN": "copy the Bot User OAuth Token (xoxb-...) from your app's "
    "OAuth & Permissions page",
    "SLACK_SIGNING_SECRET": "copy the Signing Secret from your app's Basic Information page",
    "SLACK_APP_TOKEN": "create an app-level token (xapp-...) with connections:write, "
    "or unset it to serve HTTP",
    "SLACK_API_URL": "use an http(s) URL ending in /api/, e.g. https://slack.com/api/",
    "DATABASE_URL": "use sqlite+aiosqlite:///./flipside.db or "
    "postgresql+asyncpg://user:password@host:5432/dbname",
    "PORT": "use a whole number from 1 to 65535",
    "HOST": "use an interface address such as 0.0.0.0 or 127.0.0.1",
    "LOG_LEVEL": "use one of DEBUG, INFO, WARNING, ERROR",
    "SLACK_USER_CACHE_SECONDS": "use a number of seconds from 0 to 86400, e.g. 300",
    "OUTBOX_DISPATCH_INTERVAL": "use a number of seconds above 0, e.g. 1",
    "OUTBOX_PLAN_INTERVAL": "use a number of seconds above 0, e.g. 60",
    "OUTBOX_REAP_INTERVAL": "use a number of seconds above 0, e.g. 30",
    "OUTBOX_BATCH_SIZE": "use a whole number from 1 to 1000",
    "OUTBOX_CONCURRENCY": "use a whole number from 1 to 100",
    "OUTBOX_RATE_PER_SECOND": "use a number of messages per second above 0, e.g. 20",
    "OUTBOX_CHANNEL_INTERVAL": "use a number of seconds, 0 or more (Slack allows about 1)",
    "OUTBOX_LEASE_SECONDS": "use a number of seconds from 6 to 600, e.g. 15",
    "OUTBOX_MAX_ATTEMPTS": "use a whole number from 1 to 20",
    "FEEDBACK_DELAY_MINUTES": "use a whole number of minutes from 0 to 1440, e.g. 30",
    "FEEDBACK_REASK_HOURS": "use a whole number of hours from 1 to 336, e.g. 48",
    "FEEDBACK_EDIT_HOURS": "use a whole number of hours from 1 to 336, e.g. 24",
    "WORKING_HOURS": "write hours like 09:00-18:00",
    "WORKING_DAYS": "write days like mon-fri or mon,tue,wed,thu",
    "NUDGE_FIRST_DAYS": "use a whole number of days from 1 to 90, e.g. 7",
    "NUDGE_AFTER_SESSION_DAYS": "use a whole number of days from 1 to 180, e.g. 21",
    "NUDGE_STEP_DAYS": "use a whole number of days from 1 to 90, e.g. 7",
    "NUDGE_PAUSE_DAYS": "use a whole number of days from 1 to 180, e.g. 14",
    "CYCLE_WEEKS": "use a whole number of weeks from 2 to 52, e.g. 12",
    "CYCLE_CHOOSE_DAYS": "use a whole number of days from 1 to 60, e.g. 7",
    "SLACK_CLIENT_ID": "copy the Client ID from your app's Basic Information page",
    "SLACK_CLIENT_SECRET": "copy the Client Secret from your app's Basic Information page",
    "SLACK_REDIRECT_URI": "use the full https URL of /slack/oauth_redirect that your app's "
    "OAuth & Permissions page lists",
    "SLACK_AUTHORIZE_URL": "use an https URL such as https://slack.com/oauth/v2/authorize",
    "UNINSTALL_KEEP_DAYS": "use a whole number of days from 0 to 365, e.g. 30",
    "SUMMARY_MIN_GROUP_SIZE": "use a whole number of people from 3 to 25, e.g. 5",
    "DIGEST_WEEKLY": "use on or off",
    "PROGRAM_TIMEZONE": "use an IANA time zone name such as Europe/Berlin or UTC",
    "DIGEST_LATE_HOURS": "use a whole number of hours from 1 to 144, e.g. 48",
    "SESSION_REMINDERS": "list offsets before a session, e.g. 24h,1h (m, h or d; "
    "5 minutes to 14 days), or off",
}


class ConfigError(Exception):
    """A setting is missing or malformed; the message is one line meant for the operator."""


class Settings(BaseSettings):
    """Every setting the bot reads; the README's settings table lists the same names."""

    model_config = SettingsConfigDict(extra="ignore")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # load_settings merges the environment and .env itself, so a test's mapping is all there is.
        return (init_settings,)

    slack_bot_token: str = Field(default="", validation_alias="SLACK_BOT_TOKEN")
    slack_signing_secret: str = Field(default="", validation_alias="SLACK_SIGNING_SECRET")
    slack_app_token: str = Field(default="", validation_alias="SLACK_APP_TOKEN")
    # Many workspaces: Slack's OAuth install flow instead of one SLACK_BOT_TOKEN.
    slack_client_id: str = Field(default="", validation_alias="SLACK_CLIENT_ID")
    slack_client_secret: str = Field(default="", validation_alias="SLACK_CLIENT_SECRET")
    slack_redirect_uri: str = Field(default="", validation_alias="SLACK_REDIRECT_URI")
    slack_authorize_url: str = Field(
        default="https://slack.com/oauth/v2/authorize", validation_alias="SLACK_AUTHORIZE_URL"
    )
    uninstall_keep_days: int = Field(
        default=30, ge=0, le=365, validation_alias="UNINSTALL_KEEP_DAYS"
    )
    slack_api_url: str = Field(default=SLACK_API_URL, validation_alias="SLACK_API_URL")
    database_url: str = Field(default=DEFAULT_DATABASE_URL, validation_alias="DATABASE_URL")
    host: str = Field(default="0.0.0.0", validation_alias="HOST")
    port: int = Field(default=3000, ge=1, le=65535, validation_alias="PORT")
    log_level: LogLevel = Field(default="INFO", validation_alias="LOG_LEVEL")
    # How long what Slack says about a person (name, time zone, admin flags) is taken as fresh.
    user_cache_seconds: float = Field(
        default=300.0, ge=0, le=86_400, validation_alias="SLACK_USER_CACHE_SECONDS"
    )

    # Delivery of the messages the bot sends on its own (the outbox) and its clock.
    dispatch_interval: float = Field(default=1.0, gt=0, validation_alias="OUTBOX_DISPATCH_INTERVAL")
    plan_interval: float = Field(default=60.0, gt=0, validation_alias="OUTBOX_PLAN_INTERVAL")
    reap_interval: float = Field(default=10.0, gt=0, validation_alias="OUTBOX_REAP_INTERVAL")
    batch_size: int = Field(default=100, ge=1, le=1000, validation_alias="OUTBOX_BATCH_SIZE")
    concurrency: int = Field(default=8, ge=1, le=100, validation_alias="OUTBOX_CONCURRENCY")
    rate_per_second: float = Field(default=20.0, gt=0, validation_alias="OUTBOX_RATE_PER_SECOND")
    channel_interval: float = Field(default=1.0, ge=0, validation_alias="OUTBOX_CHANNEL_INTERVAL")
    lease_seconds: float = Field(
        default=15.0, ge=6, le=600, validation_alias="OUTBOX_LEASE_SECONDS"
    )
    max_attempts: int = Field(default=6, ge=1, le=20, validation_alias="OUTBOX_MAX_ATTEMPTS")

    # Matching: what each preference is worth in a pair's score (README, "Matching rounds").
    match_weight_pair: float = Field(
        default=2.0, ge=0, le=100, validation_alias="MATCH_WEIGHT_PAIR"
    )
    match_weight_teach: float = Field(
        default=3.0, gt=0, le=100, validation_alias="MATCH_WEIGHT_TEACH"
    )
    match_weight_learn_back: float = Field(
        default=1.0, ge=0, le=100, validation_alias="MATCH_WEIGHT_LEARN_BACK"
    )
    match_weight_cross_department: float = Field(
        default=0.5, ge=0, le=100, validation_alias="MATCH_WEIGHT_CROSS_DEPARTMENT"
    )
    match_weight_time_overlap: float = Field(
        default=1.0, ge=0, le=100, validation_alias="MATCH_WEIGHT_TIME_OVERLAP"
    )
    match_weight_level_gap: float = Field(
        default=1.0, ge=0, le=100, validation_alias="MATCH_WEIGHT_LEVEL_GAP"
    )

    session_reminders: str = Field(default=DEFAULT_REMINDERS, validation_alias="SESSION_REMINDERS")

    feedback_delay_minutes: int = Field(
        default=30, ge=0, le=1440, validation_alias="FEEDBACK_DELAY_MINUTES"
    )
    feedback_reask_hours: int = Field(
        default=48, ge=1, le=336, validation_alias="FEEDBACK_REASK_HOURS"
    )
    feedback_edit_hours: int = Field(
        default=24, ge=1, le=336, validation_alias="FEEDBACK_EDIT_HOURS"
    )

    working_hours: str = Field(default="09:00-18:00", validation_alias="WORKING_HOURS")
    working_days: str = Field(default="mon-fri", validation_alias="WORKING_DAYS")
    nudge_first_days: int = Field(default=7, ge=1, le=90, validation_alias="NUDGE_FIRST_DAYS")
    nudge_after_session_days: int = Field(
        default=21, ge=1, le=180, validation_alias="NUDGE_AFTER_SESSION_DAYS"
    )
    nudge_step_days: int = Field(default=7, ge=1, le=90, validation_alias="NUDGE_STEP_DAYS")
    nudge_pause_days: int = Field(default=14, ge=1, le=180, validation_alias="NUDGE_PAUSE_DAYS")

    cycle_weeks: int = Field(default=12, ge=2, le=52, validation_alias="CYCLE_WEEKS")
    cycle_choose_days: int = Field(default=7, ge=1, le=60, validation_alias="CYCLE_CHOOSE_DAYS")

    summary_min_group_size: int = Field(
        default=K_DEFAULT, ge=K_MIN, le=K_MAX, validation_alias="SUMMARY_MIN_GROUP_SIZE"
    )
    digest_weekly: bool = Field(default=True, validation_alias="DIGEST_WEEKLY")
    program_timezone: str = Field(default="UTC", validation_alias="PROGRAM_TIMEZONE")
    digest_late_hours: int = Field(default=48, ge=1, le=144, validation_alias="DIGEST_LATE_HOURS")

    @field_validator("program_timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError("not a time zone") from exc
        return value

    @property
    def digest(self) -> Digest:
        return Digest(
            enabled=self.digest_weekly,
            zone=self.program_timezone,
            late=timedelta(hours=self.digest_late_hours),
        )

    @property
    def cycle(self) -> Cycle:
        return Cycle(
            length=timedelta(weeks=self.cycle_weeks),
            choose_within=timedelta(days=self.cycle_choose_days),
        )

    @field_validator("working_hours")
    @classmethod
    def _hours(cls, value: str) -> str:
        WorkingHours.parse(value, "mon-fri")
        return value

    @field_validator("working_days")
    @classmethod
    def _days(cls, value: str) -> str:
        WorkingHours.parse("09:00-18:00", value)
        return value

    @property
    def hours(self) -> WorkingHours:
        return WorkingHours.parse(self.working_hours, self.working_days)

    @property
    def ladder(self) -> Ladder:
        return Ladder(
            first_after_intro=timedelta(days=self.nudge_first_days),
            first_after_session=timedelta(days=self.nudge_after_session_days),
            step=timedelta(days=self.nudge_step_days),
            pause_after_risk=timedelta(days=self.nudge_pause_days),
        )

    @property
    def feedback_timing(self) -> FeedbackTiming:
        return FeedbackTiming(
            ask_after_end=timedelta(minutes=self.feedback_delay_minutes),
            ask_again_after=timedelta(hours=self.feedback_reask_hours),
            editable_for=timedelta(hours=self.feedback_edit_hours),
        )

    @field_validator("session_reminders")
    @classmethod
    def _reminders(cls, value: str) -> str:
        parse_reminders(value)
        return value

    @property
    def reminder_offsets(self) -> tuple[timedelta, ...]:
        return parse_reminders(self.session_reminders)

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("slack_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("not an http(s) URL")
        return value if value.endswith("/") else value + "/"

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        try:
            url = make_url(value)
        except ArgumentError as exc:
            raise ValueError("not a database URL") from exc
        if url.drivername not in ("sqlite+aiosqlite", "postgresql+asyncpg"):
            raise ValueError(f"driver {url.drivername!r} is not supported")
        return value

    @property
    def match_weights(self) -> dict[str, float]:
        """The weights as `MatchRules` names them."""
        prefix = "match_"
        return {
            name.removeprefix(prefix): float(getattr(self, name))
            for name in type(self).model_fields
            if name.startswith(prefix + "weight_")
        }

    @property
    def socket_mode(self) -> bool:
        return bool(self.slack_app_token)

    @property
    def oauth(self) -> bool:
        """Installed per workspace through Slack's OAuth flow (SLACK_CLIENT_ID and _SECRET)."""
        return bool(self.slack_client_id and self.slack_client_secret)

    @field_validator("slack_redirect_uri", "slack_authorize_url")
    @classmethod
    def _web_url(cls, value: str) -> str:
        if value and not value.startswith(("https://", "http://")):
            raise ValueError("not an http(s) URL")
        return value


def _problem(name: str, detail: str) -> ConfigError:
    fix = _FIXES.get(name, "see the settings table in the README")
    return ConfigError(f"{name} {detail}: {fix}.")


def load_settings(
    environ: Mapping[str, str] | None = None,
    *,
    env_file: Path | None = Path(".env"),
    require_slack: bool = True,
) -> Settings:
    """Read and check the settings; raise ConfigError with one line naming what is wrong.

    `require_slack=False` is for commands such as `migrate` that never talk to Slack.
    """
    env: dict[str, str] = {}
    if env_file is not None and env_file.is_file():
        env.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    env.update(os.environ if environ is None else environ)
    try:
        settings = Settings.model_validate(_from(env))
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else "a setting"
        raise _problem(name.upper(), f"is invalid ({first['msg'].lower()})") from None
    if bool(settings.slack_client_id) != bool(settings.slack_client_secret):
        missing = "SLACK_CLIENT_SECRET" if settings.slack_client_id else "SLACK_CLIENT_ID"
        raise _problem(missing, "is not set (installing for many workspaces needs both)")
    if not require_slack:
        return settings
    if settings.oauth:
        return _check_oauth(settings)
    if not settings.slack_bot_token:
        raise _problem("SLACK_BOT_TOKEN", "is not set")
    if not settings.slack_bot_token.startswith("xoxb-"):
        raise _problem("SLACK_BOT_TOKEN", "does not look like a bot token (xoxb-...)")
    if settings.slack_app_token and not settings.slack_app_token.startswith("xapp-"):
        raise _problem("SLACK_APP_TOKEN", "does not look like an app-level token (xapp-...)")
    if not settings.socket_mode and not settings.slack_signing_secret:
        raise _problem("SLACK_SIGNING_SECRET", "is not set (HTTP mode needs it)")
    return settings


def _check_oauth(settings: Settings) -> Settings:
    """Many workspaces: each installation brings its own token, over HTTP (Slack does not
    let a distributed app use Socket Mode), so a fixed token would only mix workspaces up."""
    if settings.slack_bot_token:
        raise ConfigError(
            "SLACK_BOT_TOKEN is set with SLACK_CLIENT_ID and SLACK_CLIENT_SECRET: choose one "
            "workspace with its bot token, or many through the install flow (unset the token)."
        )
    if settings.socket_mode:
        raise ConfigError(
            "SLACK_APP_TOKEN is set with SLACK_CLIENT_ID and SLACK_CLIENT_SECRET: an app "
            "installed in many workspaces is served over HTTP; unset SLACK_APP_TOKEN."
        )
    if not settings.slack_signing_secret:
        raise _problem("SLACK_SIGNING_SECRET", "is not set (HTTP mode needs it)")
    return settings


def _from(env: Mapping[str, str]) -> dict[str, str]:
    """Only the names we know, so that an explicit mapping wins over the process environment."""
    names = {str(f.validation_alias) for f in Settings.model_fields.values()}
    return {name: env[name] for name in names if name in env}
