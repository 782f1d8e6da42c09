"""Logs: one line per event, JSON on demand, never the token or the webhook secret."""

from __future__ import annotations

import json
import logging

import pytest

from bot.config import load_settings
from bot.logs import configure_logging

TOKEN = "123456:AAH-secret-token-value"


@pytest.fixture
def restore_logging():
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_token_and_secret_are_redacted_even_in_tracebacks(
    capsys, restore_logging, log_format: str
) -> None:
    settings = load_settings(
        bot_token=TOKEN, webhook_secret="hook-secret-for-tests", log_format=log_format
    )
    configure_logging(settings)
    log = logging.getLogger("test")
    log.info("calling https://api.telegram.org/bot%s/getMe", TOKEN)
    try:
        raise ConnectionError(
            f"cannot reach /bot{TOKEN}/sendMessage (secret hook-secret-for-tests)"
        )
    except ConnectionError:
        log.exception("request failed")
    err = capsys.readouterr().err
    assert TOKEN not in err and "hook-secret-for-tests" not in err
    assert err.count("***") >= 3
    if log_format == "json":
        lines = [json.loads(line) for line in err.strip().splitlines()]
        assert [line["level"] for line in lines] == ["INFO", "ERROR"]
        assert lines[1]["message"] == "request failed" and "ConnectionError" in lines[1]["exc_info"]
    else:
        assert err.splitlines()[0].endswith(
            "INFO test: calling https://api.telegram.org/bot***/getMe"
        )


def test_log_format_must_be_text_or_json() -> None:
    from bot.config import ConfigError

    with pytest.raises(ConfigError, match="LOG_FORMAT"):
        load_settings(log_format="xml")
