"""Settings: defaults, and one clear line for each missing or malformed value."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.platform.config import DEFAULT_DATABASE_URL, SLACK_API_URL, ConfigError, load_settings

VALID = {"SLACK_BOT_TOKEN": "xoxb-1-2-abc", "SLACK_SIGNING_SECRET": "s3cret"}
OAUTH = {"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "x", "SLACK_SIGNING_SECRET": "s3cret"}


def test_many_workspaces_need_the_client_credentials_and_no_bot_token() -> None:
    settings = load_settings(OAUTH, env_file=None)
    assert settings.oauth and not settings.slack_bot_token and not settings.socket_mode


def test_defaults() -> None:
    settings = load_settings(VALID, env_file=None)
    assert settings.slack_api_url == SLACK_API_URL
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert settings.port == 3000
    assert settings.log_level == "INFO"
    assert not settings.socket_mode


def test_matching_weights_reach_the_rules() -> None:
    from bot.domain.matching import MatchRules

    settings = load_settings({**VALID, "MATCH_WEIGHT_CROSS_DEPARTMENT": "2.5"}, env_file=None)
    rules = MatchRules(**settings.match_weights)  # type: ignore[arg-type]
    assert rules.weight_cross_department == 2.5 and rules.weight_teach == 3.0


def test_socket_mode_needs_no_signing_secret() -> None:
    settings = load_settings(
        {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1-A-1-abc"}, env_file=None
    )
    assert settings.socket_mode


def test_api_url_gets_its_trailing_slash() -> None:
    settings = load_settings({**VALID, "SLACK_API_URL": "https://slack-gov.com/api"}, env_file=None)
    assert settings.slack_api_url == "https://slack-gov.com/api/"


def test_dotenv_is_read_and_the_environment_wins(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("SLACK_BOT_TOKEN=xoxb-from-file\nPORT=4000\nLOG_LEVEL=debug\n")
    settings = load_settings({"SLACK_SIGNING_SECRET": "x", "PORT": "5000"}, env_file=env_file)
    assert settings.slack_bot_token == "xoxb-from-file"
    assert settings.port == 5000
    assert settings.log_level == "DEBUG"


@pytest.mark.parametrize(
    ("env", "names"),
    [
        ({}, "SLACK_BOT_TOKEN is not set"),
        ({"SLACK_BOT_TOKEN": "xoxp-user"}, "SLACK_BOT_TOKEN does not look like a bot token"),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET is not set"),
        ({**VALID, "SLACK_APP_TOKEN": "nope"}, "SLACK_APP_TOKEN does not look like"),
        ({**VALID, "PORT": "http"}, "PORT is invalid"),
        ({**VALID, "PORT": "70000"}, "PORT is invalid"),
        ({**VALID, "LOG_LEVEL": "chatty"}, "LOG_LEVEL is invalid"),
        ({**VALID, "DATABASE_URL": "mysql://db/x"}, "DATABASE_URL is invalid"),
        ({**VALID, "DATABASE_URL": "::::"}, "DATABASE_URL is invalid"),
        ({**VALID, "SLACK_API_URL": "slack.com/api"}, "SLACK_API_URL is invalid"),
        ({**VALID, "MATCH_WEIGHT_TEACH": "0"}, "MATCH_WEIGHT_TEACH is invalid"),
        ({**VALID, "MATCH_WEIGHT_PAIR": "-1"}, "MATCH_WEIGHT_PAIR is invalid"),
        ({**VALID, "MATCH_WEIGHT_LEVEL_GAP": "1e39"}, "MATCH_WEIGHT_LEVEL_GAP is invalid"),
        (
            {**VALID, "SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "x"},
            "SLACK_BOT_TOKEN is set with SLACK_CLIENT_ID and SLACK_CLIENT_SECRET",
        ),
        ({**OAUTH, "SLACK_CLIENT_SECRET": ""}, "SLACK_CLIENT_SECRET is not set"),
        ({**OAUTH, "SLACK_APP_TOKEN": "xapp-1-A"}, "SLACK_APP_TOKEN is set with"),
        ({"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "x"}, "SLACK_SIGNING_SECRET is not"),
        ({**OAUTH, "SLACK_REDIRECT_URI": "flipside/redirect"}, "SLACK_REDIRECT_URI is invalid"),
    ],
)
def test_bad_settings_name_the_problem_in_one_line(env: dict[str, str], names: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(env, env_file=None)
    message = str(caught.value)
    assert message.startswith(names)
    assert "\n" not in message


def test_migrate_needs_no_slack_tokens() -> None:
    assert load_settings({}, env_file=None, require_slack=False).slack_bot_token == ""
