"""SQL aggregates behind digests and exports, on both engines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage.reports import ReportRepo, Scope
from tests.seed import Person, add_contribution, add_people, entry_answers

T0 = datetime(2025, 3, 5, 7, 0, tzinfo=UTC)


async def seed(session) -> None:
    await add_people(session, [Person(1), Person(2), Person(3, "33", "75", role="director")])
    await add_contribution(session, 1, "entry", T0 - timedelta(days=3), entry_answers("ancienne"))
    await add_contribution(session, 1, "pathway", T0 - timedelta(hours=2), {})
    await add_contribution(session, 2, "entry", T0 - timedelta(hours=1), entry_answers("récente"))
    await add_contribution(
        session,
        3,
        "entry",
        T0 - timedelta(minutes=30),
        entry_answers("retirée"),
        status="withdrawn",
    )
    await add_contribution(session, 3, "entry", T0 - timedelta(minutes=20), {}, status="draft")
    await session.commit()


PERIOD = Scope(start=T0 - timedelta(days=1), end=T0)


async def test_counts_cover_submitted_contributions_of_the_period_only(session) -> None:
    await seed(session)
    reports = ReportRepo(session)
    assert await reports.count(PERIOD) == 2
    assert await reports.count(Scope(end=T0)) == 3  # running total: withdrawn and drafts excluded
    themes = await reports.by_theme(PERIOD)
    assert {k: (g.contributors, g.contributions) for k, g in themes.items()} == {
        "entry": (1, 1),
        "pathway": (1, 1),
    }
    assert await reports.count(Scope(start=PERIOD.start, end=T0, regions=("75",))) == 0


async def test_groups_count_distinct_contributors_per_region(session) -> None:
    await seed(session)
    groups = await ReportRepo(session).groups(Scope(end=T0), "region_code")
    assert [(g.key, g.contributors, g.contributions) for g in groups] == [("84", 2, 3)]


async def test_new_contributors_are_people_whose_first_submission_is_in_the_period(session) -> None:
    await seed(session)
    assert await ReportRepo(session).new_contributors(PERIOD) == 1  # person 2; person 1 is older


async def test_proposals_are_newest_first_and_never_withdrawn(session) -> None:
    await seed(session)
    rows = await ReportRepo(session).proposals(Scope(end=T0), ["entry_proposal"], limit=5)
    assert [r.text for r in rows] == ["récente", "ancienne"]
    assert rows[0].department_code == "38" and rows[0].role == "cip"


async def test_hourly_buckets_are_utc_hours(session) -> None:
    await seed(session)
    rows = await ReportRepo(session).hourly(PERIOD)
    # (hour, theme, person, contributions): the person is only counted, never shown.
    assert sorted(rows) == [("2025-03-05 05", "pathway", 1, 1), ("2025-03-05 06", "entry", 2, 1)]


async def test_contributors_are_distinct_people_behind_a_result_set(session) -> None:
    await seed(session)
    reports = ReportRepo(session)
    assert await reports.contributors(Scope(end=T0)) == 2  # person 1 twice, person 2
    assert await reports.contributors(PERIOD) == 2
    assert await reports.contributors(Scope(end=T0, themes=("pathway",))) == 1
    assert await reports.contributors(Scope(end=T0, regions=("75",))) == 0


async def test_proposals_leave_out_texts_the_scrubbing_worker_has_not_reached(session) -> None:
    await add_people(session, [Person(1)])
    await add_contribution(session, 1, "entry", T0 - timedelta(hours=1), entry_answers("vu"))
    await add_contribution(
        session, 1, "entry", T0 - timedelta(minutes=5), entry_answers("en attente"), scrubbed=False
    )
    reports = ReportRepo(session)
    rows = await reports.proposals(Scope(end=T0), ["entry_proposal"], limit=5)
    assert [r.text for r in rows] == ["vu"]
    rows = [row async for batch in reports.stream_contributions(Scope(end=T0)) for row in batch]
    answers = await reports.current_answers([row.contribution_id for row in rows])
    waiting = [a for rows in answers.values() for a in rows if a.pending]
    assert {a.question_key for a in waiting} == {"entry_barriers", "entry_proposal"}
    assert all(a.text_value is None for a in waiting)


async def test_voice_notes_count_only_for_people_who_chose_to_keep_them(session) -> None:
    await add_people(session, [Person(1), Person(2, voice_choice=None)])
    await add_contribution(session, 1, "entry", T0 - timedelta(hours=1), entry_answers(voice=True))
    await add_contribution(session, 2, "entry", T0 - timedelta(hours=1), entry_answers(voice=True))
    reports = ReportRepo(session)
    assert await reports.count_voice_notes(Scope(end=T0)) == 1
    assert [n.file_id for n in await reports.voice_notes(Scope(end=T0))] == ["voice-abc"]


async def test_export_stream_yields_every_contribution_in_batches(session) -> None:
    await seed(session)
    reports = ReportRepo(session)
    batches = [batch async for batch in reports.stream_contributions(Scope(end=T0), batch=2)]
    assert [len(b) for b in batches] == [2, 1]
    answers = await reports.current_answers([row.contribution_id for b in batches for row in b])
    assert sum(len(a) for a in answers.values()) == 10
