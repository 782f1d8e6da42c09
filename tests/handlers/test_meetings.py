"""/reunions: adding, editing and cancelling meetings, through the production dispatcher."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from aiogram.methods import EditMessageReplyMarkup
from sqlalchemy import select

from bot.delivery.outbox import Outbox
from bot.keyboards.callbacks import MeetingAction, MeetingCB
from storage.models import AuditEntry, Meeting, OutboxMessage, ReminderRun
from tests.conftest import ADMIN_ID
from tests.handlers.test_organiser import ADMIN_ONLY as REFUSED  # admin-only commands
from tests.helpers import alerts, joined

PARIS = ZoneInfo("Europe/Paris")


def in_days(days: int, hour: str = "09:30") -> tuple[str, datetime]:
    """What an admin types for a date `days` ahead, and the UTC moment it means."""
    day = (datetime.now(PARIS) + timedelta(days=days)).date()
    hours, minutes = (int(part) for part in hour.split(":"))
    moment = datetime(day.year, day.month, day.day, hours, minutes, tzinfo=PARIS)
    return f"{day:%d/%m/%Y} {hour}", moment.astimezone(UTC)


async def meetings(app) -> list[Meeting]:
    async with app.session_factory() as session:
        return list(await session.scalars(select(Meeting).order_by(Meeting.id)))


async def add_meeting(app, days: int = 20) -> Meeting:
    async with app.session_factory() as session, session.begin():
        meeting = Meeting(
            starts_at=in_days(days)[1], city="Bordeaux", regions=["75"], status="scheduled"
        )
        session.add(meeting)
    return meeting


async def test_admin_adds_a_meeting_step_by_step_and_sees_its_reminders(app) -> None:
    admin = app.person(ADMIN_ID)
    sent = await admin.send("/reunions")
    assert "Aucune réunion à venir" in joined(sent)
    sent = await admin.click("Ajouter une réunion")
    assert "Nouvelle réunion" in joined(sent)

    assert "pas pu lire la date" in joined(await admin.send("31/02/2030 10:00"))
    assert "pas pu lire l'heure" in joined(await admin.send("05/03/2030 25:00"))
    assert "est passé" in joined(await admin.send("01/01/2020 10:00"))
    typed, starts_at = in_days(30)
    assert "Ville de la réunion" in joined(await admin.send(typed))
    assert "message texte" in joined(await admin.send_sticker())  # nothing lost: asked again
    assert "La ville manque" in joined(await admin.send("   "))
    sent = await admin.send("  Grenoble ")
    assert "Cochez les régions" in joined(sent)

    sent = await admin.click("Auvergne-Rhône-Alpes")
    assert isinstance(sent[-1], EditMessageReplyMarkup)
    assert "☑️ Auvergne-Rhône-Alpes" in str(sent[-1].reply_markup)
    assert "thème en particulier" in joined(await admin.click("Terminé"))
    assert "utiliser les boutons" in joined(await admin.send("le premier"))
    assert "Lieu ou lien" in joined(await admin.click("1."))
    sent = await admin.click("Passer")
    summary = joined(sent)
    assert "Ajouter cette réunion\u202f?" in summary and "Où\u00a0: Grenoble" in summary
    assert "Régions\u00a0: Auvergne-Rhône-Alpes" in summary and "Thème\u00a0: 1." in summary

    sent = await admin.click("Ajouter la réunion")
    assert "Réunion n°\u00a01 ajoutée" in joined(sent)
    entry = joined(sent)
    assert "Rappel J-7" in entry and "Rappel J-1" in entry and "Pré-lecture" in entry
    assert entry.count(": prévu") == 3
    [meeting] = await meetings(app)
    assert (meeting.starts_at, meeting.city, meeting.regions) == (starts_at, "Grenoble", ["84"])
    assert (meeting.theme_key, meeting.venue, meeting.created_by) == ("entry", None, ADMIN_ID)

    sent = await admin.click_data(
        MeetingCB(action=MeetingAction.CREATE, meeting_id=0).pack()
    )  # double tap
    assert "expiré" in alerts(sent)[0]
    assert len(await meetings(app)) == 1
    async with app.session_factory() as session:
        added = await session.scalars(
            select(AuditEntry).where(AuditEntry.action == "meeting_added")
        )
        assert len(added.all()) == 1


async def test_regions_can_be_typed_and_a_national_meeting_has_none(app) -> None:
    admin = app.person(ADMIN_ID)
    await admin.send("/reunions")
    await admin.click("Ajouter une réunion")
    await admin.send(in_days(10)[0])
    await admin.send("Paris")
    assert "Atlantide" in joined(await admin.send("Bretagne, Atlantide"))
    await admin.send("Bretagne, 84")
    await admin.click("Pas de thème particulier")
    sent = await admin.send("Salle 3, https://visio.example/iae")
    assert "Bretagne, Auvergne-Rhône-Alpes" in joined(sent)
    await admin.click("Ajouter la réunion")

    await admin.send("/reunions")
    await admin.click("Ajouter une réunion")
    await admin.send(in_days(12)[0])
    await admin.send("Lyon")
    sent = await admin.click("Terminé")  # nothing ticked
    await admin.click("Pas de thème particulier")
    sent = await admin.click("Passer")
    assert "Réunion nationale" in joined(sent)
    await admin.click("Ajouter la réunion")
    first, second = await meetings(app)
    assert (first.regions, first.venue) == (["53", "84"], "Salle 3, https://visio.example/iae")
    assert second.regions == []


async def test_annuler_stops_the_form_without_adding_anything(app) -> None:
    admin = app.person(ADMIN_ID)
    await admin.send("/reunions")
    await admin.click("Ajouter une réunion")
    await admin.send(in_days(10)[0])
    sent = await admin.send("/annuler")
    assert "calendrier est inchangé" in joined(sent)
    sent = await admin.send("Grenoble")
    assert await meetings(app) == []


async def test_moving_a_meeting_withdraws_its_held_reminders_and_plans_them_again(app) -> None:
    meeting = await add_meeting(app, days=5)
    async with app.session_factory() as session, session.begin():
        session.add(
            ReminderRun(
                meeting_id=meeting.id,
                days_before=7,
                due_at=datetime.now(UTC),
                recipients=1,
                claimed_by="test",
                created_at=datetime.now(UTC),
            )
        )
        Outbox(session).text(2000, "rappel", kind="reminder", group=f"reminder:{meeting.id}:7")
    admin = app.person(ADMIN_ID)
    await admin.send("/reunions")
    sent = await admin.click("Bordeaux")
    assert "Rappel J-7" in joined(sent) and "envoyé à 1 personne" in joined(sent)
    await admin.click("Modifier")
    sent = await admin.click("Date et heure")
    assert "Nouvelles date et heure" in joined(sent)
    typed, starts_at = in_days(40, "14:00")
    sent = await admin.send(typed)
    assert "Réunion n°\u00a01 modifiée" in joined(sent)
    assert "envoyé à" not in joined(sent)  # the wave never reached anyone: planned again

    [moved] = await meetings(app)
    assert moved.starts_at == starts_at
    async with app.session_factory() as session:
        held = (await session.scalars(select(OutboxMessage))).one()
        assert held.status == "cancelled"
        assert (await session.scalars(select(ReminderRun))).all() == []


async def test_editing_city_regions_and_theme_saves_each_at_once(app) -> None:
    await add_meeting(app)
    admin = app.person(ADMIN_ID)
    await admin.click_data(
        MeetingCB(action=MeetingAction.EDIT_FIELD, meeting_id=1, value="city").pack()
    )
    sent = await admin.send("Mérignac")
    assert "Où\u00a0: Mérignac" in joined(sent)
    await admin.click_data(
        MeetingCB(action=MeetingAction.EDIT_FIELD, meeting_id=1, value="regions").pack()
    )
    await admin.click("Bretagne")
    sent = await admin.click("Terminé")
    assert "Régions\u00a0: Nouvelle-Aquitaine, Bretagne" in joined(sent)
    await admin.click_data(
        MeetingCB(action=MeetingAction.EDIT_FIELD, meeting_id=1, value="theme").pack()
    )
    sent = await admin.click("2.")
    assert "Thème\u00a0: 2." in joined(sent)
    [meeting] = await meetings(app)
    assert (meeting.city, meeting.regions, meeting.theme_key) == (
        "Mérignac",
        ["75", "53"],
        "pathway",
    )


async def test_form_buttons_outside_the_form_have_expired(app) -> None:
    await add_meeting(app)
    admin = app.person(ADMIN_ID)
    for data in (
        MeetingCB(action=MeetingAction.REGION_TOGGLE, meeting_id=0, value="84"),
        MeetingCB(action=MeetingAction.THEME, meeting_id=1, value="entry"),
        MeetingCB(action=MeetingAction.CREATE, meeting_id=0),
        MeetingCB(action=MeetingAction.EDIT_FIELD, meeting_id=1, value="status"),
        MeetingCB(action=MeetingAction.OPEN, meeting_id=99),
    ):
        sent = await admin.click_data(data.pack())
        assert "expiré" in alerts(sent)[0]
    [meeting] = await meetings(app)
    assert (meeting.regions, meeting.theme_key) == (["75"], None)


@pytest.mark.parametrize(
    "action,value",
    [
        (MeetingAction.LIST, ""),
        (MeetingAction.OPEN, ""),
        (MeetingAction.PREREAD, ""),
        (MeetingAction.ASK_CANCEL, ""),
        (MeetingAction.CANCEL, ""),
        (MeetingAction.EDIT, ""),
        (MeetingAction.EDIT_FIELD, "city"),
        (MeetingAction.ADD, ""),
        (MeetingAction.REGION_TOGGLE, "84"),
        (MeetingAction.REGIONS_ALL, ""),
        (MeetingAction.REGIONS_DONE, ""),
        (MeetingAction.THEME, "entry"),
        (MeetingAction.SKIP_VENUE, ""),
        (MeetingAction.CREATE, ""),
        (MeetingAction.DISCARD, ""),
    ],
)
async def test_field_staff_is_refused_every_meeting_button(app, member, action, value) -> None:
    await add_meeting(app)
    sent = await member.click_data(MeetingCB(action=action, meeting_id=1, value=value).pack())
    assert alerts(sent) and REFUSED in alerts(sent)[0]
    [meeting] = await meetings(app)
    assert (meeting.status, meeting.city) == ("scheduled", "Bordeaux")


async def test_the_entry_of_a_monday_meeting_shows_its_j1_reminder_on_saturday(app) -> None:
    days = next(
        d for d in range(10, 17) if (datetime.now(PARIS) + timedelta(days=d)).weekday() == 0
    )
    meeting = await add_meeting(app, days=days)
    admin = app.person(ADMIN_ID)
    await admin.send("/reunions")
    sent = await admin.click_data(
        MeetingCB(action=MeetingAction.OPEN, meeting_id=meeting.id).pack()
    )
    entry = joined(sent)
    j1 = next(line for line in entry.splitlines() if "J-1" in line)
    assert "sam." in j1 and "dim." not in j1  # moved before the quiet Sunday, not after it
