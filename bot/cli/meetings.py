"""`python -m bot meetings`."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.cli.common import open_database
from bot.config import Settings
from bot.domain.geo import get_region
from bot.domain.questionnaire import default_questionnaire
from bot.services.meetings import MeetingService, read_csv, validate
from storage.base import utcnow


async def run(settings: Settings, args: argparse.Namespace) -> int:
    engine, factory = await open_database(settings)
    try:
        if args.meetings_command == "cancel":
            async with factory() as session, session.begin():
                withdrawn = await MeetingService(session, settings).cancel(args.id)
            if withdrawn is None:
                print(f"No scheduled meeting #{args.id}.", file=sys.stderr)
                return 1
            print(f"Meeting #{args.id} cancelled; {withdrawn} pending reminders withdrawn.")
            return 0
        if args.meetings_command == "list":
            async with factory() as session:
                upcoming = await MeetingService(session, settings).upcoming(utcnow())
            if not upcoming:
                print("No upcoming meeting.")
            for meeting in upcoming:
                local = meeting.starts_at.astimezone(settings.tz).strftime("%Y-%m-%d %H:%M")
                regions = ", ".join(r.name for c in meeting.regions if (r := get_region(c)))
                print(
                    f"#{meeting.id}  {local}  {meeting.city}  "
                    f"[{regions or 'national'}]  {meeting.theme_key or ''}  "
                    f"{meeting.venue or ''}".rstrip()
                )
            return 0
        try:
            content = await asyncio.to_thread(Path(args.file).read_text, encoding="utf-8-sig")
        except OSError as error:
            print(f"Cannot read {args.file}: {error.strerror}.", file=sys.stderr)
            return 2
        rows = read_csv(content)
        questionnaire, now = default_questionnaire(), utcnow()
        drafts, problems = [], []
        for line, row in enumerate(rows, start=2):
            result = validate(row, questionnaire, now, settings.tz)
            if isinstance(result, list):
                problems += [f"{args.file}, line {line}: {error}." for error in result]
            else:
                drafts.append(result)
        if problems or not rows:
            print("\n".join(problems) or f"{args.file}: no meeting found.", file=sys.stderr)
            print("Nothing was imported.", file=sys.stderr)
            return 2
        async with factory() as session, session.begin():
            meetings = MeetingService(session, settings)
            for draft in drafts:
                await meetings.add(draft, created_by=None)
        print(f"{len(drafts)} meetings imported.")
        return 0
    finally:
        await engine.dispose()
