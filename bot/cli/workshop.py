"""`python -m bot workshop`: import workshop notes from a CSV file, list them.

The file's format is in bot/services/workshop_notes.py. Every problem is printed with its line;
nothing is imported unless the whole file is valid (`--dry-run` only checks it).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.cli.common import open_database
from bot.config import Settings
from bot.domain.geo import get_region
from bot.domain.questionnaire import default_questionnaire
from bot.services.workshop_notes import (
    ImportProblem,
    ImportResult,
    NoteProblem,
    WorkshopNoteService,
    resolve_note_region,
    resolve_theme,
)

PREVIEW = 60  # characters of a note's text that `workshop list` shows


async def run(settings: Settings, args: argparse.Namespace) -> int:
    if args.workshop_command == "list":
        return await _list(settings, args)
    return await _import(settings, args)


async def _import(settings: Settings, args: argparse.Namespace) -> int:
    try:
        content = await asyncio.to_thread(Path(args.file).read_bytes)
    except OSError as error:
        print(f"Cannot read {args.file}: {error.strerror}.", file=sys.stderr)
        return 2
    engine, factory = await open_database(settings)
    try:
        source = Path(args.file).name
        if args.dry_run:
            async with factory() as session:  # reads only; closed without a commit
                outcome = await WorkshopNoteService(session).import_csv(
                    content, source, dry_run=True
                )
        else:
            async with factory() as session, session.begin():  # one commit, for every note
                outcome = await WorkshopNoteService(session).import_csv(content, source)
    finally:
        await engine.dispose()
    if isinstance(outcome, list):
        print("\n".join(_problem(args.file, problem) for problem in outcome), file=sys.stderr)
        print("Nothing was imported.", file=sys.stderr)
        return 2
    print(summary(outcome, settings.default_locale))
    return 0


async def _list(settings: Settings, args: argparse.Namespace) -> int:
    questionnaire = default_questionnaire()
    try:
        themes = [resolve_theme(theme, questionnaire).key for theme in args.theme]
        regions = [code for region in args.region if (code := resolve_note_region(region))]
    except NoteProblem as problem:
        print(f"{str(problem).capitalize()}.", file=sys.stderr)
        return 2
    engine, factory = await open_database(settings)
    try:
        async with factory() as session:
            notes = await WorkshopNoteService(session, questionnaire).listing(themes, regions)
    finally:
        await engine.dispose()
    if not notes:
        print("No workshop note.")
    for note in notes:
        region = get_region(note.region_code) if note.region_code else None
        text = " ".join(note.text.split())
        preview = text if len(text) <= PREVIEW else text[: PREVIEW - 1] + "…"
        print(
            f"{note.reference}  {note.theme_key}  [{region.name if region else 'national'}]  "
            f"{preview}"
        )
    return 0


def _problem(file: str, problem: ImportProblem) -> str:
    where = file if problem.line == 0 else f"{file}, line {problem.line}"
    return f"{where}: {problem.message}."


def summary(result: ImportResult, locale: str) -> str:
    """ "3 workshop notes imported: 2 in 1. Repérage et entrée en IAE, 1 in 3. Territoire..." """
    questionnaire = default_questionnaire()
    parts = []
    for key, count in result.per_theme.items():
        theme = questionnaire.theme(key)
        assert theme is not None
        title = (theme.short_title or theme.title).get(locale)
        parts.append(f"{count} in {theme.number}. {title}")
    notes = "workshop note" if result.imported == 1 else "workshop notes"
    if result.dry_run:
        verb = "is" if result.imported == 1 else "are"
        return (
            f"{result.imported} {notes} {verb} valid: {', '.join(parts)}. "
            "Nothing was imported (--dry-run)."
        )
    return f"{result.imported} {notes} imported: {', '.join(parts)}."
