"""Tallies read from the database: streamed person by person, each person counted once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.questionnaire import default_questionnaire
from bot.services.tallies import collect_tallies, collect_tallies_by_region
from storage.reports import Scope
from tests.seed import Person, add_contribution, add_people, entry_answers

END = datetime(2025, 3, 5, 7, 0, tzinfo=UTC)


async def test_tallies_count_a_person_once_even_with_two_submitted_contributions(session) -> None:
    await add_people(session, [Person(100 + i) for i in range(6)])
    for i in range(6):
        await add_contribution(session, 100 + i, "entry", END - timedelta(days=2), entry_answers())
    again = entry_answers()
    again["entry_top_barriers"] = {"choice_keys": ["mobility", "health"]}
    await add_contribution(session, 100, "entry", END - timedelta(days=1), again)
    await session.flush()

    tallies = await collect_tallies(session, default_questionnaire(), Scope(end=END), 5)
    barriers = next(t for t in tallies["entry"] if t.question == "entry_top_barriers")
    counts = {o.key: (o.people, o.at_least) for o in barriers.options}
    assert barriers.respondents == 6  # six people, seven contributions
    assert counts["mobility"] == (6, None) and counts["housing"] == (6, None)
    assert counts["health"] == (None, None)  # one person: "fewer than 5"


async def test_tallies_per_region_only_for_the_regions_that_may_be_shown_on_their_own(
    session,
) -> None:
    people = [Person(200 + i, region="84") for i in range(6)]
    people += [Person(300 + i, region="75", department="33") for i in range(5)]
    await add_people(session, people)
    for person in people:
        answers = entry_answers()
        if person.region == "75":
            answers["entry_top_barriers"] = {"choice_keys": ["childcare"]}
        await add_contribution(session, person.id, "entry", END - timedelta(days=1), answers)
    await session.flush()

    by_region = await collect_tallies_by_region(session, default_questionnaire(), Scope(end=END), 5)

    assert set(by_region) == {"84", "75"}

    def barriers(code: str) -> dict:
        tally = next(t for t in by_region[code]["entry"] if t.question == "entry_top_barriers")
        return {o.key: o.people for o in tally.options}

    assert barriers("84")["mobility"] == 6 and barriers("84")["childcare"] is None
    assert barriers("75")["childcare"] == 5 and barriers("75")["mobility"] is None


async def test_a_region_is_left_out_when_the_regions_shown_would_tell_what_few_others_chose(
    session,
) -> None:
    # 6 + 6 people in two regions, 3 in a third: the third is hidden, so the two shown ones,
    # subtracted from the overall tally, would give the 3 people's answers: the smaller goes.
    people = [Person(200 + i, region="84") for i in range(7)]
    people += [Person(300 + i, region="75", department="33") for i in range(6)]
    people += [Person(400 + i, region="53", department="35") for i in range(3)]
    await add_people(session, people)
    for person in people:
        await add_contribution(
            session, person.id, "entry", END - timedelta(days=1), entry_answers()
        )
    await session.flush()

    by_region = await collect_tallies_by_region(session, default_questionnaire(), Scope(end=END), 5)

    assert set(by_region) == {"84"}  # 6 + 3 = 9 people left out of the sheet: enough
