"""Nothing heavy is imported before it is used: the bot's process, once its dispatcher is
built, has loaded no spreadsheet, chart, PDF, language-model or Redis library (issue 14's
start-up target; bench/startup_memory.py measures what this saves)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = (
    "spacy",
    "sklearn",
    "scipy",
    "numpy",
    "matplotlib",
    "PIL",
    "fpdf",
    "xlsxwriter",
    "openpyxl",
    "pypdf",
    "srsly",
    "redis",
)

BUILD_THE_BOT = """
import json, sys
from bot.app import create_bot, create_dispatcher
from bot.config import load_settings
from storage.engine import create_engine, create_session_factory

settings = load_settings(database_url="sqlite+aiosqlite:///:memory:", bot_token="1:x")
create_dispatcher(settings, create_session_factory(create_engine(settings.database_url)))
create_bot(settings)
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def test_building_the_bot_loads_no_heavy_library() -> None:
    result = subprocess.run(
        [sys.executable, "-c", BUILD_THE_BOT],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr
    loaded = set(json.loads(result.stdout.strip().splitlines()[-1]))
    assert "aiogram" in loaded and "sqlalchemy" in loaded  # the check sees real imports
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))
