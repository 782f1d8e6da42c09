"""`python -m bot synthesis`: what the field says, printed (text or JSON)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, time

from bot.cli.common import open_database
from bot.config import Settings
from bot.domain.geo import get_region
from bot.domain.questionnaire import default_questionnaire
from bot.i18n import use_locale
from bot.services.synthesis import collect_synthesis
from bot.views.synthesis import synthesis_json, synthesis_text
from storage.base import utcnow
from storage.reports import Scope


async def run(settings: Settings, args: argparse.Namespace) -> int:
    questionnaire = default_questionnaire()
    if args.theme and questionnaire.theme(args.theme) is None:
        themes = ", ".join(t.key for t in questionnaire.themes)
        print(f"Unknown theme: {args.theme}. Themes: {themes}.", file=sys.stderr)
        return 2
    if args.region and get_region(args.region) is None:
        print(
            f"Unknown region: {args.region}. Regions are INSEE codes "
            "(84 = Auvergne-Rhône-Alpes, 75 = Nouvelle-Aquitaine).",
            file=sys.stderr,
        )
        return 2
    start = datetime.combine(args.since, time.min, tzinfo=settings.tz) if args.since else None
    scope = Scope(
        start=start,
        end=utcnow(),
        themes=(args.theme,) if args.theme else (),
        regions=(args.region,) if args.region else (),
    )
    locale = args.locale or settings.default_locale
    engine, factory = await open_database(settings)
    try:
        async with factory() as uow:
            synthesis = await collect_synthesis(
                uow, questionnaire, scope, settings.small_group_threshold
            )
            with use_locale(locale, settings.default_locale):
                if args.format == "json":
                    output = json.dumps(
                        synthesis_json(synthesis, locale), ensure_ascii=False, indent=2
                    )
                else:
                    output = synthesis_text(synthesis, locale)
    finally:
        await engine.dispose()
    print(output)
    return 0
