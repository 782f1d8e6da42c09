"""A meeting's brief, rendered to PDF and read back: what it says, and what it must not."""

from __future__ import annotations

import io
from datetime import timedelta
from zoneinfo import ZoneInfo

from pypdf import PdfReader

from bot.domain.questionnaire import default_questionnaire
from bot.i18n import use_locale
from bot.jobs.outputs import build_brief
from storage.models import Meeting
from tests.seed import Person, add_contribution, add_people
from tests.storage.test_synthesis import CHILDCARE, END, MOBILITY, import_notes, seed_entry

PARIS = ZoneInfo("Europe/Paris")


async def brief_text(session, meeting: Meeting, locale: str = "fr") -> tuple[str, PdfReader]:
    with use_locale(locale):
        pdf = await build_brief(
            session,
            default_questionnaire(),
            meeting,
            END,
            threshold=5,
            locale=locale,
            tz=PARIS,
        )
    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(text.split()), reader


async def add_meetings(session) -> Meeting:
    earlier = Meeting(starts_at=END - timedelta(days=3), city="Grenoble", regions=["84"])
    meeting = Meeting(
        starts_at=END + timedelta(days=5),
        city="Lyon",
        regions=["84"],
        venue="Maison des associations",
    )
    session.add_all([earlier, meeting])
    await session.flush()
    return meeting


async def test_the_brief_gives_participation_tallies_groups_and_notes_in_french(session) -> None:
    await seed_entry(session, MOBILITY + CHILDCARE)
    await seed_entry(session, MOBILITY[:5], first_id=300, region="75")  # elsewhere: national
    await import_notes(session, "G-1,1,84,Des bus dès 6 h : appeler le 06 12 34 56 78\n")
    meeting = await add_meetings(session)

    text, reader = await brief_text(session, meeting)

    page = reader.pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    assert "Lyon" in text and "Maison des associations" in text
    assert "Auvergne-Rhône-Alpes" in text  # accents print
    # Participation: the region next to the national figures, per department.
    assert "9 personnes ont contribué depuis ces régions (14 au niveau national)" in text
    assert "Isère (38)" in text
    # Since the previous meeting, in Grenoble.
    assert "Depuis la réunion précédente (Grenoble, 2 mars 2025)" in text
    # The theme, its closed questions (charts) and its grouped answers with quotes.
    assert "1. Repérage, entrée en IAE et levée des freins" in text
    assert "Financer le permis de conduire des salariés en parcours" in text
    assert "W-G-1" in text  # the workshop note, grouped or listed whole
    assert "06 12" not in text  # scrubbed at import
    assert "Comment ce dossier est fait" in text
    assert "page 1/" in text


async def test_a_brief_of_a_region_too_few_people_answered_shows_only_workshop_notes(
    session,
) -> None:
    await seed_entry(session, MOBILITY + CHILDCARE, region="84")
    await seed_entry(session, MOBILITY[:3], first_id=300, region="75")  # 3 people in Nouvelle-A.
    await import_notes(session, "B-1,1,75,Un garage solidaire à Pau\n")
    meeting = Meeting(starts_at=END + timedelta(days=5), city="Bordeaux", regions=["75"])
    session.add(meeting)
    await session.flush()

    text, _ = await brief_text(session, meeting)

    assert "Bordeaux" in text and "Nouvelle-Aquitaine" in text
    assert "Moins de 5 personnes des régions de la réunion ont contribué" in text
    assert "Un garage solidaire à Pau" in text  # workshop notes are shown whole
    for sentence in MOBILITY[:3]:  # none of what the three people wrote
        assert sentence not in text
    assert "C-T" not in text


async def test_the_brief_follows_the_reader_language(session) -> None:
    await seed_entry(session, MOBILITY + CHILDCARE)
    meeting = await add_meetings(session)
    text, _ = await brief_text(session, meeting, locale="en")
    assert "Workshop brief: Lyon" in text
    assert "Since the previous meeting (Grenoble, March 2, 2025)" in text


async def test_national_figures_are_left_out_where_they_would_count_the_few_elsewhere(
    session,
) -> None:
    await seed_entry(session, MOBILITY + CHILDCARE)  # 9 in Auvergne-Rhône-Alpes
    await seed_entry(session, MOBILITY[:2], first_id=300, region="75")  # 2 elsewhere, theme 1
    others = [Person(500 + i, region="75", department="33") for i in range(6)]
    await add_people(session, others)
    for person in others:  # 6 more elsewhere, on theme 2 only: the meeting may be shown
        answers = {"path_proposal": {"text_value": "Des tuteurs en entreprise"}}
        await add_contribution(session, person.id, "pathway", END - timedelta(days=1), answers)
    meeting = await add_meetings(session)

    text, _ = await brief_text(session, meeting)

    assert "9 personnes ont contribué depuis ces régions (17 au niveau national)" in text
    row = text[text.index("1. Repérage, entrée en IAE et levée des freins 9 9") :][:80]
    assert "— —" in row  # 11 nationally minus 9 here would count the 2 elsewhere
    assert "(100 %)" not in text and "(100\u00a0%)" not in text  # no national share either
