"""Workshop notes on both engines: the repository's scopes, and the all-or-nothing import."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from bot.services.workshop_notes import ImportProblem, ImportResult, WorkshopNoteService
from storage.models import User, WorkshopNote
from storage.reports import ReportRepo, Scope
from storage.repositories.workshop_notes import WorkshopNoteRepo, WorkshopNoteRow

MONDAY = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)
TUESDAY = MONDAY + timedelta(days=1)


def note(reference: str, theme: str, region: str | None, at: datetime, text: str = "t"):
    return WorkshopNote(
        reference=reference,
        theme_key=theme,
        region_code=region,
        text=text,
        imported_at=at,
        source="atelier.csv",
    )


async def seed(session) -> None:
    repo = WorkshopNoteRepo(session)
    await repo.add_many(
        [
            note("W-b", "entry", "84", MONDAY),
            note("W-a", "entry", "84", MONDAY),
            note("W-c", "pathway", "53", MONDAY),
            note("W-d", "entry", None, TUESDAY),
            note("W-e", "territory", "84", TUESDAY),
        ]
    )
    await session.commit()


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


async def count_notes(session) -> int:
    return await session.scalar(select(func.count()).select_from(WorkshopNote))


async def test_notes_come_back_by_import_time_then_reference_when_read_in_scope(session) -> None:
    await seed(session)
    rows = await WorkshopNoteRepo(session).in_scope()
    assert [row.reference for row in rows] == ["W-a", "W-b", "W-c", "W-d", "W-e"]
    assert rows[0] == WorkshopNoteRow("W-a", "entry", "84", "t", MONDAY)
    assert rows[0].imported_at.tzinfo is not None


async def test_themes_regions_and_period_narrow_the_notes_when_given(session) -> None:
    await seed(session)
    repo = WorkshopNoteRepo(session)

    async def refs(**filters) -> list[str]:
        return [row.reference for row in await repo.in_scope(**filters)]

    assert await refs(themes=["entry"]) == ["W-a", "W-b", "W-d"]
    # A national note (no region) is not a note of any region.
    assert await refs(regions=["84"]) == ["W-a", "W-b", "W-e"]
    assert await refs(themes=["entry", "pathway"], regions=["84", "53"]) == ["W-a", "W-b", "W-c"]
    assert await refs(start=TUESDAY) == ["W-d", "W-e"]
    assert await refs(end=TUESDAY) == ["W-a", "W-b", "W-c"]  # [start, end)
    assert await refs(start=MONDAY, end=MONDAY + timedelta(hours=1)) == ["W-a", "W-b", "W-c"]
    # Another offset is the same instant.
    paris = timezone(timedelta(hours=1))
    assert await refs(start=TUESDAY.astimezone(paris)) == ["W-d", "W-e"]


async def test_counts_per_theme_follow_the_same_filters_when_asked(session) -> None:
    await seed(session)
    repo = WorkshopNoteRepo(session)
    assert await repo.count_by_theme() == {"entry": 3, "pathway": 1, "territory": 1}
    assert await repo.count_by_theme(regions=["84"]) == {"entry": 2, "territory": 1}
    assert await repo.count_by_theme(themes=["pathway"], start=TUESDAY) == {}


async def test_a_report_scope_selects_the_same_notes_when_passed_whole(session) -> None:
    await seed(session)
    repo = WorkshopNoteRepo(session)
    scope = Scope(start=MONDAY, end=TUESDAY + timedelta(days=1), themes=("entry",), regions=("84",))
    assert [row.reference for row in await repo.in_scope_of(scope)] == ["W-a", "W-b"]
    assert await repo.count_by_theme_of(scope) == {"entry": 2}
    complement = Scope(not_regions=("84",))  # national notes are outside every region
    assert [row.reference for row in await repo.in_scope_of(complement)] == ["W-c", "W-d"]


async def test_existing_references_are_found_and_a_taken_one_fails_when_added_again(
    session,
) -> None:
    await seed(session)
    repo = WorkshopNoteRepo(session)
    refs = [f"W-x{i}" for i in range(1200)] + ["W-a", "W-e"]  # more than one IN (...) chunk
    assert await repo.existing_references(refs) == {"W-a", "W-e"}
    assert await repo.existing_references([]) == set()
    with pytest.raises(IntegrityError):
        await repo.add_many([note("W-a", "entry", "84", TUESDAY)])


async def test_a_file_is_imported_scrubbed_with_its_references_when_every_row_is_valid(
    session,
) -> None:
    service = WorkshopNoteService(session, clock=Clock(MONDAY))
    content = (
        "id;theme;region;text\n"
        "12;1;auvergne rhone alpes;Appeler le 06 12 34 56 78, demander Mathilde Girard\n"
        ";territory;;Écrire à marie.durand@example.org\n"
        ";2;Bretagne;Tutorat\n"
    ).encode()
    result = await service.import_csv(content, "atelier-lyon.csv")
    await session.commit()

    assert result == ImportResult(
        imported=3,
        per_theme={"entry": 1, "pathway": 1, "territory": 1},
        references=("W-12", "W-auto-1", "W-auto-2"),
    )
    stored = list(await session.scalars(select(WorkshopNote).order_by(WorkshopNote.id)))
    assert [(n.reference, n.theme_key, n.region_code, n.text) for n in stored] == [
        ("W-12", "entry", "84", "Appeler le [téléphone], demander [nom]"),
        ("W-auto-1", "territory", None, "Écrire à [e-mail]"),
        ("W-auto-2", "pathway", "53", "Tutorat"),
    ]
    assert {(n.source, n.imported_at) for n in stored} == {("atelier-lyon.csv", MONDAY)}

    # Made-up numbers go on from the largest stored; they are never reused.
    again = await WorkshopNoteService(session, clock=Clock(TUESDAY)).import_csv(
        "theme,region,text\nentry,84,Suite\n", "atelier-2.csv"
    )
    assert isinstance(again, ImportResult) and again.references == ("W-auto-3",)


async def test_nothing_is_imported_when_one_id_was_imported_before(session) -> None:
    service = WorkshopNoteService(session, clock=Clock(MONDAY))
    first = await service.import_csv("id,theme,region,text\nA1,entry,84,premier\n", "a.csv")
    assert isinstance(first, ImportResult)
    await session.commit()

    second = await service.import_csv(
        "id,theme,region,text\nA2,entry,84,nouveau\nA1,pathway,53,déjà vu\nA3,logement,84,x\n",
        "b.csv",
    )
    assert second == [
        ImportProblem(3, "id 'A1' was already imported (as W-A1)"),
        ImportProblem(4, "unknown theme 'logement' (entry, pathway, territory or 1, 2, 3)"),
    ]
    await session.commit()
    assert await count_notes(session) == 1


async def test_a_dry_run_checks_everything_and_stores_nothing(session) -> None:
    service = WorkshopNoteService(session, clock=Clock(MONDAY))
    result = await service.import_csv("theme,region,text\n1,84,a\n1,53,b\n", "a.csv", dry_run=True)
    assert result == ImportResult(
        imported=2,
        per_theme={"entry": 2},
        references=("W-auto-1", "W-auto-2"),
        dry_run=True,
    )
    assert await count_notes(session) == 0


async def test_notes_count_in_no_contributor_total_when_imported(session) -> None:
    result = await WorkshopNoteService(session, clock=Clock(MONDAY)).import_csv(
        "theme,region,text\nentry,84,a\npathway,84,b\n", "a.csv"
    )
    assert isinstance(result, ImportResult)
    await session.commit()
    reports = ReportRepo(session)
    assert await reports.contributors(Scope()) == 0
    assert await reports.count(Scope()) == 0
    assert await session.scalar(select(func.count()).select_from(User)) == 0
