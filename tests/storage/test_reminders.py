"""Reminder waves enqueued once, to the right people, personalised; quiet hours hold the rest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.app import create_bot
from bot.config import load_settings
from bot.delivery.outbox import Outbox
from bot.delivery.sender import PacedSender
from bot.devtools.fake_api import FAKE_TOKEN, FakeTelegramSession
from bot.domain.questionnaire import default_questionnaire
from bot.domain.quiet import QuietHours
from bot.jobs.scheduler import Scheduler
from bot.services.meetings import MeetingService
from storage.models import Meeting, OutboxMessage, ReminderRun, User
from tests.seed import Person, add_contribution, add_people, entry_answers

MEETING_AT = datetime(2025, 4, 3, 7, 30, tzinfo=UTC)  # 09:30 in Paris
J1 = datetime(2025, 4, 2, 8, 30, tzinfo=UTC)  # 10:30 in Paris, the day before
SETTINGS = load_settings(database_url="sqlite+aiosqlite:///:memory:")


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


async def setup(session_factory) -> None:
    async with session_factory() as session, session.begin():
        await add_people(
            session,
            [
                Person(1, "38", "84"),
                Person(2, "69", "84", language="en"),
                Person(3, "33", "75"),
                Person(4, "38", "84"),
            ],
        )
        (await session.get(User, 4)).reminders_muted = True
        await add_contribution(session, 2, "entry", MEETING_AT - timedelta(days=3), entry_answers())
        session.add(
            Meeting(
                starts_at=MEETING_AT,
                city="Grenoble",
                regions=["84"],
                theme_key="entry",
                status="scheduled",
            )
        )


def scheduler(session_factory, clock) -> Scheduler:
    url = session_factory.kw["bind"].url.render_as_string(hide_password=False)
    return Scheduler(
        session_factory, load_settings(database_url=url), default_questionnaire(), clock=clock
    )


async def test_reminder_goes_once_to_the_regions_staff_with_a_thank_you_for_contributors(
    session_factory,
) -> None:
    await setup(session_factory)
    clock = Clock(J1)
    assert await scheduler(session_factory, clock).reminders.run() == 1
    assert await scheduler(session_factory, clock).reminders.run() == 0

    async with session_factory() as session:
        messages = {m.recipient_id: m for m in await session.scalars(select(OutboxMessage))}
        runs = list(await session.scalars(select(ReminderRun).order_by(ReminderRun.days_before)))
    assert sorted(messages) == [1, 2]  # person 3 is in another region, person 4 muted reminders
    assert "mercredi" not in messages[1].payload["text"]
    assert "jeudi 3 avril 2025 à 9\u00a0h\u00a030" in messages[1].payload["text"]
    assert "reply_markup" in messages[1].payload  # a button to contribute on the meeting's theme
    assert "Thursday, April 3, 2025" in messages[2].payload["text"]
    assert "Thank you for your contribution" in messages[2].payload["text"]
    assert "reply_markup" not in messages[2].payload
    assert [(r.days_before, r.skipped, r.recipients) for r in runs] == [(1, False, 2), (7, True, 0)]


async def test_pending_reminders_wait_for_the_morning_in_quiet_hours(session_factory) -> None:
    async with session_factory() as session, session.begin():
        await add_people(session, [Person(1), Person(2)])
        night = datetime(2025, 3, 5, 21, 0, tzinfo=UTC)  # 22:00 in Paris
        outbox = Outbox(session, lambda: night)
        outbox.text(1, "rappel", kind="reminder")
        outbox.text(2, "urgent", kind="broadcast", urgent=True)
    settings = load_settings(database_url="sqlite+aiosqlite:///:memory:")
    clock = Clock(datetime(2025, 3, 5, 21, 0, tzinfo=UTC))
    fake = FakeTelegramSession()
    sender = PacedSender(
        create_bot(settings, session=fake, token=FAKE_TOKEN),
        session_factory,
        rate=1000,
        per_chat_interval=0,
        clock=clock,
        quiet=QuietHours.from_settings(settings),
    )
    assert await sender.run_once() == 1
    assert [r.text for r in fake.requests] == ["urgent"]
    clock.now = datetime(2025, 3, 6, 7, 0, tzinfo=UTC)  # 08:00 in Paris
    assert await sender.run_once() == 1
    assert [r.text for r in fake.requests] == ["urgent", "rappel"]


async def test_cancelling_a_meeting_withdraws_its_pending_reminders(session_factory) -> None:
    await setup(session_factory)
    await scheduler(session_factory, Clock(J1)).reminders.run()
    async with session_factory() as session, session.begin():
        meeting_id = (await session.scalars(select(Meeting.id))).one()
        assert await MeetingService(session, SETTINGS).cancel(meeting_id) == 2
    async with session_factory() as session:
        statuses = set(await session.scalars(select(OutboxMessage.status)))
    assert statuses == {"cancelled"}
    assert await scheduler(session_factory, Clock(J1)).reminders.run() == 0


async def test_moving_a_meeting_plans_its_unsent_reminders_again(session_factory) -> None:
    await setup(session_factory)
    await scheduler(session_factory, Clock(J1)).reminders.run()  # J-1 queued, not yet sent
    async with session_factory() as session, session.begin():
        meeting_id = (await session.scalars(select(Meeting.id))).one()
        moved = MEETING_AT + timedelta(days=14)
        assert await MeetingService(session, SETTINGS).reschedule(meeting_id, moved)
    assert await scheduler(session_factory, Clock(J1)).reminders.run() == 0  # not due any more
    seven_days_before = datetime(2025, 4, 10, 8, 30, tzinfo=UTC)  # 10:30 Paris, J-7 of the new date
    assert await scheduler(session_factory, Clock(seven_days_before)).reminders.run() == 1
    async with session_factory() as session:
        rows = list(
            await session.execute(
                select(OutboxMessage.group_key, OutboxMessage.status).order_by(OutboxMessage.id)
            )
        )
    assert [tuple(r) for r in rows] == [
        (f"reminder:{meeting_id}:1", "cancelled"),
        (f"reminder:{meeting_id}:1", "cancelled"),
        (f"reminder:{meeting_id}:7", "pending"),
        (f"reminder:{meeting_id}:7", "pending"),
    ]


async def test_editing_after_a_wave_partly_went_out_reminds_only_those_it_missed(
    session_factory,
) -> None:
    await setup(session_factory)
    await scheduler(session_factory, Clock(J1)).reminders.run()  # J-1 for persons 1 and 2
    async with session_factory() as session, session.begin():
        first = (await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).first()
        first.status = "sent"  # person 1 got it; person 2's is still held (quiet hours, say)
        meeting_id = (await session.scalars(select(Meeting.id))).one()
        assert await MeetingService(session, SETTINGS).update(meeting_id, venue="Salle B")
    assert await scheduler(session_factory, Clock(J1)).reminders.run() == 1
    async with session_factory() as session:
        rows = [
            (m.recipient_id, m.status, "Salle B" in m.payload["text"])
            for m in await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        ]
    assert rows == [(1, "sent", False), (2, "cancelled", False), (2, "pending", True)]


async def test_a_meeting_cancelled_after_the_list_was_read_gets_no_wave(session_factory) -> None:
    await setup(session_factory)
    job = scheduler(session_factory, Clock(J1))
    async with session_factory() as session:
        meeting = (await session.scalars(select(Meeting))).one()
    async with session_factory() as session, session.begin():
        await MeetingService(session, SETTINGS).cancel(meeting.id)
    # The stale copy of the meeting still says scheduled: the wave reads it again, locked.
    assert await job.reminders._send_wave(meeting, 1, [7], set()) is False
    async with session_factory() as session:
        assert (await session.scalars(select(OutboxMessage))).all() == []
        assert (await session.scalars(select(ReminderRun))).all() == []


async def test_preread_goes_once_to_organisers_and_admins_two_days_before(session_factory) -> None:
    await setup(session_factory)
    async with session_factory() as session, session.begin():
        await add_people(
            session,
            [Person(50, organiser=True), Person(51, language="en", organiser=True)]
            + [Person(60 + i, "73", "84") for i in range(4)],
        )
        for i in range(4):  # with person 2, five people of region 84 contributed
            await add_contribution(
                session, 60 + i, "entry", MEETING_AT - timedelta(days=4), entry_answers()
            )
    two_days_before = datetime(2025, 4, 1, 8, 5, tzinfo=UTC)  # 10:05 in Paris, J-2
    assert await scheduler(session_factory, Clock(two_days_before)).prereads.run() == 1
    assert await scheduler(session_factory, Clock(two_days_before)).prereads.run() == 0

    rows = await package_rows(session_factory)
    assert {r.recipient_id for r in rows} == {50, 51}
    french = [r.payload.get("text", "") for r in rows if r.recipient_id == 50]
    assert french[0].startswith("📄 <b>Pré-lecture</b> pour la réunion de Grenoble")
    assert "<b>5</b> nouvelles contributions" in french[1]
    assert any(r.file_id for r in rows if r.recipient_id == 51)  # the XLSX for that region
    assert all(r.ledger_mark == 0 for r in rows)  # nothing erased or withdrawn before


async def test_preread_of_a_small_region_shows_nothing_when_fewer_than_five_contributed(
    session_factory,
) -> None:
    await setup(session_factory)  # one contribution in region 84 (person 2)
    async with session_factory() as session, session.begin():
        await add_people(session, [Person(50, organiser=True)])
    two_days_before = datetime(2025, 4, 1, 8, 5, tzinfo=UTC)
    assert await scheduler(session_factory, Clock(two_days_before)).prereads.run() == 1

    rows = await package_rows(session_factory)
    body = rows[1].payload["text"]
    assert "rien de nouveau qui puisse être montré" in body
    assert "Moins de 5 personnes" in body
    assert "Les transports" not in body and "C-T" not in body  # no excerpt, no reference
    assert not any(r.file_id for r in rows)  # no spreadsheet, no chart


async def package_rows(session_factory) -> list[OutboxMessage]:
    async with session_factory() as session:
        return list(
            await session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.kind == "digest")
                .order_by(OutboxMessage.id)
            )
        )


async def test_no_preread_before_it_is_due(session_factory) -> None:
    await setup(session_factory)
    async with session_factory() as session, session.begin():
        await add_people(session, [Person(50, organiser=True)])
    three_days_before = datetime(2025, 3, 31, 12, 0, tzinfo=UTC)
    assert await scheduler(session_factory, Clock(three_days_before)).prereads.run() == 0
