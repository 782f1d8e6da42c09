"""Issue 13, §4: meeting dates typed as people write them, region lists in the order people look
for them; through the production dispatcher."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.domain.geo import all_regions, get_region
from bot.keyboards.callbacks import (
    ExportAction,
    ExportCB,
    MeetingAction,
    MeetingCB,
    SubscriptionAction,
    SubscriptionCB,
)
from storage.models import DigestSubscription, Meeting
from tests.conftest import ADMIN_ID
from tests.handlers.conftest import onboard
from tests.helpers import joined

PARIS = ZoneInfo("Europe/Paris")
METROPOLITAN = [
    "Auvergne-Rhône-Alpes",
    "Bourgogne-Franche-Comté",
    "Bretagne",
    "Centre-Val de Loire",
    "Corse",
    "Grand Est",
    "Hauts-de-France",
    "Île-de-France",
    "Normandie",
    "Nouvelle-Aquitaine",
    "Occitanie",
    "Pays de la Loire",
    "Provence-Alpes-Côte d'Azur",
]
OVERSEAS = ["Guadeloupe", "Guyane", "La Réunion", "Martinique", "Mayotte"]


def next_5_march_930() -> datetime:
    """The next 5 March 09:30 in Paris, as UTC: what "5 mars 9h30" means today."""
    now = datetime.now(PARIS)
    moment = datetime(now.year, 3, 5, 9, 30, tzinfo=PARIS)
    if moment <= now:
        moment = moment.replace(year=now.year + 1)
    return moment.astimezone(UTC)


async def start_meeting_form(app):
    admin = app.person(ADMIN_ID)
    await admin.send("/reunions")
    sent = await admin.click("Ajouter une réunion")
    return admin, joined(sent)


async def test_the_meeting_form_accepts_5_mars_9h30_and_infers_the_year(app) -> None:
    admin, asked = await start_meeting_form(app)
    in_three_weeks = datetime.now(PARIS).date() + timedelta(days=21)
    assert f"{in_three_weeks.day} " in asked and "2020" not in asked  # a date to come

    assert "Ville de la réunion" in joined(await admin.send("5 mars 9h30"))
    await admin.send("Grenoble")
    await admin.click("Terminé")  # no region: national
    await admin.click("1.")
    sent = await admin.click("Passer")
    assert "5 mars" in joined(sent) and "Ajouter cette réunion" in joined(sent)
    await admin.click("Ajouter la réunion")
    async with app.session_factory() as session:
        [meeting] = list(await session.scalars(select(Meeting)))
    assert meeting.starts_at.astimezone(UTC) == next_5_march_930()


async def test_every_usual_date_form_is_accepted_and_moving_a_meeting_reads_them_too(app) -> None:
    for typed in ("05/03 9h30", "5/3 9 h 30", "le 5 mars à 9h30"):
        admin, _ = await start_meeting_form(app)
        assert "Ville de la réunion" in joined(await admin.send(typed)), typed
        await admin.send("/annuler")
    admin, _ = await start_meeting_form(app)
    await admin.send("5 mars 9h30")
    await admin.send("Lyon")
    await admin.click("Terminé")
    await admin.click("1.")
    await admin.click("Passer")
    await admin.click("Ajouter la réunion")
    async with app.session_factory() as session:
        [meeting] = list(await session.scalars(select(Meeting)))
    await admin.click_data(
        MeetingCB(action=MeetingAction.EDIT_FIELD, meeting_id=meeting.id, value="when").pack()
    )
    await admin.send("6 mars 14h")
    async with app.session_factory() as session:
        moved = await session.get(Meeting, meeting.id)
    assert moved.starts_at.astimezone(UTC) == next_5_march_930() + timedelta(
        days=1, hours=4, minutes=30
    )


async def test_an_unreadable_date_is_answered_with_examples_to_come_and_the_form_waits(app) -> None:
    admin, _ = await start_meeting_form(app)
    answer = joined(await admin.send("le 5 de mars"))
    assert "pas pu lire la date" in answer
    example_day = datetime.now(PARIS).date() + timedelta(days=21)
    assert f"{example_day:%d/%m/%Y}" in answer  # computed from today, not a past date
    assert "2026 09:30" not in answer.replace(f"{example_day:%d/%m/%Y}", "")
    assert "pas pu lire la date" in joined(await admin.send("31/02"))  # in no year
    assert "pas pu lire l'heure" in joined(await admin.send("5 mars 25h"))
    assert "est passé" in joined(await admin.send("5 mars 2020 9h30"))
    assert "Ville de la réunion" in joined(await admin.send("5 mars 9h30"))  # nothing lost


def region_rows(markup) -> list[list[str]]:
    return [[button.text.split(" ", 1)[1] for button in row] for row in markup.inline_keyboard]


async def test_subscription_regions_are_alphabetical_then_overseas_and_fit_a_phone(app, db) -> None:
    organiser = app.person(ADMIN_ID)  # an admin has the organiser's commands
    await onboard(organiser)
    await organiser.send("/abonnement")
    await organiser.click_data(SubscriptionCB(action=SubscriptionAction.REGIONS).pack())
    rows = region_rows(organiser.last_message_with_keyboard().reply_markup)
    regions = [name for row in rows[1:-1] for name in row]
    assert regions == METROPOLITAN + OVERSEAS  # "Île-de-France" under I, overseas last
    assert [len(row) for row in rows] == [1, 2, 2, 2, 2, 2, 2, 1, 3, 2, 1]  # 11 rows, ≤ 3 wide
    assert len(rows) <= 12

    await organiser.click("Île-de-France")
    await organiser.click("Guyane")
    await organiser.click_data(SubscriptionCB(action=SubscriptionAction.DONE).pack())
    async with db.session_factory() as session:
        subscription = await session.get(DigestSubscription, ADMIN_ID)
    assert sorted(subscription.regions) == ["03", "11"]


async def test_export_buttons_show_the_new_order_but_keep_the_regions_masks_meaning(app) -> None:
    organiser = app.person(ADMIN_ID)
    await onboard(organiser)
    await organiser.send("/export")
    markup = organiser.last_message_with_keyboard().reply_markup
    names = [b.text.split(" ", 1)[1] for row in markup.inline_keyboard for b in row]
    assert [n for n in names if n in METROPOLITAN + OVERSEAS] == METROPOLITAN + OVERSEAS
    await organiser.click("Île-de-France")
    markup = organiser.last_message_with_keyboard().reply_markup
    xlsx = next(b for row in markup.inline_keyboard for b in row if "XLSX" in b.text)
    mask = ExportCB.unpack(xlsx.callback_data).regions
    assert [r.code for i, r in enumerate(all_regions()) if mask & (1 << i)] == ["11"]

    # A button sent before the reordering (bit 0: Guadeloupe; index 7: code 27) keeps its meaning.
    old = ExportCB(themes=0, regions=1, period="all", action=ExportAction.REGION, index=7)
    await organiser.click_data(old.pack())
    markup = organiser.last_message_with_keyboard().reply_markup
    ticked = [
        b.text
        for row in markup.inline_keyboard
        for b in row
        if b.text.startswith("☑️") and b.text[3:] in METROPOLITAN + OVERSEAS
    ]
    assert all_regions()[7] == get_region("27")
    assert ticked == ["☑️ Bourgogne-Franche-Comté", "☑️ Guadeloupe"]
