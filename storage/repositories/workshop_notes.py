"""Workshop notes: what was said at workshop days, imported by organisers (`workshop_notes`).

A note is no person: nothing here joins `users`, and the small-group rule (which counts people)
does not apply to notes. The scope filters mirror `storage.reports.Scope`: themes, regions (the
note's own region; a national note, region None, is left out as soon as regions are asked
for), and [start, end) on `imported_at`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select

from storage.models import WorkshopNote
from storage.reports import Scope
from storage.unit_of_work import UnitOfWork

AUTO_PREFIX = "W-auto-"  # references the import makes up; "W-<id>" for the ids files give
_CHUNK = 500  # references per IN (...): well under SQLite's and asyncpg's parameter limits


@dataclass(frozen=True)
class WorkshopNoteRow:
    reference: str
    theme_key: str
    region_code: str | None  # None: national
    text: str  # scrubbed
    imported_at: datetime


def _where(
    themes: Sequence[str],
    regions: Sequence[str],
    start: datetime | None,
    end: datetime | None,
    not_themes: Sequence[str] = (),
    not_regions: Sequence[str] = (),
) -> list:
    conditions = []
    if themes:
        conditions.append(WorkshopNote.theme_key.in_(themes))
    if not_themes:
        conditions.append(WorkshopNote.theme_key.not_in(not_themes))
    if regions:
        conditions.append(WorkshopNote.region_code.in_(regions))
    if not_regions:
        conditions.append(
            or_(WorkshopNote.region_code.is_(None), WorkshopNote.region_code.not_in(not_regions))
        )
    if start is not None:
        conditions.append(WorkshopNote.imported_at >= start)
    if end is not None:
        conditions.append(WorkshopNote.imported_at < end)
    return conditions


def _scope_where(scope: Scope) -> list:
    return _where(
        scope.themes, scope.regions, scope.start, scope.end, scope.not_themes, scope.not_regions
    )


class WorkshopNoteRepo:
    def __init__(self, session: UnitOfWork) -> None:
        self.session = session

    async def existing_references(self, refs: Iterable[str]) -> set[str]:
        """Which of these references are already stored."""
        wanted = sorted(set(refs))
        found: set[str] = set()
        for i in range(0, len(wanted), _CHUNK):
            chunk = wanted[i : i + _CHUNK]
            found.update(
                await self.session.scalars(
                    select(WorkshopNote.reference).where(WorkshopNote.reference.in_(chunk))
                )
            )
        return found

    async def next_auto_number(self) -> int:
        """The first n after every stored "W-auto-<n>" (1 when there is none): numbers are never
        reused."""
        stored = await self.session.scalars(
            select(WorkshopNote.reference).where(WorkshopNote.reference.startswith(AUTO_PREFIX))
        )
        numbers = [int(tail) for ref in stored if (tail := ref[len(AUTO_PREFIX) :]).isdigit()]
        return max(numbers, default=0) + 1

    async def add_many(self, rows: Iterable[WorkshopNote]) -> int:
        """Stage the notes and flush (a reference already taken fails here); how many."""
        notes = list(rows)
        self.session.add_all(notes)
        await self.session.flush()
        return len(notes)

    async def in_scope(
        self,
        themes: Sequence[str] = (),
        regions: Sequence[str] = (),
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> list[WorkshopNoteRow]:
        """Notes of these themes and regions (empty: all) imported in [start, end), by
        `imported_at` then `reference`."""
        return await self._rows(_where(themes, regions, start, end))

    async def in_scope_of(self, scope: Scope) -> list[WorkshopNoteRow]:
        """`in_scope` for a report's scope (its `not_themes` and `not_regions` too)."""
        return await self._rows(_scope_where(scope))

    async def count_by_theme(
        self,
        themes: Sequence[str] = (),
        regions: Sequence[str] = (),
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> dict[str, int]:
        """Notes per theme key, same filters as `in_scope` (themes without notes are absent)."""
        return await self._counts(_where(themes, regions, start, end))

    async def count_by_theme_of(self, scope: Scope) -> dict[str, int]:
        return await self._counts(_scope_where(scope))

    async def _rows(self, conditions: list) -> list[WorkshopNoteRow]:
        result = await self.session.execute(
            select(
                WorkshopNote.reference,
                WorkshopNote.theme_key,
                WorkshopNote.region_code,
                WorkshopNote.text,
                WorkshopNote.imported_at,
            )
            .where(*conditions)
            .order_by(WorkshopNote.imported_at, WorkshopNote.reference)
        )
        return [WorkshopNoteRow(*row) for row in result]

    async def _counts(self, conditions: list) -> dict[str, int]:
        result = await self.session.execute(
            select(WorkshopNote.theme_key, func.count())
            .where(*conditions)
            .group_by(WorkshopNote.theme_key)
            .order_by(WorkshopNote.theme_key)
        )
        return {theme: count for theme, count in result}
