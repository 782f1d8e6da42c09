"""Export 100 k contributions to XLSX: peak memory (RSS) and rows per second.

Seeds a fresh SQLite database (100 k submitted contributions, 5 answers each), then exports in
a child process that reports its RSS before the export (the baseline: interpreter, libraries,
questionnaire) and its peak RSS (ru_maxrss). The CSV export of the same rows runs the same way,
for comparison. Target: XLSX peak RSS under 250 MB.

    python bench/export_memory.py [--contributions 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import _common  # noqa: F401  (puts the project on sys.path)
from _seed import ANSWERS_PER_CONTRIBUTION, seed_sqlite

from storage.engine import create_engine
from storage.migrate import upgrade_to_head

ROOT = Path(__file__).resolve().parent.parent

CHILD = """
import asyncio, json, resource, sys, time
from zoneinfo import ZoneInfo
from bot.i18n import use_locale
from bot.domain.questionnaire import default_questionnaire
from bot.jobs.outputs import export_csv, export_xlsx
from storage.engine import create_engine, create_session_factory
from storage.reports import Scope

def rss_mb():
    lines = open("/proc/self/status").read().splitlines()
    return next(int(l.split()[1]) for l in lines if l.startswith("VmRSS")) / 1024

async def main(path, fmt):
    engine = create_engine("sqlite+aiosqlite:///" + path)
    factory = create_session_factory(engine)
    questionnaire = default_questionnaire()
    baseline = rss_mb()
    started = time.perf_counter()
    async with factory() as session:
        with use_locale("fr"):
            writer = export_xlsx if fmt == "xlsx" else export_csv
            paris = ZoneInfo("Europe/Paris")
            content = await writer(session, questionnaire, Scope(), 5, "fr", paris)
    elapsed = time.perf_counter() - started
    await engine.dispose()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"baseline_mb": baseline, "peak_mb": peak, "seconds": elapsed,
                      "bytes": len(content)}))

asyncio.run(main(sys.argv[1], sys.argv[2]))
"""


def run_child(path: Path, fmt: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), fmt],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=1800,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contributions", type=int, default=100_000)
    args = parser.parse_args()
    path = Path(tempfile.mkdtemp(prefix="relais-export-")) / "bench.sqlite3"
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    await upgrade_to_head(engine)
    await engine.dispose()
    rows = seed_sqlite(str(path), args.contributions * ANSWERS_PER_CONTRIBUTION)
    for fmt in ("xlsx", "csv"):
        figures = run_child(path, fmt)
        print(
            f"{fmt.upper():4s}: {rows:,} contributions in {figures['seconds']:6.1f} s "
            f"({rows / figures['seconds']:,.0f} rows/s), file {figures['bytes'] / 1e6:5.1f} MB, "
            f"RSS before {figures['baseline_mb']:5.0f} MB, peak {figures['peak_mb']:5.0f} MB "
            f"(+{figures['peak_mb'] - figures['baseline_mb']:.0f} MB)"
        )
    print("target: XLSX peak RSS < 250 MB")


if __name__ == "__main__":
    asyncio.run(main())
