"""The small-group rule on every organiser output, tried the way an honest but curious organiser
would: narrowing filters until one person is left. Both engines, through the dispatcher."""

from __future__ import annotations

import argparse
import csv
import io
from datetime import UTC, date, datetime, timedelta

import openpyxl
from aiogram.methods import SendDocument, SendPhoto, SendVoice
from sqlalchemy import select

from bot import cli
from bot.keyboards import ExportCB, VoiceCB, VoiceSource
from bot.services.geo import all_regions
from storage.models import AuditEntry, DigestRun, DigestSubscription
from tests.conftest import ADMIN_ID
from tests.handlers.test_organiser import become_organiser
from tests.helpers import alerts, joined
from tests.seed import Person, add_contribution, add_people, entry_answers

NOW = datetime.now(UTC)
REFUSAL = "Moins de 5 personnes sont derrière cette sélection"


def region_bit(code: str) -> int:
    return 1 << [r.code for r in all_regions()].index(code)


async def seed(app, people: list[Person], when: datetime | None = None, theme="entry") -> None:
    async with app.session_factory() as session, session.begin():
        await add_people(session, people)
        for person in people:
            await add_contribution(
                session,
                person.id,
                theme,
                when or NOW - timedelta(hours=2),
                entry_answers(f"Proposition de {person.id}", voice=True),
            )


def isere(first: int, count: int) -> list[Person]:
    return [Person(first + i) for i in range(count)]


async def test_export_of_a_region_with_one_contributor_is_refused(app, db) -> None:
    organiser, _ = await become_organiser(app)
    await seed(app, [*isere(5000, 6), Person(7001, "33", "75")])
    await organiser.send("/export")
    for action in ("x", "c"):
        sent = await organiser.click_data(
            ExportCB(t=0, r=region_bit("75"), p="all", a=action).pack()
        )
        assert not [r for r in sent if isinstance(r, SendDocument)]
        assert REFUSAL in joined(sent)
    # The region with six people exports; its rows are dated to the day, not the minute.
    sent = await organiser.click_data(ExportCB(t=0, r=region_bit("84"), p="all", a="c").pack())
    document = next(r for r in sent if isinstance(r, SendDocument))
    rows = list(csv.reader(io.StringIO(document.document.data.decode("utf-8-sig"))))
    assert len(rows) == 1 + 6
    assert all(len(row[2]) == len("2025-03-05") for row in rows[1:])


async def test_export_of_a_short_period_is_refused_when_one_person_answered_in_it(app) -> None:
    organiser, _ = await become_organiser(app)
    await seed(app, isere(5000, 6), when=NOW - timedelta(days=20))
    await seed(app, [Person(5100)], when=NOW - timedelta(days=1))
    await organiser.send("/export")
    sent = await organiser.click_data(ExportCB(t=0, r=0, p="7", a="x").pack())
    assert REFUSAL in joined(sent) and not [r for r in sent if isinstance(r, SendDocument)]
    sent = await organiser.click_data(ExportCB(t=0, r=0, p="30", a="x").pack())
    workbook = openpyxl.load_workbook(
        io.BytesIO(next(r for r in sent if isinstance(r, SendDocument)).document.data)
    )
    assert workbook.worksheets[1].max_row == 1 + 7


async def test_export_leaves_out_a_theme_sheet_when_fewer_than_five_answered_it(app) -> None:
    organiser, _ = await become_organiser(app)
    await seed(app, isere(5000, 6))
    await seed(app, [Person(5100)], theme="pathway")
    await organiser.send("/export")
    sent = await organiser.click_data(ExportCB(t=0, r=0, p="all", a="x").pack())
    document = next(r for r in sent if isinstance(r, SendDocument))
    workbook = openpyxl.load_workbook(io.BytesIO(document.document.data))
    assert len(workbook.sheetnames) == 2  # summary and theme 1: no sheet for the lone person
    summary = [[c.value for c in row] for row in workbook.worksheets[0].iter_rows()]
    theme_two = [row for row in summary if row and str(row[0]).startswith("2.")]
    assert [row[1] for row in theme_two] == ["moins de 5"]
    submitted = workbook.worksheets[1].cell(row=2, column=2).value
    assert (submitted.hour, submitted.minute) == (0, 0)  # a day, no time of day


