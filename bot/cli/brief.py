"""`python -m bot brief --meeting ID --output FILE.pdf`: a meeting's brief, printed to a file."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.cli.common import open_database
from bot.config import Settings
from bot.domain.questionnaire import default_questionnaire
from bot.i18n import use_locale
from bot.jobs.outputs import build_brief
from storage.base import utcnow
from storage.repositories.meetings import MeetingRepo


async def run(settings: Settings, args: argparse.Namespace) -> int:
    questionnaire = default_questionnaire()
    locale = args.locale or settings.default_locale
    engine, factory = await open_database(settings)
    try:
        async with factory() as uow:
            meeting = await MeetingRepo(uow).get(args.meeting)
            if meeting is None:
                print(
                    f"No meeting {args.meeting}. `python -m bot meetings list` shows the "
                    "upcoming ones.",
                    file=sys.stderr,
                )
                return 2
            with use_locale(locale, settings.default_locale):
                pdf = await build_brief(
                    uow,
                    questionnaire,
                    meeting,
                    utcnow(),
                    threshold=settings.small_group_threshold,
                    locale=locale,
                    tz=settings.tz,
                )
    finally:
        await engine.dispose()
    await asyncio.to_thread(Path(args.output).write_bytes, pdf)
    print(f"Brief of meeting {meeting.id} ({meeting.city}) written to {args.output}.")
    return 0
