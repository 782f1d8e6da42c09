"""Logging: one line per event, plain text or JSON (`LOG_FORMAT=json`, for log platforms).

Secrets never reach the output: the bot token and the webhook secret are replaced by `***` in
every formatted line, tracebacks included (aiohttp errors carry the Bot API URL, which holds the
token). Message contents are not logged at INFO: handlers log ids and outcomes, not texts.
"""

from __future__ import annotations

import logging
import sys

from pythonjsonlogger.json import JsonFormatter

from bot.config import Settings

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def redact(text: str, secrets: tuple[str, ...]) -> str:
    """`text` with every secret replaced by `***`: for logs, and for errors stored in the
    database (an aiohttp error carries the Bot API URL, which holds the token)."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


class _Redacting:
    secrets: tuple[str, ...] = ()

    def redact(self, line: str) -> str:
        return redact(line, self.secrets)


class RedactingTextFormatter(_Redacting, logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return self.redact(super().format(record))


class RedactingJsonFormatter(_Redacting, JsonFormatter):
    def format(self, record: logging.LogRecord) -> str:
        return self.redact(super().format(record))


def configure_logging(settings: Settings, level: int | str | None = None) -> None:
    if settings.log_format == "json":
        formatter: logging.Formatter = RedactingJsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        )
    else:
        formatter = RedactingTextFormatter(TEXT_FORMAT)
    secrets = [settings.bot_token, settings.webhook_secret]
    formatter.secrets = tuple(s.get_secret_value() for s in secrets if s is not None)  # type: ignore[attr-defined]
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level if level is not None else settings.log_level.upper())
    # Alembic announces each of its plugins at INFO on every start: noise, not events.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
