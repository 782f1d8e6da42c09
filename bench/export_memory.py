"""Export 100 k contributions to XLSX: time, peak memory (RSS) and file size.

Seeds a fresh SQLite database (100 k submitted contributions, 5 answers each), then exports in
a child process that reports its RSS before the export (the baseline: interpreter, libraries,
questionnaire) and its peak RSS (ru_maxrss). The CSV export of the same rows runs the same way,
for comparison: it reads and renders the same contributions, so XLSX minus CSV is roughly what
the workbook itself costs. The CPU time is given too: on a shared machine it varies less than
the elapsed time. Target (issue 12, later): XLSX in at most 10 s, peak RSS at most the
baseline + 80 MB.

    python bench/export_memory.py [--contributions 100000] [--profile]

`--profile` runs the XLSX export once more under cProfile and prints where its time goes:
the export's set-up (counts, people, tallies), reading the contributions, rendering rows, the
workbook writer (cell writes and each row's XML) and closing the file (zip). cProfile slows
Python code about twofold, so compare the shares, not the seconds. To compare with an earlier
writer in the same run: `python bench/against_revision.py REV export_memory.py ...`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
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
import asyncio, cProfile, json, pstats, resource, sys, time
from zoneinfo import ZoneInfo
from bot.i18n import use_locale
from bot.domain.questionnaire import default_questionnaire
from bot.services.export import ExportService
from bot.views.spreadsheets import write_csv, write_xlsx
from storage.engine import create_engine, create_session_factory
from storage.reports import Scope

def rss_mb():
    lines = open("/proc/self/status").read().splitlines()
    return next(int(l.split()[1]) for l in lines if l.startswith("VmRSS")) / 1024

async def export(factory, questionnaire, fmt):
    # What bot/jobs/outputs.py export_xlsx / export_csv do.
    paris = ZoneInfo("Europe/Paris")
    async with factory() as session:
        with use_locale("fr"):
            data = await ExportService(session, questionnaire, 5).data(Scope())
            if fmt == "xlsx":
                return await write_xlsx(data, questionnaire, "fr", paris)
            return await write_csv(data, "fr", paris)

# Where the profiled time goes: (what, function name, the end of its file's path), cumulative.
PARTS = [
    ("set-up: counts, people, tallies", "data", "bot/services/export.py"),
    ("reading contributions (SQLite, ORM)", "entries", "bot/services/export.py"),
    ("rendering rows", "cells", "bot/views/spreadsheets.py"),
    ("rendering long rows", "long_rows", "bot/views/spreadsheets.py"),
    ("writer: cells and rows' XML", "write_row", "xlsxwriter/worksheet.py"),
    ("writer: closing the file (zip)", "close", "xlsxwriter/workbook.py"),
]

def breakdown(profile):
    stats = pstats.Stats(profile).stats
    cumulative = {(f, n): ct for (f, _, n), (_, _, _, ct, _) in stats.items()}
    total = max(cumulative.values())
    parts = {what: sum(ct for (f, n), ct in cumulative.items() if n == name and f.endswith(end))
             for what, name, end in PARTS}
    return {"total": total, **parts}

async def main(path, fmt, profile):
    engine = create_engine("sqlite+aiosqlite:///" + path)
    factory = create_session_factory(engine)
    questionnaire = default_questionnaire()
    baseline = rss_mb()
    started, cpu = time.perf_counter(), time.process_time()
    content = await export(factory, questionnaire, fmt)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures = {"baseline_mb": baseline, "peak_mb": peak, "seconds": elapsed, "cpu": cpu,
               "bytes": len(content)}
    if profile:
        profiler = cProfile.Profile()
        profiler.enable()
        await export(factory, questionnaire, fmt)
        profiler.disable()
        figures["profile"] = breakdown(profiler)
    await engine.dispose()
    print(json.dumps(figures))

asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3] == "profile"))
"""


def run_child(path: Path, fmt: str, profile: bool = False) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), fmt, "profile" if profile else "-"],
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
    parser.add_argument("--profile", action="store_true", help="where the XLSX time goes")
    parser.add_argument(
        "--field-texts",
        action="store_true",
        help="varied, scrubbed text answers (the groups sheet then groups them)",
    )
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="relais-export-"))
    try:
        await export_from(folder / "bench.sqlite3", args)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


async def export_from(path: Path, args: argparse.Namespace) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    await upgrade_to_head(engine)
    await engine.dispose()
    rows = seed_sqlite(
        str(path),
        args.contributions * ANSWERS_PER_CONTRIBUTION,
        field_texts=getattr(args, "field_texts", False),
    )
    for fmt in ("xlsx", "csv"):
        figures = run_child(path, fmt, profile=args.profile and fmt == "xlsx")
        print(
            f"{fmt.upper():4s}: {rows:,} contributions in {figures['seconds']:6.1f} s "
            f"(CPU {figures['cpu']:.1f} s, {rows / figures['seconds']:,.0f} rows/s), "
            f"file {figures['bytes'] / 1e6:5.1f} MB, "
            f"RSS before {figures['baseline_mb']:5.0f} MB, peak {figures['peak_mb']:5.0f} MB "
            f"(+{figures['peak_mb'] - figures['baseline_mb']:.0f} MB)"
        )
        if "profile" in figures:
            total = figures["profile"].pop("total")
            print(f"  profiled XLSX export: {total:.1f} s under cProfile")
            for what, seconds in figures["profile"].items():
                print(f"    {what:38s} {seconds:6.1f} s  {seconds / total:4.0%}")
    print("target: XLSX in at most 10 s, peak RSS at most RSS before + 80 MB")


if __name__ == "__main__":
    asyncio.run(main())
