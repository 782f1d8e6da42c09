from __future__ import annotations

import pytest

from bot.config import DEFAULT_DATABASE_URL, ConfigError, load_settings


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.chdir(tmp_path)  # no .env from the developer's checkout
    for name in (
        "BOT_TOKEN",
        "DATABASE_URL",
        "ADMIN_IDS",
        "TIMEZONE",
        "DEFAULT_LOCALE",
        "TELEGRAM_API_URL",
    ):
        monkeypatch.delenv(name, raising=False)


def test_defaults_work_when_nothing_is_configured() -> None:
    settings = load_settings()
    assert settings.bot_token is None
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert (settings.timezone, settings.default_locale) == ("Europe/Paris", "fr")
    assert settings.telegram_api_url == "https://api.telegram.org"


def test_token_is_secret_when_printed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", "123456:ABCDEF-secret")
    settings = load_settings()
    assert "ABCDEF" not in repr(settings) and "ABCDEF" not in str(settings.bot_token)
    assert settings.bot_token.get_secret_value() == "123456:ABCDEF-secret"


@pytest.mark.parametrize(
    ("variable", "value", "named"),
    [
        ("TIMEZONE", "Mars/Olympus", "Invalid TIMEZONE"),
        ("DEFAULT_LOCALE", "de", "Invalid DEFAULT_LOCALE"),
        ("ADMIN_IDS", "alice,bob", "Invalid ADMIN_IDS"),
        ("DATABASE_URL", "mysql://x", "Invalid DATABASE_URL"),
        ("BOT_TOKEN", "not-a-token", "Invalid BOT_TOKEN"),
        ("TELEGRAM_API_URL", "ftp://x", "Invalid TELEGRAM_API_URL"),
        ("MAX_ANSWER_LENGTH", "10", "Invalid MAX_ANSWER_LENGTH"),
    ],
)
def test_bad_value_stops_with_one_sentence_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, named: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as error:
        load_settings()
    message = str(error.value)
    assert message.startswith(named) and message.endswith(".") and "\n" not in message
    assert "Traceback" not in message and "pydantic" not in message


def test_admin_ids_are_parsed_when_separated_by_commas_or_spaces(monkeypatch) -> None:
    monkeypatch.setenv("ADMIN_IDS", "11, 22 33;44")
    assert load_settings().admin_ids == (11, 22, 33, 44)


def test_plain_postgres_url_gets_the_async_driver_when_given_by_a_host() -> None:
    settings = load_settings(database_url="postgres://u:p@db:5432/relais")
    assert settings.database_url == "postgresql+asyncpg://u:p@db:5432/relais"


def test_dotenv_file_is_read_when_present(tmp_path, monkeypatch) -> None:
    (tmp_path / ".env").write_text("ADMIN_IDS=7\nTELEGRAM_API_URL=http://127.0.0.1:8081/\n")
    settings = load_settings()
    assert settings.admin_ids == (7,)
    assert settings.telegram_api_url == "http://127.0.0.1:8081"


def test_platform_database_urls_with_sslmode_are_read_for_asyncpg() -> None:
    settings = load_settings(database_url="postgres://u:p@db.example:5432/relais?sslmode=require")
    assert settings.database_url == "postgresql+asyncpg://u:p@db.example:5432/relais?ssl=require"


@pytest.mark.parametrize(
    ("variable", "value"),
    [("webhook_secret", "short"), ("log_level", "verbose"), ("redis_url", "localhost:6379")],
)
def test_production_settings_are_checked_when_invalid(variable: str, value: str) -> None:
    with pytest.raises(ConfigError, match=variable.upper()):
        load_settings(**{variable: value})
