"""`python -m bot export`."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import datetime, time, timedelta
from pathlib import Path

from bot.cli.common import open_database
from bot.config import Settings
from bot.domain.geo import get_region
from bot.domain.questionnaire import default_questionnaire
from bot.i18n import use_locale
from bot.jobs.outputs import export_csv, export_xlsx
from bot.services.export import ExportService
from bot.services.roles import CONSOLE
from bot.views.spreadsheets import CSV_DIALECTS
from storage.base import utcnow
from storage.reports import Scope


async def run(settings: Settings, args: argparse.Namespace) -> int:
    questionnaire = default_questionnaire()
    unknown = [t for t in args.theme if questionnaire.theme(t) is None]
    unknown += [r for r in args.region if get_region(r) is None]
    if unknown:
        print(
            f"Unknown theme or region: {', '.join(unknown)}. Themes: "
            f"{', '.join(t.key for t in questionnaire.themes)}; regions are INSEE codes "
            "(84 = Auvergne-Rhône-Alpes).",
            file=sys.stderr,
        )
        return 2
    tz = settings.tz
    start = datetime.combine(args.since, time.min, tzinfo=tz) if args.since else None
    end = (
        datetime.combine(args.until + timedelta(days=1), time.min, tzinfo=tz)
        if args.until
        else utcnow()
    )
    scope = Scope(start=start, end=end, themes=tuple(args.theme), regions=tuple(args.region))
    locale = args.locale or settings.default_locale
    threshold = settings.small_group_threshold
    engine, factory = await open_database(settings)
    try:
        async with factory() as session:
            with use_locale(locale, settings.default_locale):
                if args.format == "csv":
                    dialect = CSV_DIALECTS[args.csv_dialect]
                    content = await export_csv(
                        session, questionnaire, scope, threshold, locale, tz, dialect
                    )
                else:
                    content = await export_xlsx(
                        session, questionnaire, scope, threshold, locale, tz
                    )
            count = await ExportService(session, questionnaire, threshold).record(
                None, scope, written=content is not None, format=args.format, by=CONSOLE
            )
            await session.commit()
    finally:
        await engine.dispose()
    if content is None:
        print(
            f"Fewer than {settings.small_group_threshold} people are behind this selection, so "
            "nothing was written, to protect them. Widen it: more regions or themes, or a "
            "longer period.",
            file=sys.stderr,
        )
        return 3
    await asyncio.to_thread(Path(args.output).write_bytes, content)
    print(f"{count} contributions written to {args.output}.")
    return 0
