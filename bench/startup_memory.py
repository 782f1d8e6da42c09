"""Cold start and idle memory of the bot process, against a bare aiogram echo bot.

Each side runs in a fresh interpreter: import everything, build the dispatcher (the bot also
migrates its SQLite database and loads the questionnaire and catalogs), then report the time
since the interpreter started and the resident memory (VmRSS) once idle.

    python bench/startup_memory.py [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

ECHO = """
import time, json
t0 = time.perf_counter()
from aiogram import Bot, Dispatcher, Router
from aiogram.types import Message
router = Router()
@router.message()
async def echo(message: Message) -> None:
    await message.answer(message.text or "")
dp = Dispatcher(); dp.include_router(router)
bot = Bot("1:x")
"""

RELAIS = """
import asyncio, time, json
t0 = time.perf_counter()
from bot.app import create_bot, create_dispatcher, set_bot_commands
from bot.config import load_settings
from bot.devtools.fake_api import FAKE_TOKEN, FakeTelegramSession
from storage.engine import create_engine, create_session_factory
from storage.migrate import upgrade_to_head

async def start():
    settings = load_settings(database_url="sqlite+aiosqlite:///" + DB)
    engine = create_engine(settings.database_url)
    await upgrade_to_head(engine)
    bot = create_bot(settings, session=FakeTelegramSession(), token=FAKE_TOKEN)
    dp = create_dispatcher(settings, create_session_factory(engine))
    await set_bot_commands(bot)
    report()
    await engine.dispose()

"""

REPORT = """
def report():
    elapsed = time.perf_counter() - t0
    time.sleep(0.5)  # idle
    rss = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmRSS"))
    print(json.dumps({"ready_s": elapsed, "rss_mb": rss / 1024}))
"""


def run(script: str) -> dict[str, float]:
    started = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(started.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    echo_runs, relais_runs = [], []
    for _ in range(args.runs):
        echo_runs.append(run(ECHO + REPORT + "report()\n"))
        database = Path(tempfile.mkdtemp(prefix="relais-start-")) / "cold.sqlite3"
        script = f"DB = {str(database)!r}\n" + RELAIS + REPORT + "asyncio.run(start())\n"
        relais_runs.append(run(script))
    for label, runs in (("bare echo bot", echo_runs), ("relais (migrate + build)", relais_runs)):
        ready = statistics.median(r["ready_s"] for r in runs)
        rss = statistics.median(r["rss_mb"] for r in runs)
        print(
            f"{label:26s}: ready in {ready * 1000:6.0f} ms (after interpreter start), "
            f"idle RSS {rss:6.1f} MB"
        )
    ready_ratio = statistics.median(r["ready_s"] for r in relais_runs) / statistics.median(
        r["ready_s"] for r in echo_runs
    )
    rss_ratio = statistics.median(r["rss_mb"] for r in relais_runs) / statistics.median(
        r["rss_mb"] for r in echo_runs
    )
    print(
        f"ratio relais / echo: start-up {ready_ratio:.1f}x, memory {rss_ratio:.1f}x "
        f"(median of {args.runs} runs, a new empty database each time)"
    )


if __name__ == "__main__":
    main()
