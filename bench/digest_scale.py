"""Digest build time over 10 k, 100 k and 1 M stored answers, and the growth ratio.

Each size gets a fresh SQLite database (contributions spread over 60 days, 5 answers each).
"digest" is what the scheduler computes for one organiser and one day: every aggregate and the
text (`collect_digest` + `render_digest`); "with attachments" adds that day's XLSX and the
14-day chart. Target: digest under 2 s at 1 M answers, through SQL aggregation.

    python bench/digest_scale.py [--sizes 10000,100000,1000000]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import _common  # noqa: F401  (puts the project on sys.path)
from _seed import seed_sqlite

from bot.domain.questionnaire import default_questionnaire
from bot.i18n import use_locale
from bot.jobs.outputs import build_package
from bot.services.digest import collect_digest
from bot.views.digest import render_digest
from storage.engine import create_engine, create_session_factory
from storage.migrate import upgrade_to_head
from storage.reports import Scope

PARIS = __import__("zoneinfo").ZoneInfo("Europe/Paris")


async def measure(answers: int) -> tuple[int, float, float, float]:
    path = Path(tempfile.mkdtemp(prefix="relais-digest-")) / "bench.sqlite3"
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    await upgrade_to_head(engine)
    await engine.dispose()
    end = datetime.now(UTC).replace(microsecond=0)
    started = time.perf_counter()
    contributions = seed_sqlite(str(path), answers, end=end)
    seeding = time.perf_counter() - started
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    factory = create_session_factory(engine)
    questionnaire = default_questionnaire()
    scope = Scope(start=end - timedelta(days=1), end=end)
    async with factory() as session:
        with use_locale("fr"):
            await collect_digest(session, questionnaire, scope, 5)  # warm the cache
            started = time.perf_counter()
            data = await collect_digest(session, questionnaire, scope, 5)
            render_digest(data, questionnaire, "fr", PARIS)
            digest = time.perf_counter() - started
            started = time.perf_counter()
            await build_package(session, questionnaire, scope, threshold=5, locale="fr", tz=PARIS)
            package = time.perf_counter() - started
    await engine.dispose()
    print(
        f"{answers:>9,} answers ({contributions:,} contributions, seeded in {seeding:4.1f} s): "
        f"digest {digest * 1000:7.1f} ms, with attachments {package * 1000:7.1f} ms "
        f"({data.new:,} contributions in the day)"
    )
    return answers, digest, package, seeding


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000,1000000")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    results = [await measure(size) for size in sizes]
    (small, small_digest, _, _), (large, large_digest, _, _) = results[0], results[-1]
    print(
        f"growth: {large / small:.0f}x the answers -> {large_digest / small_digest:.1f}x the "
        f"digest time; at {large:,} answers: {large_digest:.2f} s (target < 2 s)"
    )


if __name__ == "__main__":
    asyncio.run(main())