async def test_cli_export_of_a_region_with_one_contributor_writes_nothing(
    app, tmp_path, settings
) -> None:
    await seed(app, [*isere(5000, 6), Person(7001, "33", "75")])
    output = tmp_path / "out.xlsx"
    args = argparse.Namespace(
        theme=[], region=["75"], since=None, until=None, locale="fr", format="xlsx", output=output
    )
    assert await cli.export(settings, args) == 3
    assert not output.exists()
    args.region = ["84"]
    assert await cli.export(settings, args) == 0 and output.exists()
    async with app.session_factory() as session:
        entries = list(await session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    assert [(e.action, e.actor, e.actor_id) for e in entries[-2:]] == [
        ("export_refused", "console", None),
        ("export", "console", None),
    ]


async def test_digest_narrowed_to_a_small_region_shows_no_excerpt_and_no_count(app, db) -> None:
    organiser, _ = await become_organiser(app)
    await seed(app, [*isere(5000, 6), Person(7001, "33", "75")])
    async with app.session_factory() as session, session.begin():
        (await session.get(DigestSubscription, 2002)).regions = ["75"]
    sent = await organiser.send("/digest")
    text = joined(sent)
    assert "rien de nouveau qui puisse être montré" in text and REFUSAL in text
    assert "Proposition de 7001" not in text and "C-T" not in text
    assert not [r for r in sent if isinstance(r, SendDocument | SendPhoto)]
    assert not any(getattr(r, "reply_markup", None) for r in sent)  # no voice-note button


async def test_digest_counts_below_five_read_fewer_than_five(app) -> None:
    organiser, _ = await become_organiser(app)
    await seed(app, isere(5000, 6))
    await seed(app, [Person(5100), Person(5101)], theme="pathway")
    sent = await organiser.send("/digest")
    text = joined(sent)
    assert "<b>8</b> nouvelles contributions" in text
    assert "1. " in text and ": 6" in text.replace("\u00a0", " ")
    assert "2. " in text and "moins de 5" in text  # theme 2: two people
    assert "Nouveaux contributeurs" in text


async def test_voice_replay_is_bound_to_the_organisers_own_digest(app) -> None:
    organiser, _ = await become_organiser(app)
    await seed(app, isere(5000, 6))
    sent = await organiser.send("/digest")
    button = [
        b.callback_data
        for r in sent
        if getattr(r, "reply_markup", None)
        for row in r.reply_markup.inline_keyboard
        for b in row
    ]
    assert len(button) == 1
    sent = await organiser.click_data(button[0])
    assert len([r for r in sent if isinstance(r, SendVoice)]) == 6

    async with app.session_factory() as session:
        run = (await session.scalars(select(DigestRun))).one()
    assert run.trigger == "on_demand" and run.user_id == 2002
    # Another organiser forging this digest's button gets nothing.
    other, _ = await become_organiser(app, user_id=2003)
    sent = await other.click_data(VoiceCB(source=VoiceSource.DIGEST, ref=run.id).pack())
    assert alerts(sent) and not [r for r in sent if isinstance(r, SendVoice)]


async def test_voice_replay_is_refused_when_its_scope_now_holds_fewer_than_five(app) -> None:
    organiser, _ = await become_organiser(app)
    await seed(app, isere(5000, 6))
    async with app.session_factory() as session, session.begin():
        run = DigestRun(
            user_id=2002,
            period_start=NOW - timedelta(days=1),
            period_end=NOW,
            claimed_by="test",
            created_at=NOW,
            regions=["75"],  # as if the subscription had been narrowed to one small region
        )
        session.add(run)
    sent = await organiser.click_data(VoiceCB(source=VoiceSource.DIGEST, ref=run.id).pack())
    assert alerts(sent) and REFUSAL in alerts(sent)[0]
    assert not [r for r in sent if isinstance(r, SendVoice)]


async def test_next_digest_starts_where_the_one_on_demand_ended(app) -> None:
    organiser, _ = await become_organiser(app)
    await seed(app, isere(5000, 6))
    await organiser.send("/digest")
    sent = await organiser.send("/digest")
    assert "rien de nouveau qui puisse être montré" in joined(sent)


async def test_admin_sees_fewer_than_five_for_a_small_broadcast_audience(app) -> None:
    await seed(app, isere(5000, 3))
    admin = app.person(ADMIN_ID)
    from tests.handlers.test_broadcasts import compose

    sent = await compose(admin)
    assert "Moins de 5 personnes le recevront" in joined(sent)
    assert "<b>3</b>" not in joined(sent)


async def test_organiser_sees_no_exact_time_in_an_export(app) -> None:
    organiser, _ = await become_organiser(app)
    await seed(app, isere(5000, 5), when=datetime(2025, 3, 5, 14, 37, tzinfo=UTC))
    await organiser.send("/export")
    sent = await organiser.click_data(ExportCB(t=0, r=0, p="all", a="c").pack())
    data = next(r for r in sent if isinstance(r, SendDocument)).document.data.decode("utf-8-sig")
    assert "2025-03-05" in data and "14:37" not in data and "15:37" not in data
    assert date(2025, 3, 5).isoformat() in data
