"""The small-group rule on every organiser output, tried the way an honest but curious organiser
would: narrowing filters until one person is left. Both engines, through the dispatcher."""

from __future__ import annotations

import argparse
import csv
import io
import re
from datetime import UTC, datetime, timedelta

import openpyxl
from aiogram.methods import SendDocument, SendPhoto, SendVoice
from sqlalchemy import select

from bot.cli import export as export_command
from bot.domain.geo import all_regions
from bot.keyboards.callbacks import ExportAction, ExportCB, ProfileCB, VoiceCB, VoiceSource
from storage.models import AuditEntry, DigestRun, DigestSubscription, Meeting, PrereadRun, User
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


def ile_de_france(first: int, count: int) -> list[Person]:
    return [Person(first + i, "75", "11") for i in range(count)]


async def test_export_of_a_region_with_one_contributor_is_refused(app, db) -> None:
    organiser, _ = await become_organiser(app)
    await seed(app, [*isere(5000, 6), Person(7001, "33", "75"), *ile_de_france(8000, 5)])
    await organiser.send("/export")
    for action in (ExportAction.XLSX, ExportAction.CSV):
        sent = await organiser.click_data(
            ExportCB(themes=0, regions=region_bit("75"), period="all", action=action).pack()
        )
        assert not [r for r in sent if isinstance(r, SendDocument)]
        assert REFUSAL in joined(sent)
    # The region with six people exports; its rows are dated to the day, not the minute.
    sent = await organiser.click_data(
        ExportCB(themes=0, regions=region_bit("84"), period="all", action=ExportAction.CSV).pack()
    )
    document = next(r for r in sent if isinstance(r, SendDocument))
    rows = list(csv.reader(io.StringIO(document.document.data.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 1 + 6
    assert all(re.fullmatch(r"\d\d/\d\d/\d{4}", row[2]) for row in rows[1:])
    # Adding the lone person's region to a selection does not show them either.
    both = region_bit("84") | region_bit("75")
    sent = await organiser.click_data(
        ExportCB(themes=0, regions=both, period="all", action=ExportAction.CSV).pack()
    )
    assert REFUSAL in joined(sent) and not [r for r in sent if isinstance(r, SendDocument)]


async def test_export_of_a_region_is_refused_when_what_it_leaves_out_is_one_person(app) -> None:
    # Everything minus region 84 would be the one person of region 75.
    organiser, _ = await become_organiser(app)
    await seed(app, [*isere(5000, 6), Person(7001, "33", "75")])
    await organiser.send("/export")
    sent = await organiser.click_data(
        ExportCB(themes=0, regions=region_bit("84"), period="all", action=ExportAction.XLSX).pack()
    )
    assert REFUSAL in joined(sent)
    sent = await organiser.click_data(
        ExportCB(themes=0, regions=0, period="all", action=ExportAction.XLSX).pack()
    )
    assert [r for r in sent if isinstance(r, SendDocument)]  # everything, as one set, is fine


async def test_a_lone_description_within_a_region_is_coarsened_in_that_regions_export(
    app,
) -> None:
    # Region 84: five ACI staff and one AI; region 11: five AI. In region 84's export, "AI"
    # would single the one person out: descriptions are counted within what is shown.
    organiser, _ = await become_organiser(app)
    aci = [Person(5000 + i, structure_type="aci") for i in range(5)]
    await seed(app, [*aci, Person(5100), *ile_de_france(8000, 5)])
    await organiser.send("/export")
    sent = await organiser.click_data(
        ExportCB(themes=0, regions=region_bit("84"), period="all", action=ExportAction.CSV).pack()
    )
    document = next(r for r in sent if isinstance(r, SendDocument))
    rows = list(csv.reader(io.StringIO(document.document.data.decode("utf-8-sig")), delimiter=";"))
    rows = rows[1:]
    types = sorted(row[3] for row in rows)
    assert "Association intermédiaire (AI)" not in types
    assert types.count("autre") == 1 and len(types) == 6


async def test_export_of_a_short_period_is_refused_when_one_person_answered_in_it(app) -> None:
    organiser, _ = await become_organiser(app)
    await seed(app, isere(5000, 6), when=NOW - timedelta(days=20))
    await seed(app, [Person(5100)], when=NOW - timedelta(days=1))
    await organiser.send("/export")
    sent = await organiser.click_data(
        ExportCB(themes=0, regions=0, period="7", action=ExportAction.XLSX).pack()
    )
    assert REFUSAL in joined(sent) and not [r for r in sent if isinstance(r, SendDocument)]
    sent = await organiser.click_data(
        ExportCB(themes=0, regions=0, period="30", action=ExportAction.XLSX).pack()
    )
    workbook = openpyxl.load_workbook(
        io.BytesIO(next(r for r in sent if isinstance(r, SendDocument)).document.data)
    )
    assert workbook.worksheets[1].max_row == 1 + 7


async def test_export_leaves_out_a_theme_sheet_when_fewer_than_five_answered_it(app) -> None:
    organiser, _ = await become_organiser(app)
    await seed(app, isere(5000, 6))
    await seed(app, [Person(5100)], theme="pathway")
    await organiser.send("/export")
    sent = await organiser.click_data(
        ExportCB(themes=0, regions=0, period="all", action=ExportAction.XLSX).pack()
    )
    document = next(r for r in sent if isinstance(r, SendDocument))
    workbook = openpyxl.load_workbook(io.BytesIO(document.document.data))
    # Summary, theme 1, the long answers, the tallies and the groups: no sheet for the lone
    # person's theme...
    assert workbook.sheetnames[2:] == ["Réponses", "Décomptes", "Groupes"]
    assert len(workbook.sheetnames) == 5
    tallied = {row[0] for row in workbook["Décomptes"].iter_rows(min_row=2, values_only=True)}
    answered = {row[1] for row in workbook["Réponses"].iter_rows(min_row=2, values_only=True)}
    grouped = {row[0] for row in workbook["Groupes"].iter_rows(min_row=2, values_only=True)}
    assert tallied == answered == grouped == {1}  # ...and neither a tally, answer nor group
    summary = [[c.value for c in row] for row in workbook.worksheets[0].iter_rows()]
    theme_two = [row for row in summary if row and str(row[0]).startswith("2.")]
    assert [row[1] for row in theme_two] == ["moins de 5"]
    submitted = workbook.worksheets[1].cell(row=2, column=2).value
    assert (submitted.hour, submitted.minute) == (0, 0)  # a day, no time of day


async def test_cli_export_of_a_region_with_one_contributor_writes_nothing(
    app, tmp_path, settings
) -> None:
    await seed(app, [*isere(5000, 6), Person(7001, "33", "75"), *ile_de_france(8000, 5)])
    output = tmp_path / "out.xlsx"
    args = argparse.Namespace(
        theme=[], region=["75"], since=None, until=None, locale="fr", format="xlsx", output=output
    )
    assert await export_command.run(settings, args) == 3
    assert not output.exists()
    args.region = ["84"]
    assert await export_command.run(settings, args) == 0 and output.exists()
    async with app.session_factory() as session:
        entries = list(await session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    assert [(e.action, e.actor, e.actor_id) for e in entries[-2:]] == [
        ("export_refused", "console", None),
        ("export", "console", None),
    ]


async def test_cli_csv_opens_in_french_excel_by_default_and_is_rfc_4180_on_request(
    app, tmp_path, settings
) -> None:
    await seed(app, isere(5000, 6), when=datetime(2025, 3, 5, 14, 37, tzinfo=UTC))
    output = tmp_path / "out.csv"
    args = argparse.Namespace(
        theme=[], region=[], since=None, until=None, locale="fr", format="csv", output=output
    )
    args.csv_dialect = "excel-fr"
    assert await export_command.run(settings, args) == 0
    french = output.read_bytes()
    assert french.startswith(b"\xef\xbb\xbf") and b"\r\n" in french  # BOM, CRLF
    rows = list(csv.reader(io.StringIO(french.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:2] == ["Thème", "Référence"] and rows[1][2] == "05/03/2025"

    args.csv_dialect = "rfc4180"
    assert await export_command.run(settings, args) == 0
    rows = list(csv.reader(io.StringIO(output.read_bytes().decode("utf-8-sig"))))
    assert rows[0][:2] == ["Thème", "Référence"] and rows[1][2] == "2025-03-05"
    assert len(rows) == 1 + 6 and all(len(row) == len(rows[0]) for row in rows)


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


async def test_digest_merges_small_themes_so_no_count_can_be_subtracted(app) -> None:
    organiser, _ = await become_organiser(app)
    await seed(app, isere(5000, 6))
    await seed(app, isere(5100, 5), theme="pathway")
    await seed(app, isere(5200, 2), theme="territory")
    sent = await organiser.send("/digest")
    text = joined(sent).replace("\u00a0", " ")
    assert "<b>13</b> nouvelles contributions" in text
    assert "1. Repérage" in text and ": 6" in text
    # Theme 3 (two people) alone would be 13 - 6 - 5: theme 2 joins it in "other themes".
    assert "2. Parcours" not in text and "3. Territoire" not in text
    assert "autres thèmes (petits groupes regroupés) : 7" in text
    assert "Proposition de 52" not in text  # no excerpt from the two people of theme 3


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
    sent = await other.click_data(VoiceCB(source=VoiceSource.DIGEST, source_id=run.id).pack())
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
    sent = await organiser.click_data(VoiceCB(source=VoiceSource.DIGEST, source_id=run.id).pack())
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
    sent = await organiser.click_data(
        ExportCB(themes=0, regions=0, period="all", action=ExportAction.CSV).pack()
    )
    data = next(r for r in sent if isinstance(r, SendDocument)).document.data.decode("utf-8-sig")
    assert "05/03/2025" in data and "14:37" not in data and "15:37" not in data


async def test_pre_read_voice_button_is_refused_for_a_pre_read_never_sent(app) -> None:
    organiser, _ = await become_organiser(app)
    await seed(app, isere(5000, 6))
    async with app.session_factory() as session, session.begin():
        meeting = Meeting(
            starts_at=NOW + timedelta(days=30), city="Grenoble", regions=["84"], status="cancelled"
        )
        session.add(meeting)
    sent = await organiser.click_data(
        VoiceCB(source=VoiceSource.PREREAD, source_id=meeting.id).pack()
    )
    assert alerts(sent) and not [r for r in sent if isinstance(r, SendVoice)]
    async with app.session_factory() as session, session.begin():
        session.add(PrereadRun(meeting_id=meeting.id, recipients=1, claimed_by="t", created_at=NOW))
    sent = await organiser.click_data(
        VoiceCB(source=VoiceSource.PREREAD, source_id=meeting.id).pack()
    )
    assert len([r for r in sent if isinstance(r, SendVoice)]) == 6


async def test_voice_notes_kept_before_the_person_chose_to_be_heard_stay_theirs(app) -> None:
    organiser, _ = await become_organiser(app)
    await seed(app, isere(5000, 6))
    async with app.session_factory() as session, session.begin():
        for user_id in range(5000, 5006):
            user = await session.get(User, user_id)
            user.voice_choice_at = NOW + timedelta(minutes=1)  # chose after recording
    sent = await organiser.send("/digest")
    assert "messages vocaux" not in joined(sent)


async def test_voice_notes_can_be_stopped_from_the_profile(member, db) -> None:
    await member.send("/profil")
    sent = await member.click_data(ProfileCB(field="voice").pack())
    assert "gardés, les organisateurs peuvent les écouter" in joined(sent)
    assert (await db.user()).voice_choice == "keep"
    sent = await member.click_data(ProfileCB(field="voice").pack())
    assert "non gardés" in joined(sent) and (await db.user()).voice_choice == "type"


async def test_broadcast_to_fewer_than_five_reports_no_counts(app, settings) -> None:
    from bot.delivery.sender import PacedSender
    from bot.domain.questionnaire import default_questionnaire
    from bot.jobs.scheduler import Scheduler
    from tests.handlers.test_broadcasts import Clock, compose, confirm_now, deliver_all

    await seed(app, isere(5000, 3))
    admin = app.person(ADMIN_ID)
    await compose(admin)
    await confirm_now(admin)
    clock = Clock()
    scheduler = Scheduler(
        app.session_factory, settings, default_questionnaire(), clock=clock, bot=app.bot
    )
    sender = PacedSender(
        app.bot,
        app.session_factory,
        rate=1000,
        per_chat_interval=0,
        clock=clock,
        admin_ids=(ADMIN_ID,),
    )
    sent = await deliver_all(app, (scheduler, sender), clock)
    report = joined(sent)
    assert "Moins de 5 destinataires" in report
    assert "Remis" not in report and "3 / 3" not in report


async def test_no_chart_is_sent_when_every_bar_would_be_hidden(app) -> None:
    organiser, _ = await become_organiser(app)
    for day in range(6):  # six people, one a day: no day has five on a theme
        await seed(app, [Person(5000 + day)], when=NOW - timedelta(days=day, hours=1))
    sent = await organiser.send("/digest")
    assert "<b>6</b> nouvelles contributions" in joined(sent)
    assert not [r for r in sent if isinstance(r, SendPhoto)]
    assert [r for r in sent if isinstance(r, SendDocument)]  # the spreadsheet still comes
    assert "Le tableur suit." in joined(sent) and "graphique" not in joined(sent)
