"""The scrubbing worker completes each revision once with the model and the author's structure
name; organisers' outputs read only its result. Both engines."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
from sqlalchemy import select

from bot.domain.questionnaire import default_questionnaire
from bot.i18n import use_locale
from bot.jobs.outputs import export_xlsx
from bot.jobs.scrubbing import scrub_pending
from storage.models import Answer, OutboxMessage
from storage.reports import ReportRepo, Scope
from tests.seed import Person, add_contribution, add_people, entry_answers

NOW = datetime(2025, 3, 5, 12, 0, tzinfo=UTC)
TEXT = "Karim Benali, accompagné par Structure 1, attend le bus au 06 12 34 56 78"


async def test_worker_masks_names_and_the_authors_structure_then_leaves_the_revision_alone(
    session_factory,
) -> None:
    async with session_factory() as session, session.begin():
        await add_people(session, [Person(1)])  # structure name "Structure 1"
        await add_contribution(session, 1, "entry", NOW, entry_answers(TEXT), scrubbed=False)
    assert await scrub_pending(session_factory, default_questionnaire(), "fr") == 2  # two texts
    assert await scrub_pending(session_factory, default_questionnaire(), "fr") == 0  # once each

    async with session_factory() as session:
        answer = (
            await session.scalars(select(Answer).where(Answer.question_key == "entry_proposal"))
        ).one()
        rows = await ReportRepo(session).proposals(
            Scope(end=NOW + timedelta(1)), ["entry_proposal"], 5
        )
    assert answer.text_value == TEXT  # the author keeps their words
    assert answer.scrubbed_with == "model"
    assert "Karim" not in answer.scrubbed_text and "[nom]" in answer.scrubbed_text
    assert "Structure 1" not in answer.scrubbed_text and "[structure]" in answer.scrubbed_text
    assert "[téléphone]" in answer.scrubbed_text
    assert set(answer.pii_kinds) >= {"name", "structure", "phone"}
    assert [r.text for r in rows] == [answer.scrubbed_text]
    # The author is told, once per answer, what only the model found.
    async with session_factory() as session:
        notices = list(
            await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "notice"))
        )
    assert [n.recipient_id for n in notices] == [1]  # the proposal; "Les transports" had none
    assert "question 5 du thème 1" in notices[0].payload["text"]
    assert "le nom d’une personne" in notices[0].payload["text"]


async def test_export_survives_characters_a_spreadsheet_cannot_hold(session_factory) -> None:
    async with session_factory() as session, session.begin():
        await add_people(session, [Person(i) for i in range(1, 6)])
        for i in range(1, 6):
            await add_contribution(session, i, "entry", NOW, entry_answers("bon\x0bjour\x1f"))
        # Written around the input cleaning, as an old row or a bug could have.
        for answer in await session.scalars(
            select(Answer).where(Answer.scrubbed_text.is_not(None))
        ):
            answer.scrubbed_text = "=1+1 bon\x0bjour\x1f\u202e"
    async with session_factory() as session:
        with use_locale("fr"):
            content = await export_xlsx(
                session,
                default_questionnaire(),
                Scope(end=NOW + timedelta(1)),
                5,
                "fr",
                ZoneInfo("Europe/Paris"),
            )
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[1]
    values = [c.value for c in next(sheet.iter_rows(min_row=2, max_row=2))]
    assert "'=1+1 bonjour" in values  # defused, control and bidi characters dropped
