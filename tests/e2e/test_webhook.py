"""`python -m bot webhook` as a real process, against a fake Bot API process: the secret check,
/healthz, /metrics, JSON logs without the token, and a clean stop on SIGTERM."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.e2e.test_delivery_crash import ROOT, free_port, stats

PRIVACY_ENV = {
    "PRIVACY_CONTROLLER": "Union nationale des associations intermédiaires (test)",
    "PRIVACY_CONTACT": "contact@example.org",
    "PRIVACY_DPO": "dpo@example.org",
    "PRIVACY_HOSTING": "this machine",
    "ERASURE_LEDGER_KEY": "test-ledger-key",
}

TOKEN = "424242:webhook-test-token"
SECRET = "s3cret-for-the-webhook-tests"


def update(update_id: int, chat_id: int, text: str) -> bytes:
    message = {
        "message_id": update_id,
        "date": 1_700_000_000,
        "chat": {"id": chat_id, "type": "private"},
        "from": {"id": chat_id, "is_bot": False, "first_name": "Camille", "language_code": "fr"},
        "text": text,
    }
    return json.dumps({"update_id": update_id, "message": message}).encode()


def post(url: str, body: bytes, secret: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        try:
            get(url)
            return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(url)


def start_bot(command: str, env: dict[str, str]) -> subprocess.Popen:
    """`python -m bot <command>` as its own process, output captured for the assertions."""
    return subprocess.Popen(
        [sys.executable, "-m", "bot", command],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture
def fake_api():
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "bot.devtools.fake_server", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                stats(port)
                break
            except OSError:
                assert time.monotonic() < deadline, "the fake Bot API did not start"
                time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        server.wait(10)


def test_webhook_checks_the_secret_serves_health_and_metrics_and_stops_cleanly(
    tmp_path: Path, fake_api: int
) -> None:
    port = free_port()
    hook = f"http://127.0.0.1:{port}/telegram/hook"
    env = {
        **os.environ,
        "BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": f"http://127.0.0.1:{fake_api}",
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/webhook.sqlite3",
        "WEBHOOK_URL": hook,
        "WEBHOOK_SECRET": SECRET,
        "PORT": str(port),
        "LOG_FORMAT": "json",
        **PRIVACY_ENV,
        # With Redis when the machine has one (CI does): conversation state and the shared rate.
        "REDIS_URL": os.environ.get("TEST_REDIS_URL", ""),
    }
    bot = start_bot("webhook", env)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/healthz", bot)
        registered = stats(fake_api)["webhook"]
        assert (registered["url"], registered["secret_token"]) == (hook, SECRET)

        assert post(hook, update(1, 555, "/start"), secret=None) == 401
        assert post(hook, update(2, 555, "/start"), secret="wrong") == 401
        assert post(hook, update(3, 555, "/start"), secret=SECRET) == 200
        assert get(f"http://127.0.0.1:{port}/healthz") == (
            200,
            '{"status": "ok", "database": "ok"}',
        )
        deadline = time.monotonic() + 10
        while stats(fake_api)["chats"].get("555", 0) < 1:  # handled in the background
            assert time.monotonic() < deadline
            time.sleep(0.1)
        counted = 'relais_updates_total{outcome="ok",type="message"} 1.0'
        deadline = time.monotonic() + 10
        while True:  # the update is counted when its handler returns, just after the reply
            status, metrics = get(f"http://127.0.0.1:{port}/metrics")
            if counted in metrics or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert status == 200 and counted in metrics
        assert 'relais_outbox_messages{status="pending"} 0.0' in metrics

        # Telegram keeps its connections open. An update is accepted, SIGTERM arrives right
        # behind it: that update is still answered, and the next one on the same connection is
        # refused with 503, or finds the connection closed (either way Telegram delivers it again
        # later), instead of being accepted and lost.
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET}
        connection.request("POST", "/telegram/hook", update(4, 556, "/start"), headers)
        accepted = connection.getresponse()
        accepted.read()
        bot.send_signal(signal.SIGTERM)
        time.sleep(0.1)
        try:
            connection.request("POST", "/telegram/hook", update(5, 557, "/start"), headers)
            refused: int | None = connection.getresponse().status
        except (ConnectionError, http.client.HTTPException):
            refused = None  # already closed: not accepted either
        assert accepted.status == 200 and refused in (503, None)
        _, err = bot.communicate(timeout=30)
    finally:
        if bot.poll() is None:
            bot.kill()
    assert bot.returncode == 0
    chats = stats(fake_api)["chats"]
    assert chats.get("556", 0) >= 1 and "557" not in chats
    lines = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    messages = [line["message"] for line in lines]
    assert sum("refused: missing or wrong secret" in m for m in messages) == 2
    assert messages[-1] == "stopped" and any(m.startswith("stopped: ") for m in messages)
    assert TOKEN not in err and TOKEN.split(":")[1] not in err
    assert "/start" not in err  # no message content in the logs


def test_webhook_refuses_to_start_without_the_privacy_settings(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PRIVACY_")}
    env |= {
        "BOT_TOKEN": TOKEN,
        "WEBHOOK_URL": "https://relais.example.org/hook",
        "WEBHOOK_SECRET": SECRET,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/x.sqlite3",
        "PRIVACY_CONTROLLER": "UNAI",
        "ERASURE_LEDGER_KEY": "",
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot", "webhook"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    for name in ("PRIVACY_CONTACT", "PRIVACY_DPO", "PRIVACY_HOSTING", "ERASURE_LEDGER_KEY"):
        assert name in result.stderr
    assert "PRIVACY_CONTROLLER" not in result.stderr.split("needs")[1].split(":")[0]


def test_webhook_refuses_to_start_without_url_or_secret(tmp_path: Path) -> None:
    env = {**os.environ, "BOT_TOKEN": TOKEN, "WEBHOOK_URL": "", "WEBHOOK_SECRET": ""}
    env["DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path}/x.sqlite3"
    result = subprocess.run(
        [sys.executable, "-m", "bot", "webhook"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "WEBHOOK_URL" in result.stderr


def test_polling_mode_drops_the_webhook_and_stops_cleanly_on_sigterm(
    tmp_path: Path, fake_api: int
) -> None:
    env = {
        **os.environ,
        "BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": f"http://127.0.0.1:{fake_api}",
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/polling.sqlite3",
        "LOG_FORMAT": "json",
        "WEBHOOK_URL": "",
        "WEBHOOK_SECRET": "",
    }
    bot = start_bot("run", env)
    try:
        deadline = time.monotonic() + 30
        while stats(fake_api)["methods"].get("getUpdates", 0) < 1:
            assert bot.poll() is None and time.monotonic() < deadline
            time.sleep(0.2)
        bot.send_signal(signal.SIGTERM)
        _, err = bot.communicate(timeout=30)
    finally:
        if bot.poll() is None:
            bot.kill()
    assert bot.returncode == 0
    assert stats(fake_api)["methods"].get("deleteWebhook") == 1
    messages = [json.loads(line)["message"] for line in err.splitlines() if line.startswith("{")]
    assert any(m.startswith("stopped: ") and "released" in m for m in messages)
