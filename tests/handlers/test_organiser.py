"""Organisers and admins through the production dispatcher: invitations, roles, digests, exports."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import openpyxl
import pytest
from aiogram.methods import SendDocument, SendMessage, SendPhoto, SendVoice
from pypdf import PdfReader
from sqlalchemy import select

from bot.keyboards.callbacks import (
    ConsentCB,
    ExportAction,
    ExportCB,
    LanguageCB,
    OrganiserAction,
    OrganiserCB,
    SubscriptionAction,
    SubscriptionCB,
    VoiceCB,
    VoiceSource,
)
from storage.models import AuditEntry, DigestSubscription, Invitation
from tests.conftest import ADMIN_ID
from tests.handlers.conftest import onboard
from tests.helpers import alerts, joined, texts
from tests.seed import Person, add_contribution, add_people, entry_answers

REFUSED = "réservé aux organisateurs"
ADMIN_ONLY = "réservé aux administrateurs"  # an admin command refused (handlers/access.py)


async def invite_link(admin) -> str:
    sent = await admin.send("/inviter")
    text = texts(sent)[0]
    return next(word for word in text.split() if word.startswith("https://t.me/"))


async def become_organiser(app, user_id: int = 2002):
    admin = app.person(ADMIN_ID)
    link = await invite_link(admin)
    person = app.person(user_id)
    await person.send("/start " + link.split("start=")[1])
    sent = await person.click_data(ConsentCB(accept=True, invite=link.split("start=")[1]).pack())
    await person.click_data(LanguageCB(code="fr").pack())
    return person, sent


async def audit(db, action: str) -> list[AuditEntry]:
    async with db.session_factory() as session:
        rows = await session.scalars(select(AuditEntry).where(AuditEntry.action == action))
        return list(rows)


async def test_invitation_makes_a_new_person_organiser_after_consent(app, db) -> None:
    admin = app.person(ADMIN_ID)
    link = await invite_link(admin)
    assert link.startswith("https://t.me/relais_sandbox_bot?start=org_")
    token = link.split("start=")[1]

    person = app.person(2002)
    sent = await person.send(f"/start {token}")
    assert "/oubli" in joined(sent)  # the privacy notice comes first
    assert await db.user(2002) is None
    sent = await person.click_data(ConsentCB(accept=True, invite=token).pack())

    assert "organisateur" in joined(sent)
    user = await db.user(2002)
    assert user.is_organiser is True
    async with db.session_factory() as session:
        subscription = await session.get(DigestSubscription, 2002)
    assert (subscription.frequency, subscription.hour, subscription.minute) == ("daily", 8, 0)
    assert [e.subject_id for e in await audit(db, "organiser_added")] == [2002]
    async with db.session_factory() as session:
        stored = (await session.scalars(select(Invitation))).one()
    assert token not in stored.token_hash and stored.used_by == 2002


async def test_invitation_is_refused_when_reused(app, db) -> None:
    admin = app.person(ADMIN_ID)
    token = (await invite_link(admin)).split("start=")[1]
    first = app.person(2002)
    await onboard(first)
    await first.send(f"/start {token}")
    second = app.person(2003)
    await onboard(second)
    sent = await second.send(f"/start {token}")

    assert "déjà été utilisé" in joined(sent)
    assert (await db.user(2002)).is_organiser and not (await db.user(2003)).is_organiser


async def test_invitation_is_refused_when_expired(app, db) -> None:
    admin = app.person(ADMIN_ID)
    token = (await invite_link(admin)).split("start=")[1]
    async with db.session_factory() as session, session.begin():
        invitation = (await session.scalars(select(Invitation))).one()
        invitation.expires_at = datetime.now(UTC) - timedelta(minutes=1)
    person = app.person(2002)
    await onboard(person)
    sent = await person.send(f"/start {token}")

    assert "expiré" in joined(sent)
    assert not (await db.user(2002)).is_organiser


async def test_forged_invitation_is_refused_when_token_is_unknown(member, db) -> None:
    sent = await member.send("/start org_notarealtoken")
    assert "pas valide" in joined(sent)
    assert not (await db.user()).is_organiser


@pytest.mark.parametrize(
    "command", ["/digest", "/export", "/abonnement", "/inviter", "/organisateurs"]
)
async def test_field_staff_is_refused_and_logged_when_typing_a_reserved_command(
    member, db, command
) -> None:
    sent = await member.send(command)
    assert (ADMIN_ONLY if command in ("/inviter", "/organisateurs") else REFUSED) in joined(sent)
    assert not [r for r in sent if isinstance(r, SendDocument | SendPhoto)]
    entries = await audit(db, "access_refused")
    assert [(e.actor_id, e.details["attempt"]) for e in entries] == [(1001, command)]


@pytest.mark.parametrize(
    "data",
    [
        ExportCB(themes=0, regions=0, period="all", action=ExportAction.XLSX).pack(),
        SubscriptionCB(action=SubscriptionAction.FREQUENCY, value="off").pack(),
        VoiceCB(source=VoiceSource.DIGEST, source_id=1).pack(),
        OrganiserCB(action=OrganiserAction.REVOKE, user_id=2002).pack(),
    ],
)
async def test_field_staff_is_refused_when_forging_organiser_buttons(member, db, data) -> None:
    sent = await member.click_data(data)
    refused = ADMIN_ONLY if data.startswith(OrganiserCB.__prefix__) else REFUSED
    assert alerts(sent) and refused in alerts(sent)[0]
    assert not [r for r in sent if isinstance(r, SendDocument | SendVoice)]


async def test_organiser_cannot_use_admin_commands(app, db) -> None:
    organiser, _ = await become_organiser(app)
    sent = await organiser.send("/inviter")
    assert ADMIN_ONLY in joined(sent)
    async with db.session_factory() as session:
        assert len((await session.scalars(select(Invitation))).all()) == 1  # the admin's


async def test_admin_lists_and_revokes_an_organiser(app, db) -> None:
    await become_organiser(app)
    admin = app.person(ADMIN_ID)
    sent = await admin.send("/organisateurs")
    assert "Camille" in joined(sent) and "2002" not in joined(sent)  # a name, never the id
    await admin.click_data(OrganiserCB(action=OrganiserAction.ASK_REVOKE, user_id=2002).pack())
    sent = await admin.click_data(OrganiserCB(action=OrganiserAction.REVOKE, user_id=2002).pack())

    assert "ne fait plus partie des organisateurs" in joined(sent)
    assert (await db.user(2002)).is_organiser is False
    assert [e.subject_id for e in await audit(db, "organiser_revoked")] == [2002]
    sent = await app.person(2002).send("/digest")
    assert REFUSED in joined(sent)


async def seed_period(app, count: int = 6, when: datetime | None = None, voices: int = 1) -> None:
    when = when or datetime.now(UTC) - timedelta(hours=1)
    async with app.session_factory() as session, session.begin():
        people = [Person(5000 + i) for i in range(count)]
        await add_people(session, people)
        for index, person in enumerate(people):
            proposal = (
                f"Proposition {index}: appeler Mme X au 06 12 34 56 78 "
                f"ou marie.x@orange.fr <b>urgent</b>"
            )
            await add_contribution(
                session, person.id, "entry", when, entry_answers(proposal, voice=index < voices)
            )


async def test_digest_on_demand_shows_counts_scrubbed_excerpts_and_attachments(app, db) -> None:
    organiser, _ = await become_organiser(app)
    await seed_period(app)
    sent = await organiser.send("/digest")

    text = joined(sent)
    assert "<b>6</b> nouvelles contributions" in text
    assert "Auvergne-Rhône-Alpes\u00a0: 6" in text
    assert "06 12 34 56 78" not in text and "marie.x@orange.fr" not in text
    assert "[téléphone]" in text and "[e-mail]" in text
    assert "&lt;b&gt;urgent&lt;/b&gt;" in text  # HTML from contributors is escaped
    assert "Structure 5000" not in text and "5000" not in text  # no names, no ids
    assert "Association intermédiaire (AI) · Isère (38)" in text
    documents = [r for r in sent if isinstance(r, SendDocument)]
    photos = [r for r in sent if isinstance(r, SendPhoto)]
    assert len(documents) == 1 and documents[0].document.filename.endswith(".xlsx")
    assert len(photos) == 1 and photos[0].photo.data.startswith(b"\x89PNG")
    workbook = openpyxl.load_workbook(io.BytesIO(documents[0].document.data))
    assert workbook.sheetnames[0] == "Synthèse"
    sheet = workbook.worksheets[1]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + 6
    assert rows[0][0] == "Référence"
    assert all("[téléphone]" in (row[-1] or "") for row in rows[1:])


async def test_voice_notes_are_resent_by_file_id_when_organiser_taps_listen(app) -> None:
    organiser, _ = await become_organiser(app)
    await seed_period(app, voices=5)
    await organiser.send("/digest")
    sent = await organiser.click("Écouter")

    voices = [r for r in sent if isinstance(r, SendVoice)]
    assert [v.voice for v in voices] == ["voice-abc"] * 5
    assert "C-T" in voices[0].caption


async def test_voice_notes_of_fewer_than_five_people_are_neither_counted_nor_offered(app) -> None:
    organiser, _ = await become_organiser(app)
    await seed_period(app, voices=4)
    sent = await organiser.send("/digest")
    assert "message vocal" not in joined(sent) and "messages vocaux" not in joined(sent)
    assert not any(getattr(r, "reply_markup", None) for r in sent)


async def test_digest_says_so_in_one_line_when_nothing_is_new(app) -> None:
    organiser, _ = await become_organiser(app)
    sent = await organiser.send("/digest")
    assert len(texts(sent)) == 1 and "rien de nouveau qui puisse être montré" in texts(sent)[0]
    assert not [r for r in sent if isinstance(r, SendDocument | SendPhoto)]


async def test_small_regions_are_merged_into_other_when_under_five_contributors(app) -> None:
    organiser, _ = await become_organiser(app)
    await seed_period(app, count=5)
    async with app.session_factory() as session, session.begin():
        await add_people(session, [Person(7001, "33", "75"), Person(7002, "33", "75")])
        for user_id in (7001, 7002):
            await add_contribution(
                session, user_id, "entry", datetime.now(UTC) - timedelta(hours=1), entry_answers()
            )
    sent = await organiser.send("/digest")
    text = joined(sent)
    assert "Nouvelle-Aquitaine" not in text
    assert "autres régions" in text


async def test_digest_is_written_in_english_for_an_english_organiser(app) -> None:
    organiser, _ = await become_organiser(app)
    await organiser.click_data(LanguageCB(code="en").pack())
    await seed_period(app)
    sent = await organiser.send("/digest")
    assert "<b>6</b> new contributions" in joined(sent)
    assert "By region" in joined(sent)


async def test_subscription_settings_are_stored_when_buttons_are_tapped(app, db) -> None:
    organiser, _ = await become_organiser(app)
    sent = await organiser.send("/abonnement")
    assert "chaque jour à 8\u00a0h\u00a000" in joined(sent)
    await organiser.click_data(
        SubscriptionCB(action=SubscriptionAction.FREQUENCY, value="weekly").pack()
    )
    await organiser.click_data(SubscriptionCB(action=SubscriptionAction.HOUR, value="17").pack())
    await organiser.click_data(
        SubscriptionCB(action=SubscriptionAction.THEME, value="territory").pack()
    )
    await organiser.click_data(SubscriptionCB(action=SubscriptionAction.REGIONS).pack())
    sent = await organiser.click_data(
        SubscriptionCB(action=SubscriptionAction.REGION, value="84").pack()
    )
    assert any(
        "☑️ Auvergne-Rhône-Alpes" in b.text
        for row in organiser.last_message_with_keyboard().reply_markup.inline_keyboard
        for b in row
    )
    sent = await organiser.click_data(SubscriptionCB(action=SubscriptionAction.DONE).pack())
    assert "chaque lundi à 17\u00a0h\u00a000" in joined(sent)

    async with db.session_factory() as session:
        subscription = await session.get(DigestSubscription, 2002)
    assert (subscription.frequency, subscription.hour) == ("weekly", 17)
    assert subscription.themes == ["entry", "pathway"]
    assert subscription.regions == ["84"]


async def test_export_sends_xlsx_or_csv_with_chosen_filters(app, db) -> None:
    organiser, _ = await become_organiser(app)
    await seed_period(app)
    await organiser.send("/export")
    sent = await organiser.click_data(
        ExportCB(themes=0, regions=0, period="7", action=ExportAction.CSV).pack()
    )
    csv_file = next(r for r in sent if isinstance(r, SendDocument))
    lines = csv_file.document.data.decode("utf-8-sig").splitlines()
    assert len(lines) == 1 + 6 and lines[0].startswith("Thème;Référence")  # French Excel
    assert "5000" not in csv_file.document.data.decode("utf-8-sig")

    sent = await organiser.click_data(
        ExportCB(themes=0b001, regions=0, period="all", action=ExportAction.XLSX).pack()
    )
    xlsx = next(r for r in sent if isinstance(r, SendDocument))
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx.document.data))
    # The summary, the one chosen theme (entry), the long answers sheet, the tallies, the
    # groups of text answers (everyone is in one region: no tallies per region; no notes).
    assert workbook.sheetnames == [
        "Synthèse",
        "1. Repérage et entrée en IAE",
        "Réponses",
        "Décomptes",
        "Groupes",
    ]
    assert workbook.worksheets[1].max_row == 1 + 6
    groups = list(workbook["Groupes"].iter_rows(values_only=True))
    assert groups[0][:4] == ("Thème", "Question", "Termes clés", "Réponses")
    assert workbook["Groupes"].freeze_panes == "A2"
    # The six "Proposition N: appeler Mme X…" answers, scrubbed, in groups or listed apart.
    references = {ref for row in groups[1:] for ref in (row[6] or "").split(", ")}
    assert len({ref for ref in references if ref.startswith("C-")}) >= 6
    quotes = " ".join(str(cell) for row in groups[1:] for cell in row[7:] if cell)
    assert "06 12 34 56 78" not in quotes
    assert "6 contributions" in xlsx.caption

    sent = await organiser.click_data(
        ExportCB(themes=0b010, regions=0, period="all", action=ExportAction.XLSX).pack()
    )
    assert not [r for r in sent if isinstance(r, SendDocument)]  # nobody answered theme 2
    assert "Moins de 5 personnes" in joined(sent)
    assert [e.details["format"] for e in await audit(db, "export")] == ["csv", "xlsx"]
    assert [e.details["themes"] for e in await audit(db, "export_refused")] == [["pathway"]]


async def test_export_toggles_are_validated_when_callback_is_forged(app) -> None:
    organiser, _ = await become_organiser(app)
    sent = await organiser.click_data(
        ExportCB(themes=99, regions=0, period="all", action=ExportAction.XLSX).pack()
    )
    assert "expiré" in alerts(sent)[0]
    sent = await organiser.click_data(
        ExportCB(themes=0, regions=0, period="365", action=ExportAction.XLSX).pack()
    )
    assert "expiré" in alerts(sent)[0]


async def test_new_organiser_skips_the_field_profile(app, db) -> None:
    _organiser, _ = await become_organiser(app)
    user = await db.user(2002)
    assert user.structure_type is None
    last = [r for r in app.fake.requests if isinstance(r, SendMessage)][-1]
    assert "/digest" in last.text


async def test_erasing_an_organiser_removes_subscription_and_anonymises_audit(app, db) -> None:
    organiser, _ = await become_organiser(app)
    await organiser.send("/oubli")
    from bot.keyboards.callbacks import ForgetCB

    await organiser.click_data(ForgetCB(confirm=True).pack())
    assert await db.user(2002) is None
    async with db.session_factory() as session:
        assert await session.get(DigestSubscription, 2002) is None
        entries = list(await session.scalars(select(AuditEntry)))
    assert entries and all(2002 not in (e.actor_id, e.subject_id) for e in entries)


async def test_admin_is_asked_to_accept_the_notice_before_organiser_commands(app, db) -> None:
    admin = app.person(ADMIN_ID)
    sent = await admin.send("/abonnement")
    assert "/start" in joined(sent)
    async with db.session_factory() as session:
        assert await session.get(DigestSubscription, ADMIN_ID) is None


async def test_malformed_invitation_argument_gets_the_consent_prompt_when_new(app) -> None:
    sent = await app.person(2002).send("/start org_" + "x" * 80)
    assert "/oubli" in joined(sent)  # the privacy notice, not an error


async def test_negative_option_index_is_refused_when_forged(member, db) -> None:
    from bot.keyboards.callbacks import AnswerAction, AnswerCB, ThemeCB

    await member.send("/contribuer")
    await member.click_data(ThemeCB(key="entry").pack())
    await member.send("Réponse 1")
    contribution = (await db.contributions())[-1]
    sent = await member.click_data(
        AnswerCB(
            contribution_id=contribution.id,
            question="entry_top_barriers",
            action=AnswerAction.TOGGLE,
            index=-1,
        ).pack()
    )
    assert "expiré" in alerts(sent)[0]


async def test_export_never_shows_a_description_fewer_than_five_people_share(app) -> None:
    organiser, _ = await become_organiser(app)
    when = datetime.now(UTC) - timedelta(hours=1)
    async with app.session_factory() as session, session.begin():
        people = [Person(6000 + i, "38", "84", "cip") for i in range(5)]
        people += [Person(6100 + i, "33", "75", "director") for i in range(5)]
        people += [Person(6200, "38", "84", "director")]  # the only director in Isère
        await add_people(session, people)
        for person in people:
            await add_contribution(session, person.id, "entry", when, entry_answers())
    sent = await organiser.click_data(
        ExportCB(themes=0, regions=0, period="7", action=ExportAction.CSV).pack()
    )
    rows = next(r for r in sent if isinstance(r, SendDocument)).document.data.decode("utf-8-sig")
    lines = rows.splitlines()[1:]
    assert len(lines) == 11
    assert not any("Isère (38)" in line and "Direction" in line for line in lines)
    assert sum("Isère (38)" in line and "(CIP)" in line for line in lines) == 5


async def test_admin_lists_meetings_gets_a_preread_and_cancels_one(app, db) -> None:
    from bot.keyboards.callbacks import MeetingAction, MeetingCB
    from storage.models import Meeting

    await onboard(app.person(ADMIN_ID))
    async with app.session_factory() as session, session.begin():
        session.add(
            Meeting(
                starts_at=datetime.now(UTC) + timedelta(days=10),
                city="Grenoble",
                regions=["84"],
                status="scheduled",
            )
        )
    await seed_period(app)
    admin = app.person(ADMIN_ID)
    sent = await admin.send("/reunions")
    assert "Grenoble" in joined(sent)

    sent = await admin.click_data(MeetingCB(action=MeetingAction.PREREAD, meeting_id=1).pack())
    assert "Pré-lecture" in joined(sent) and "<b>6</b> nouvelles contributions" in joined(sent)
    names = [r.document.filename for r in sent if isinstance(r, SendDocument)]
    assert names == ["relais-dossier-reunion-1.pdf", "relais-prelecture-1.xlsx"]
    brief = next(r.document.data for r in sent if isinstance(r, SendDocument))
    brief_text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(brief)).pages)
    assert "Dossier de l'atelier de Grenoble" in brief_text
    assert "[téléphone]" in brief_text and "06 12 34 56 78" not in brief_text

    await admin.click_data(MeetingCB(action=MeetingAction.ASK_CANCEL, meeting_id=1).pack())
    sent = await admin.click_data(MeetingCB(action=MeetingAction.CANCEL, meeting_id=1).pack())
    assert "annulée" in joined(sent)
    async with app.session_factory() as session:
        assert (await session.get(Meeting, 1)).status == "cancelled"
    sent = await admin.click_data(MeetingCB(action=MeetingAction.PREREAD, meeting_id=1).pack())
    assert "expiré" in alerts(sent)[0]


async def test_field_staff_cannot_see_meetings_admin(member) -> None:
    sent = await member.send("/reunions")
    assert ADMIN_ONLY in joined(sent)


async def test_digest_tallies_the_closed_questions_per_option_under_the_small_group_rule(
    app,
) -> None:
    organiser, _ = await become_organiser(app)
    when = datetime.now(UTC) - timedelta(hours=1)
    async with app.session_factory() as session, session.begin():
        people = [Person(6000 + i) for i in range(8)]
        await add_people(session, people)
        for index, person in enumerate(people):
            answers = entry_answers()
            if index >= 6:  # two people: health alone, and a 5 on the scale
                answers["entry_top_barriers"] = {"choice_keys": ["health"]}
                answers["entry_prescription"] = {"scale_value": 5}
            await add_contribution(session, person.id, "entry", when, answers)
    sent = await organiser.send("/digest")
    text = joined(sent)

    assert "<b>Questions fermées</b>" in text
    # Mobilité: 6 of 8; the 2 who did not tick it are too few to be told apart.
    assert "Mobilité au moins 4" in text and "Logement au moins 4" in text
    assert "Santé" not in text  # 2 people: left to the spreadsheet, as "fewer than 5"
    assert "Orientation par France Travail 8 (100" in text  # single choice, exact
    assert "médiane 3" in text and "8 personnes ont répondu" in text

    (document,) = [r for r in sent if isinstance(r, SendDocument)]
    workbook = openpyxl.load_workbook(io.BytesIO(document.document.data))
    rows = list(workbook["Décomptes"].iter_rows(values_only=True))
    assert rows[0] == ("Thème", "Question", "Réponse", "Personnes", "Part", "Répondants")
    barriers = {row[2]: row[3:] for row in rows if row[1].startswith("1.2 ")}
    assert barriers["Mobilité"] == ("au moins 4", None, 8)
    assert barriers["Santé"] == ("moins de 5", None, 8)
    assert barriers["Numérique"] == ("moins de 5", None, 8)  # nobody: not "0"
    outreach = [row for row in rows if row[1].startswith("1.4 ")]
    assert outreach == [
        (1, outreach[0][1], "Orientation par France Travail", 8, 1.0, 8),
    ]
    scale = {row[2]: row[3] for row in rows if row[1].startswith("1.3 ")}
    assert scale == {"autres réponses (petits groupes regroupés)": 8, "médiane": 3}


async def test_exported_workbook_has_widths_a_frozen_wrapped_header_and_filters(app) -> None:
    organiser, _ = await become_organiser(app)
    await seed_period(app)
    await organiser.send("/export")
    sent = await organiser.click_data(
        ExportCB(themes=0, regions=0, period="all", action=ExportAction.XLSX).pack()
    )
    document = next(r for r in sent if isinstance(r, SendDocument))
    workbook = openpyxl.load_workbook(io.BytesIO(document.document.data))
    theme = workbook.worksheets[1]
    assert theme.freeze_panes == "A2"
    assert (
        theme.auto_filter.ref == f"A1:{theme.cell(row=1, column=theme.max_column).column_letter}7"
    )
    assert theme.column_dimensions["A"].width == 12  # the reference
    assert theme.column_dimensions["G"].width == 60  # the first answer
    assert theme.column_dimensions["I"].width == 14  # "2. Mobilité", a 0/1 column
    assert theme["G1"].alignment.wrap_text and theme["G1"].font.bold
    # The day submitted is a date (it sorts and filters as one), shown the French way.
    assert theme["B2"].is_date and theme["B2"].number_format == "dd/mm/yyyy"
    tallies = workbook["Décomptes"]
    assert tallies.freeze_panes == "A2" and tallies.auto_filter.ref.startswith("A1:F")
    # A multiple-choice question has one 0/1 column per option after its own, for filters.
    header = [cell.value for cell in theme[1]]
    first = [cell.value for cell in theme[2]]
    column = {title: value for title, value in zip(header, first, strict=True)}
    assert (
        column[
            "2. Parmi ces freins, lesquels pèsent le plus pour les personnes que vous "
            "accompagnez\u202f?"
        ]
        == "Mobilité, Logement"
    )
    assert (column["2. Mobilité"], column["2. Logement"], column["2. Santé"]) == (1, 1, 0)
    # The long "Réponses" sheet: one row per answer, one per ticked option, for pivot tables.
    long_rows = list(workbook["Réponses"].iter_rows(values_only=True))
    assert long_rows[0] == ("Référence", "Thème", "Question", "Réponse")
    reference = first[0]
    barriers = [row[3] for row in long_rows if row[0] == reference and row[2].startswith("1.2 ")]
    assert barriers == ["Mobilité", "Logement"]
    assert len({row[0] for row in long_rows[1:]}) == 6  # every contribution of the export


PERMITS = [
    "Financer le permis de conduire des salariés en parcours",
    "Aider au financement du permis B pour les salariés",
    "Financer le permis de conduire pour les salariés en insertion",
    "Prendre en charge le permis de conduire des salariés",
    "Financer le permis B des personnes en parcours",
    "Un financement du permis de conduire pour chaque salarié",
]


async def seed_channel(app, first_id: int, channel: str, when: datetime) -> None:
    async with app.session_factory() as session, session.begin():
        people = [Person(first_id + i) for i in range(len(PERMITS))]
        await add_people(session, people)
        for person, proposal in zip(people, PERMITS, strict=True):
            answers = entry_answers(proposal)
            answers["entry_outreach"] = {"choice_keys": [channel]}
            await add_contribution(session, person.id, "entry", when, answers)


async def test_a_digest_names_the_groups_that_grew_and_a_question_whose_leader_changed(
    app,
) -> None:
    organiser, _ = await become_organiser(app)
    await seed_channel(app, 6000, "france_travail", datetime.now(UTC) - timedelta(days=2))
    first = joined(await organiser.send("/digest"))
    # The first digest covers everything since the start: the largest groups, none "new".
    assert "(les groupes les plus nombreux)" in first and "permis" in first and "🆕" not in first
    assert "↗" not in first  # nothing before it to compare with

    await seed_channel(app, 7000, "word_of_mouth", datetime.now(UTC))  # after the first
    second = joined(await organiser.send("/digest"))

    assert "<b>6</b> nouvelles contributions" in second  # only what was not received yet
    assert "<b>Propositions qui se rejoignent</b>" in second
    assert "📈" in second and "dont 6 sur la période" in second  # the group grew by six
    assert (
        "Bouche-à-oreille, candidature spontanée en tête sur la période "
        "(avant\u00a0: Orientation par France Travail)"
    ) in second
