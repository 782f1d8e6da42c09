"""Settings read from the environment and an optional `.env` file (pydantic-settings).

A bad value stops start-up with one sentence naming the variable (`ConfigError`), never a traceback:
a newcomer must see which line of their `.env` to fix.
"""

from __future__ import annotations

import re
from datetime import time
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale
from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"


def discover_locales(locales_dir: Path = LOCALES_DIR) -> tuple[str, ...]:
    """The languages are the catalogs in `locales/` (French first, the consultation's own):
    adding one is a catalog and the questionnaire's texts, no code (README)."""
    found = sorted(p.parent.parent.name for p in locales_dir.glob("*/LC_MESSAGES/messages.po"))
    return tuple(sorted(found, key=lambda code: (code != "fr", code))) or ("fr",)


SUPPORTED_LOCALES = discover_locales()


def language_name(code: str) -> str:
    """A language in its own words ("Français", "English", "Deutsch"), from Babel."""
    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/relais.sqlite3"
SANDBOX_DATABASE_URL = "sqlite+aiosqlite:///./data/sandbox.sqlite3"
# On SIGTERM: how long updates in flight (and then the background jobs) may take to finish.
SHUTDOWN_GRACE_SECONDS = 10


class ConfigError(Exception):
    """A configuration value is missing or invalid; the message names the variable."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    bot_token: SecretStr | None = None
    database_url: str = DEFAULT_DATABASE_URL
    telegram_api_url: str = "https://api.telegram.org"
    admin_ids: Annotated[tuple[int, ...], NoDecode] = ()
    timezone: str = "Europe/Paris"
    default_locale: str = "fr"
    log_level: str = "INFO"
    # Bounded free text: long enough for a real answer, short enough for a phone screen.
    max_answer_length: int = Field(default=2000, ge=100, le=3500)
    digest_time: str = "08:00"  # default hour of organisers' digests, in TIMEZONE
    small_group_threshold: int = Field(default=5, ge=1, le=100)
    invitation_ttl_hours: int = Field(default=72, ge=1, le=24 * 30)
    send_rate: float = Field(default=25.0, gt=0, le=1000)  # outbox messages per second, overall
    # "Droit à la déconnexion": nothing but urgent messages between these hours, nor on Sundays.
    quiet_hours: str = "20:00-08:00"
    quiet_sundays: bool = True
    reminder_days: Annotated[tuple[int, ...], NoDecode] = (7, 1)  # days before a meeting
    reminder_time: str = "10:00"
    preread_days: int = Field(default=2, ge=0, le=30)  # pre-read this many days before, at 10:00
    # Several instances: FSM state and the send-rate limit shared through Redis.
    redis_url: str | None = None
    # Webhook mode (`python -m bot webhook`): Telegram posts updates to WEBHOOK_URL with the
    # header X-Telegram-Bot-Api-Secret-Token: WEBHOOK_SECRET; the server listens on PORT.
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    port: int = Field(default=8080, ge=1, le=65535)
    webhook_host: str = "0.0.0.0"
    log_format: str = "text"  # text | json
    # Data protection (docs/privacy.md). The notice names the controller, a contact and the DPO;
    # webhook (production) mode refuses to start without them.
    privacy_controller: str | None = None
    privacy_contact: str | None = None
    privacy_dpo: str | None = None
    privacy_hosting: str | None = None  # the hosting provider, a processor named in the notice
    # Everything about a person goes RETENTION_DAYS after their last message to the bot; each
    # contribution RETENTION_DAYS after its last change; delivered messages sooner.
    retention_days: int = Field(default=365, ge=30, le=3650)
    outbox_retention_days: int = Field(default=30, ge=1, le=365)
    # Keys the erasure ledger's hashes of Telegram ids (docs/privacy.md, "Restore").
    erasure_ledger_key: SecretStr | None = None

    @field_validator("bot_token", mode="before")
    @classmethod
    def _empty_token_is_none(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        if isinstance(value, str) and ":" not in value:
            raise ValueError(
                "it does not look like a token from BotFather (expected 123456:ABC...)"
            )
        return value

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _parse_admin_ids(cls, value: object) -> object:
        if isinstance(value, str):
            cleaned = value.strip().strip("[]").replace(";", ",").replace(" ", ",")
            parts = [p for p in cleaned.split(",") if p]
            try:
                return tuple(int(p) for p in parts)
            except ValueError:
                raise ValueError("expected Telegram user ids separated by commas") from None
        return value

    @field_validator(
        "redis_url",
        "webhook_url",
        "privacy_controller",
        "privacy_contact",
        "privacy_dpo",
        "privacy_hosting",
        mode="before",
    )
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("redis_url")
    @classmethod
    def _redis_scheme(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("redis://", "rediss://")):
            raise ValueError("expected redis://host:6379/0 (or rediss:// for TLS)")
        return value

    @field_validator("webhook_url")
    @classmethod
    def _webhook_scheme(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("https://", "http://")):
            raise ValueError("expected the public https:// address Telegram will post to")
        return value

    @field_validator("webhook_secret", mode="before")
    @classmethod
    def _secret_charset(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        if isinstance(value, str) and not re.fullmatch(r"[A-Za-z0-9_-]{16,256}", value):
            raise ValueError(
                "use 16 to 256 characters among A-Z, a-z, 0-9, _ and - (Telegram allows these; "
                "a short secret is guessable)"
            )
        return value

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        if value.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            raise ValueError("expected DEBUG, INFO, WARNING, ERROR or CRITICAL")
        return value.upper()

    @field_validator("log_format")
    @classmethod
    def _log_format(cls, value: str) -> str:
        if value.lower() not in ("text", "json"):
            raise ValueError("expected text or json")
        return value.lower()

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (e.g. Europe/Paris)") from None
        return value

    @field_validator("default_locale")
    @classmethod
    def _supported_locale(cls, value: str) -> str:
        if value not in SUPPORTED_LOCALES:
            raise ValueError(f"must be one of {', '.join(SUPPORTED_LOCALES)}")
        return value

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        if value.startswith(("postgres://", "postgresql://", "postgresql+asyncpg://")):
            # Hosting platforms hand out plain URLs (the async driver is implied), often with
            # libpq's `sslmode`, which asyncpg calls `ssl`.
            rest = value.split("://", 1)[1]
            return "postgresql+asyncpg://" + re.sub(r"([?&])sslmode=", r"\1ssl=", rest)
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("use sqlite+aiosqlite:///path or postgresql+asyncpg://user@host/db")
        return value

    @field_validator("reminder_days", mode="before")
    @classmethod
    def _parse_days(cls, value: object) -> object:
        if isinstance(value, str):
            try:
                days = tuple(sorted({int(p) for p in value.replace(" ", "").split(",") if p}))
            except ValueError:
                raise ValueError("expected days before a meeting, like 7,1") from None
            if not days or any(d < 0 or d > 60 for d in days):
                raise ValueError("expected days between 0 and 60, like 7,1")
            return days
        return value

    @field_validator("quiet_hours")
    @classmethod
    def _hours_range(cls, value: str) -> str:
        start, _, end = value.replace(" ", "").partition("-")
        return f"{cls._clock_time(start)}-{cls._clock_time(end)}"

    @field_validator("digest_time", "reminder_time")
    @classmethod
    def _clock_time(cls, value: str) -> str:
        hour, _, minute = value.strip().partition(":")
        if not (hour.isdigit() and minute.isdigit() and int(hour) < 24 and int(minute) < 60):
            raise ValueError("expected a time like 08:00")
        return f"{int(hour):02d}:{int(minute):02d}"

    @property
    def quiet_window(self) -> tuple[time, time]:
        start, end = self.quiet_hours.split("-")
        return time.fromisoformat(start), time.fromisoformat(end)

    @property
    def digest_hour_minute(self) -> tuple[int, int]:
        hour, minute = self.digest_time.split(":")
        return int(hour), int(minute)

    @field_validator("telegram_api_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @property
    def ledger_key(self) -> str:
        """The erasure ledger's key; a fixed, public one outside production (the webhook mode
        requires ERASURE_LEDGER_KEY)."""
        if self.erasure_ledger_key is not None:
            return self.erasure_ledger_key.get_secret_value()
        return "relais-development-ledger-key"

    def missing_for_production(self) -> list[str]:
        """Settings a production deployment must give (the privacy notice needs them)."""
        required = {
            "PRIVACY_CONTROLLER": self.privacy_controller,
            "PRIVACY_CONTACT": self.privacy_contact,
            "PRIVACY_DPO": self.privacy_dpo,
            "PRIVACY_HOSTING": self.privacy_hosting,
            "ERASURE_LEDGER_KEY": self.erasure_ledger_key,
        }
        return [name for name, value in required.items() if value is None]

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def sqlite_path(self) -> Path | None:
        if self.database_url.startswith("sqlite+aiosqlite:///"):
            return Path(self.database_url.removeprefix("sqlite+aiosqlite:///"))
        return None


def load_settings(**overrides: object) -> Settings:
    """Build settings, turning pydantic's report into one sentence per bad variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        sentences = []
        for error in exc.errors():
            name = str(error["loc"][0]).upper() if error["loc"] else "configuration"
            message = str(error["msg"]).removeprefix("Value error, ")
            sentences.append(f"Invalid {name}: {message}.")
        raise ConfigError(" ".join(sentences)) from None
