"""/diffuser through the production dispatcher; delivery by the real scheduler and sender."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from aiogram.methods import EditMessageText, SendMessage, SendPhoto
from aiogram.types import MessageEntity
from sqlalchemy import select

from bot.delivery.sender import PacedSender
from bot.devtools.fake_api import buttons_of
from bot.domain.questionnaire import default_questionnaire
from bot.domain.quiet import QuietHours
from bot.jobs.scheduler import Scheduler
from bot.keyboards.callbacks import BroadcastAction, BroadcastCB
from storage.models import AuditEntry, Broadcast, OutboxMessage
from tests.conftest import ADMIN_ID
from tests.handlers.test_organiser import ADMIN_ONLY as REFUSED  # admin-only commands
from tests.handlers.test_organiser import become_organiser
from tests.helpers import alerts, joined, texts
from tests.seed import Person, add_people

ISERE = [Person(2000 + i) for i in range(5)]  # Auvergne-Rhône-Alpes (84)
GIRONDE = [Person(3000 + i, department="33", region="75", role="director") for i in range(3)]


class Clock:
    """A weekday at 10:00 in Paris, after now: outside quiet hours, after anything just
    confirmed (the handlers use the real time)."""

    def __init__(self) -> None:
        moment = datetime.now(UTC) + timedelta(days=1)
        while moment.weekday() >= 5:
            moment += timedelta(days=1)
        self.now = moment.replace(hour=9, minute=0, second=0, microsecond=0)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
async def people(app) -> None:
    async with app.session_factory() as session, session.begin():
        await add_people(session, ISERE + GIRONDE)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def jobs(app, settings, clock):
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
    return scheduler, sender


async def deliver_all(app, jobs, clock) -> list:
    scheduler, sender = jobs
    before = len(app.fake.requests)
    await scheduler.tick_broadcasts()
    await sender.run_until_empty()
    clock.now += timedelta(seconds=5)
    await scheduler.tick_broadcasts()  # finished: final edit and report
    await sender.run_until_empty()
    return app.fake.requests[before:]


async def compose(admin, text: str = "Réunion à Grenoble le 5 mars", **extra) -> list:
    await admin.send("/diffuser")
    return await admin.send(text, **extra)


async def confirm_now(admin) -> list:
    await admin.click("Aperçu")
    await admin.click("Envoyer maintenant")
    return await admin.click("Confirmer")


async def stored(app) -> Broadcast:
    async with app.session_factory() as session:
        return (await session.scalars(select(Broadcast))).one()


async def outbox(app) -> list[OutboxMessage]:
    async with app.session_factory() as session:
        query = select(OutboxMessage).where(OutboxMessage.kind == "broadcast")
        return list(await session.scalars(query.order_by(OutboxMessage.id)))


async def test_admin_broadcasts_to_a_region_with_preview_progress_and_report(
    app, people, jobs, clock
) -> None:
    admin = app.person(ADMIN_ID)
    bold = MessageEntity(type="bold", offset=0, length=7)
    sent = await compose(admin, "Réunion à Grenoble", entities=[bold])
    assert "<b>8</b> personnes le recevront" in joined(sent)

    await admin.click("Régions")
    sent = await admin.click("Auvergne-Rhône-Alpes")
    assert "☑️ Auvergne-Rhône-Alpes" in [
        b.text for row in sent[-1].reply_markup.inline_keyboard for b in row
    ]
    sent = await admin.click("Terminé")
    assert "Régions\u00a0: Auvergne-Rhône-Alpes" in joined(sent)
    assert "<b>5</b> personnes le recevront" in joined(sent)

    sent = await admin.click("Aperçu")
    preview = [r for r in sent if isinstance(r, SendMessage)]
    assert preview[1].text == "<b>Réunion</b> à Grenoble"  # exactly what recipients get
    assert "5</b> personnes" in preview[2].text

    await admin.click("Envoyer maintenant")
    sent = await admin.click("Confirmer")
    assert "démarre" in joined(sent) and isinstance(sent[-1], EditMessageText)
    progress_message_id = sent[-1].message_id
    assert (await stored(app)).status == "scheduled"

    scheduler, sender = jobs
    await scheduler.tick_broadcasts()  # starts it and shows 0 / 5
    await sender.run_once(limit=2)
    clock.now += timedelta(seconds=4)
    before = len(app.fake.requests)
    await scheduler.tick_broadcasts()
    edit = app.fake.requests[before]
    assert isinstance(edit, EditMessageText) and edit.message_id == progress_message_id
    assert "2 / 5 traités" in edit.text and "▓" in edit.text
    await scheduler.tick_broadcasts()  # too soon for another edit
    assert len(app.fake.requests) == before + 1

    sent = await deliver_all(app, jobs, clock)
    delivered = [
        r for r in app.fake.requests if isinstance(r, SendMessage) and r.chat_id != ADMIN_ID
    ]
    assert sorted(r.chat_id for r in delivered) == [p.id for p in ISERE]
    assert {r.text for r in delivered} == {"<b>Réunion</b> à Grenoble"}
    assert "terminée" in joined(sent)
    report = [r for r in sent if isinstance(r, SendMessage) and r.chat_id == ADMIN_ID][-1]
    assert "Remis\u00a0: 5" in report.text and "Échecs\u00a0: 0" in report.text
    assert report.reply_markup is None  # nothing failed, nothing to retry
    broadcast = await stored(app)
    assert (broadcast.status, broadcast.recipients) == ("done", 5)


async def test_photo_broadcast_is_previewed_and_sent_by_file_id_with_its_caption(
    app, people, jobs, clock
) -> None:
    admin = app.person(ADMIN_ID)
    await admin.send("/diffuser")
    await admin.send_photo(caption="Affiche de la journée")
    sent = await admin.click("Aperçu")
    photo = next(r for r in sent if isinstance(r, SendPhoto))
    assert (photo.photo, photo.caption) == ("photo-1", "Affiche de la journée")
    await admin.click("Envoyer maintenant")
    await admin.click("Confirmer")
    sent = await deliver_all(app, jobs, clock)
    photos = [r for r in sent if isinstance(r, SendPhoto)]
    assert len(photos) == 8 and {p.photo for p in photos} == {"photo-1"}


@pytest.mark.parametrize("send", ["send_sticker", "send_voice", "send_location"])
async def test_composing_refuses_what_cannot_be_broadcast_and_keeps_waiting(
    app, people, send
) -> None:
    admin = app.person(ADMIN_ID)
    await admin.send("/diffuser")
    sent = await getattr(admin, send)()
    assert "une photo ou un document" in joined(sent)
    async with app.session_factory() as session:
        assert (await session.scalars(select(Broadcast))).all() == []
    sent = await admin.send("Le texte, finalement")
    assert "<b>8</b> personnes" in joined(sent)


async def test_long_message_with_markup_characters_is_kept_escaped(app, people) -> None:
    admin = app.person(ADMIN_ID)
    text = "a < b & c " + "x" * 4000
    await compose(admin, text)
    assert (await stored(app)).body == "a &lt; b &amp; c " + "x" * 4000


async def test_audience_combines_departments_roles_theme_and_inactivity(app, people) -> None:
    admin = app.person(ADMIN_ID)
    await compose(admin)
    await admin.click("Départements")
    sent = await admin.send("38, Atlantide")
    assert "Atlantide" in joined(sent)
    sent = await admin.send("38, Gironde")
    assert "Isère, Gironde" in joined(sent) and "<b>8</b>" in joined(sent)
    await admin.click("Fonctions")
    await admin.click("Direction")
    sent = await admin.click("Terminé")
    # Three people: an audience below 5 is never counted one by one.
    assert "Moins de 5 personnes le recevront" in joined(sent) and "<b>3</b>" not in joined(sent)
    await admin.click("Pas encore contribué")
    sent = await admin.click("1.")
    assert "pas encore contribué au thème 1" in joined(sent)
    await admin.click("Inactifs")
    sent = await admin.click("30 jours")
    assert "Inactifs depuis au moins 30 jours" in joined(sent) and "Moins de 5" in joined(sent)
    sent = await admin.click("Tout le monde")
    assert "Toutes les personnes joignables" in joined(sent) and "<b>8</b>" in joined(sent)


async def test_scheduled_broadcast_refuses_bad_times_then_waits_until_due(
    app, people, jobs, clock
) -> None:
    admin = app.person(ADMIN_ID)
    await compose(admin)
    await admin.click("Aperçu")
    sent = await admin.click("Programmer")
    assert "Tapez une date et une heure" in joined(sent)
    assert "pas pu lire" in joined(await admin.send("demain matin"))
    assert "est passé" in joined(await admin.send("01/01/2020 09:00"))
    assert "plus de 90 jours" in joined(await admin.send("01/01/2099 09:00"))
    await admin.send_sticker()  # a sticker where a date is expected: asked again, nothing lost
    due = clock.now + timedelta(days=2)
    sent = await admin.send(
        due.astimezone(app.dispatcher["settings"].tz).strftime("%d/%m/%Y %H:%M")
    )
    assert "8 personnes" in joined(sent)
    sent = await admin.click("Confirmer")
    assert "programmée" in joined(sent)

    sent = await deliver_all(app, jobs, clock)
    assert await outbox(app) == []  # not due yet
    clock.now = due + timedelta(seconds=1)
    await deliver_all(app, jobs, clock)
    assert len(await outbox(app)) == 8


async def test_double_tap_on_confirm_sends_once(app, people, jobs, clock) -> None:
    admin = app.person(ADMIN_ID)
    await compose(admin)
    await admin.click("Aperçu")
    await admin.click("Envoyer maintenant")
    data = BroadcastCB(action=BroadcastAction.CONFIRM, broadcast_id=1, value="now").pack()
    await admin.click_data(data)
    sent = await admin.click_data(data)
    assert "expiré" in alerts(sent)[0]
    await deliver_all(app, jobs, clock)
    await deliver_all(app, jobs, clock)
    assert len(await outbox(app)) == 8
    async with app.session_factory() as session:
        confirmed = await session.scalars(
            select(AuditEntry).where(AuditEntry.action == "broadcast_confirmed")
        )
        assert len(confirmed.all()) == 1


async def test_cancelling_a_running_broadcast_withdraws_what_is_not_sent(
    app, people, jobs, clock
) -> None:
    admin = app.person(ADMIN_ID)
    await compose(admin)
    await confirm_now(admin)
    scheduler, sender = jobs
    await scheduler.tick_broadcasts()
    await sender.run_once(limit=3)
    claimed = await sender._claim(2)  # in the sender's hands when the admin cancels
    await admin.click("Annuler la diffusion")
    sent = await admin.click("Oui, l'annuler")
    assert (
        "annulée" in joined(sent)
        and "Remis\u00a0: 3" in joined(sent)
        and "Retirés\u00a0: 5" in joined(sent)
    )
    for message in claimed:
        assert await sender._deliver(message) == "cancelled"
    await deliver_all(app, jobs, clock)
    assert [m.status for m in await outbox(app)].count("sent") == 3
    sent = await admin.click_data(BroadcastCB(action=BroadcastAction.CANCEL, broadcast_id=1).pack())
    assert "déjà terminée ou annulée" in joined(sent)


async def test_report_counts_blocked_and_failed_and_retry_resends_only_the_failed(
    app, people, jobs, clock, db
) -> None:
    app.fake.blocked_chats.add(2000)
    app.fake.rejecting_chats.add(2001)
    admin = app.person(ADMIN_ID)
    await compose(admin)
    await confirm_now(admin)
    sent = await deliver_all(app, jobs, clock)
    report = texts(sent)[-1]
    assert (
        "Remis\u00a0: 6" in report
        and "Ont bloqué le bot\u00a0: 1" in report
        and "Échecs\u00a0: 1" in report
    )
    assert not (await db.user(2000)).is_active

    app.fake.rejecting_chats.clear()
    sent = await admin.click("Relancer les 1 échecs")
    assert "1 message en échec est remis en file" in joined(sent)
    before = len(app.fake.requests)
    sent = await deliver_all(app, jobs, clock)
    resent = [r.chat_id for r in app.fake.requests[before:] if isinstance(r, SendMessage)]
    assert resent.count(2001) == 1 and 2000 not in resent and 2002 not in resent
    assert "Remis\u00a0: 7" in texts(sent)[-1]
    sent = await admin.click_data(
        BroadcastCB(action=BroadcastAction.RETRY_FAILED, broadcast_id=1).pack()
    )
    assert "Rien à relancer" in joined(sent)


async def test_urgent_broadcast_goes_out_in_quiet_hours_and_the_ordinary_one_waits(
    app, people, settings, clock
) -> None:
    admin = app.person(ADMIN_ID)
    await compose(admin, "Ordinaire")
    await confirm_now(admin)
    await compose(admin, "Urgent")
    await admin.click("Aperçu")
    sent = await admin.click("Urgent (ignorer")
    assert "☑️ Urgent" in str(sent[-1].reply_markup) and "même pendant" in joined(sent)
    await admin.click("Envoyer maintenant")
    await admin.click("Confirmer")

    clock.now = clock.now.replace(hour=21)  # 22:00 or 23:00 in Paris
    quiet = QuietHours.from_settings(settings)
    scheduler = Scheduler(
        app.session_factory,
        settings,
        default_questionnaire(),
        clock=clock,
        bot=app.bot,
        quiet=quiet,
    )
    sender = PacedSender(
        app.bot,
        app.session_factory,
        rate=1000,
        per_chat_interval=0,
        clock=clock,
        quiet=quiet,
        admin_ids=(ADMIN_ID,),
    )
    await scheduler.tick_broadcasts()
    await sender.run_once(limit=100)
    rows = await outbox(app)
    assert {(m.payload["text"], m.status) for m in rows} == {
        ("Ordinaire", "pending"),
        ("Urgent", "sent"),
    }
    clock.now += timedelta(seconds=5)
    before = len(app.fake.requests)
    await scheduler.tick_broadcasts()
    progress = joined(app.fake.requests[before:])
    assert "reprise des envois" in progress and " à 8\u00a0h\u00a000." in progress


async def test_a_draft_button_from_a_discarded_draft_is_expired(app, people) -> None:
    admin = app.person(ADMIN_ID)
    await compose(admin)
    sent = await admin.click("Abandonner")
    assert "Brouillon abandonné" in joined(sent)
    sent = await admin.click_data(
        BroadcastCB(action=BroadcastAction.PREVIEW, broadcast_id=1).pack()
    )
    assert "expiré" in alerts(sent)[0]
    sent = await admin.click_data(
        BroadcastCB(action=BroadcastAction.REGION_TOGGLE, broadcast_id=999, value="84").pack()
    )
    assert "expiré" in alerts(sent)[0]


async def test_forged_audience_values_are_ignored(app, people) -> None:
    admin = app.person(ADMIN_ID)
    await compose(admin)
    for data in (
        BroadcastCB(action=BroadcastAction.REGION_TOGGLE, broadcast_id=1, value="99"),
        BroadcastCB(action=BroadcastAction.ROLE_TOGGLE, broadcast_id=1, value="ceo"),
        BroadcastCB(action=BroadcastAction.NOT_CONTRIBUTED_THEME, broadcast_id=1, value="nope"),
        BroadcastCB(action=BroadcastAction.INACTIVE_DAYS, broadcast_id=1, value="-5"),
    ):
        await admin.click_data(data.pack())
    assert (await stored(app)).audience == {"regions": [], "departments": [], "roles": []}


async def test_annuler_stops_composing(app, people) -> None:
    admin = app.person(ADMIN_ID)
    await admin.send("/diffuser")
    sent = await admin.send("/annuler")
    assert "rien n'a été envoyé" in joined(sent)
    sent = await admin.send("Ce texte n'est pas une diffusion")
    async with app.session_factory() as session:
        assert (await session.scalars(select(Broadcast))).all() == []


@pytest.mark.parametrize(
    "data",
    [
        BroadcastCB(action=action, broadcast_id=1, value=value).pack()
        for action, value in [
            (BroadcastAction.AUDIENCE, ""),
            (BroadcastAction.REGION_TOGGLE, "84"),
            (BroadcastAction.ROLE_TOGGLE, "cip"),
            (BroadcastAction.NOT_CONTRIBUTED_THEME, "entry"),
            (BroadcastAction.INACTIVE_DAYS, "30"),
            (BroadcastAction.DEPARTMENTS, ""),
            (BroadcastAction.EVERYONE, ""),
            (BroadcastAction.PREVIEW, ""),
            (BroadcastAction.URGENT, ""),
            (BroadcastAction.SEND_NOW, ""),
            (BroadcastAction.SCHEDULE, ""),
            (BroadcastAction.CONFIRM, ""),
            (BroadcastAction.DISCARD, ""),
            (BroadcastAction.ASK_CANCEL, ""),
            (BroadcastAction.CANCEL, ""),
            (BroadcastAction.RETRY_FAILED, ""),
            (BroadcastAction.REGIONS, ""),
            (BroadcastAction.REGIONS_ALL, ""),
            (BroadcastAction.REGIONS_DONE, ""),
            (BroadcastAction.ROLES, ""),
            (BroadcastAction.NOT_CONTRIBUTED, ""),
            (BroadcastAction.INACTIVE, ""),
            (BroadcastAction.KEEP, ""),
            (BroadcastAction.ASK_RESEND_UNCERTAIN, ""),
            (BroadcastAction.RESEND_UNCERTAIN, ""),
            (BroadcastAction.KEEP_UNCERTAIN, ""),
        ]
    ],
)
async def test_field_staff_is_refused_every_broadcast_button(app, people, member, data) -> None:
    admin = app.person(ADMIN_ID)
    await compose(admin)
    sent = await member.click_data(data)
    assert alerts(sent) and REFUSED in alerts(sent)[0]
    broadcast = await stored(app)
    assert (broadcast.status, broadcast.audience) == ("draft", {})


async def test_field_staff_and_organisers_cannot_broadcast(app, member) -> None:
    assert REFUSED in joined(await member.send("/diffuser"))
    organiser, _ = await become_organiser(app)
    assert REFUSED in joined(await organiser.send("/diffuser"))
    assert "Ce texte" not in joined(await organiser.send("Ce texte"))
    async with app.session_factory() as session:
        assert (await session.scalars(select(Broadcast))).all() == []


async def test_a_group_message_does_not_start_a_broadcast(app) -> None:
    admin = app.person(ADMIN_ID, chat_type="group", chat_id=-100)
    assert await admin.send("/diffuser") == []


async def test_an_old_confirm_button_confirms_only_what_its_message_said(
    app, people, jobs, clock
) -> None:
    admin = app.person(ADMIN_ID)
    await compose(admin)
    await admin.click("Aperçu")
    await admin.click("Envoyer maintenant")
    send_now_question = admin.last_message_with_keyboard()  # "send it now?" [Confirm]
    await admin.click("Retour")  # a new preview
    await admin.click("Programmer")
    due = clock.now + timedelta(days=2)
    await admin.send(due.astimezone(app.dispatcher["settings"].tz).strftime("%d/%m/%Y %H:%M"))
    scheduled_question = admin.last_message_with_keyboard()  # "send it on <due>?" [Confirm]
    await admin.click("Retour")
    await admin.click("Urgent (ignorer")  # the draft changes after both questions were asked

    sent = await admin.click_data(
        BroadcastCB(action=BroadcastAction.CONFIRM, broadcast_id=1, value="now").pack(),
        send_now_question,
    )
    assert "expiré" in joined(sent)
    assert (await stored(app)).status == "draft"
    confirm = next(b for b in buttons_of(scheduled_question) if "Confirmer" in b.text)
    sent = await admin.click_data(confirm.callback_data, scheduled_question)
    assert "programmée" in joined(sent)
    broadcast = await stored(app)
    assert (broadcast.status, broadcast.due_at, broadcast.urgent) == ("scheduled", due, True)
    await deliver_all(app, jobs, clock)
    assert await outbox(app) == []  # not now: on the date it said


async def test_uncertain_messages_are_resent_only_after_a_warning_about_duplicates(
    app, people, jobs, clock, db
) -> None:
    app.fake.rejecting_chats.add(2001)
    admin = app.person(ADMIN_ID)
    await compose(admin)
    await confirm_now(admin)
    scheduler, _sender = jobs
    await scheduler.tick_broadcasts()  # enqueued
    async with app.session_factory() as session, session.begin():
        row = (
            await session.scalars(select(OutboxMessage).where(OutboxMessage.recipient_id == 2002))
        ).one()
        row.status = "unknown"  # as after a crash during its Bot API call
    sent = await deliver_all(app, jobs, clock)
    report = texts(sent)[-1]
    assert "Échecs\u00a0: 1" in report and "Issue inconnue (peut-être remis)\u00a0: 1" in report

    app.fake.rejecting_chats.clear()
    await admin.click("Relancer les 1 échecs")
    before = len(app.fake.requests)
    await deliver_all(app, jobs, clock)
    resent = [r.chat_id for r in app.fake.requests[before:] if isinstance(r, SendMessage)]
    assert resent.count(2001) == 1 and 2002 not in resent  # the uncertain one is not resent

    sent = await admin.click("Renvoyer les 1 incertains")
    assert "pourrait le recevoir deux fois" in joined(sent)
    sent = await admin.click("Oui, les renvoyer")
    before = len(app.fake.requests)
    await deliver_all(app, jobs, clock)
    resent = [r.chat_id for r in app.fake.requests[before:] if isinstance(r, SendMessage)]
    assert resent.count(2002) == 1


async def test_cancel_question_on_the_progress_message_is_not_overwritten_by_the_refresh(
    app, people, jobs, clock
) -> None:
    admin = app.person(ADMIN_ID)
    await compose(admin)
    await confirm_now(admin)
    scheduler, sender = jobs
    await scheduler.tick_broadcasts()
    await sender.run_once(limit=2)
    await admin.click("Annuler la diffusion")  # on the progress message
    clock.now += timedelta(seconds=10)
    before = len(app.fake.requests)
    await scheduler.tick_broadcasts()
    edits = [r for r in app.fake.requests[before:] if isinstance(r, EditMessageText)]
    assert edits == []  # the question "cancel it?" stays until answered
    await admin.click("Non")
    clock.now += timedelta(seconds=10)
    before = len(app.fake.requests)
    await scheduler.tick_broadcasts()
    edits = [r for r in app.fake.requests[before:] if isinstance(r, EditMessageText)]
    assert len(edits) == 1 and "traités" in edits[0].text  # progress again
