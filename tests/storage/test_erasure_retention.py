"""Erasure, withdrawal, revocation and muting reach the outbox; retention is a job; the ledger
re-applies erasures after a restore; stored errors hold no token. Both engines."""

from __future__ import annotations

from datetime import timedelta

from aiogram.methods import SendMessage
from sqlalchemy import select

from bot.config import load_settings
from bot.delivery.outbox import Outbox
from bot.devtools.fake_api import FakeTelegramSession
from bot.domain.questionnaire import default_questionnaire
from bot.jobs.retention import purge_once_a_day
from bot.services.contributions import ContributionService
from bot.services.erasure import ErasureService, person_ref
from storage.base import utcnow
from storage.models import (
    Answer,
    AuditEntry,
    Broadcast,
    Contribution,
    DigestRun,
    ErasureLedger,
    Invitation,
    JobFailure,
    Meeting,
    OutboxFile,
    OutboxMessage,
    User,
)
from tests.seed import Person, add_contribution, add_people, entry_answers
from tests.storage.test_scheduler_delivery import (
    DUE,
    NOW,
    Clock,
    organiser_with_contributions,
    scheduler,
    sender_for,
)

KEY = "test-ledger-key"


async def rows(session_factory, model, *where) -> list:
    async with session_factory() as session:
        return list(await session.scalars(select(model).where(*where)))


async def test_erasure_deletes_messages_to_the_person_and_unlinks_their_id(
    session_factory,
) -> None:
    async with session_factory() as session, session.begin():
        await add_people(session, [Person(1), Person(2)])
        outbox = Outbox(session, lambda: NOW)
        outbox.text(1, "un rappel", kind="reminder")
        outbox.text(2, "pour quelqu'un d'autre", kind="reminder")
        session.add(Meeting(starts_at=NOW, city="Grenoble", regions=["84"], created_by=1))
        session.add(Broadcast(created_by=1, body="x", audience={}, progress_chat_id=1))
        session.add(AuditEntry(at=NOW, actor_id=1, action="export", subject_id=None))
        session.add(
            Invitation(token_hash="h", created_by=1, created_at=NOW, expires_at=NOW, used_by=2)
        )
    async with session_factory() as session, session.begin():
        assert await ErasureService(session, KEY).erase_person(1)
        assert not await ErasureService(session, KEY).erase_person(99)

    assert [m.recipient_id for m in await rows(session_factory, OutboxMessage)] == [2]
    assert (await rows(session_factory, Meeting))[0].created_by is None
    broadcast = (await rows(session_factory, Broadcast))[0]
    assert (broadcast.created_by, broadcast.progress_chat_id) == (None, None)
    assert (await rows(session_factory, AuditEntry))[0].actor_id is None
    assert (await rows(session_factory, Invitation))[0].created_by is None
    (entry,) = await rows(session_factory, ErasureLedger)
    assert (entry.kind, entry.ref) == ("person", person_ref(1, KEY))
    assert len(entry.ref) == 64 and entry.ref != person_ref(1, "another key")


async def test_digest_built_before_a_withdrawal_is_withdrawn_then_built_again_without_it(
    session_factory,
) -> None:
    await organiser_with_contributions(session_factory, subscribed_at=NOW - timedelta(days=3))
    async with session_factory() as session, session.begin():
        await add_people(session, [Person(200)])
        await add_contribution(
            session, 200, "entry", DUE - timedelta(hours=2), entry_answers("Idée à retirer")
        )
    clock = Clock(NOW)
    assert await scheduler(session_factory, clock).tick() == 1  # 6 contributors: shown
    async with session_factory() as session, session.begin():
        withdrawn = (
            await session.scalars(select(Contribution).where(Contribution.user_id == 200))
        ).one()
        await ContributionService(session, default_questionnaire()).withdraw(200, withdrawn.id)

    fake = FakeTelegramSession()
    sender = await sender_for(session_factory, fake, clock)
    await sender.run_until_empty()
    assert fake.requests == []  # the stale digest never went out
    assert await rows(session_factory, DigestRun) == []  # its period is owed again
    statuses = {m.status for m in await rows(session_factory, OutboxMessage)}
    assert statuses == {"cancelled"}

    assert await scheduler(session_factory, clock).tick() == 1
    await sender.run_until_empty()
    text = next(r.text for r in fake.requests if isinstance(r, SendMessage))
    assert "<b>5</b> nouvelles contributions" in text
    assert "Idée à retirer" not in text and withdrawn.public_id not in text


async def test_queued_messages_are_dropped_when_the_recipient_lost_the_right_to_them(
    session_factory,
) -> None:
    async with session_factory() as session, session.begin():
        await add_people(session, [Person(1, organiser=True), Person(2), Person(3)])
        (await session.get(User, 2)).reminders_muted = False
        outbox = Outbox(session, lambda: NOW)
        outbox.text(1, "digest", kind="digest", group="digest:1", ledger_mark=0)
        outbox.text(2, "rappel", kind="reminder")
        outbox.text(3, "diffusion", kind="broadcast")
        outbox.text(3, "rappel", kind="reminder")
    async with session_factory() as session, session.begin():
        (await session.get(User, 1)).is_organiser = False  # revoked after the digest was queued
        (await session.get(User, 3)).reminders_muted = True  # /rappels after the reminder
    fake = FakeTelegramSession()
    await (await sender_for(session_factory, fake, Clock(NOW))).run_until_empty()

    assert sorted((r.chat_id, r.text) for r in fake.requests) == [(2, "rappel"), (3, "diffusion")]
    refused = {
        (m.recipient_id, m.last_error)
        for m in await rows(session_factory, OutboxMessage, OutboxMessage.status == "cancelled")
    }
    assert refused == {(1, "recipient no longer an organiser"), (3, "reminders muted")}


async def test_digest_content_and_files_are_dropped_once_delivered(session_factory) -> None:
    await organiser_with_contributions(session_factory, subscribed_at=NOW - timedelta(days=3))
    clock = Clock(NOW)
    await scheduler(session_factory, clock).tick()
    assert len(await rows(session_factory, OutboxFile)) == 2
    fake = FakeTelegramSession()
    await (await sender_for(session_factory, fake, clock)).run_until_empty()
    assert len(fake.requests) == 3
    delivered = await rows(session_factory, OutboxMessage)
    assert {m.status for m in delivered} == {"sent"}
    assert all(m.payload == {"method": "removed"} and m.file_id is None for m in delivered)
    assert await rows(session_factory, OutboxFile) == []


async def test_retention_purge_deletes_what_is_past_its_time_once_a_day(session_factory) -> None:
    settings = load_settings(retention_days=365, outbox_retention_days=30)
    old, recent = NOW - timedelta(days=400), NOW - timedelta(days=10)
    async with session_factory() as session, session.begin():
        await add_people(session, [Person(1), Person(2)])
        (await session.get(User, 1)).last_seen_at = old
        (await session.get(User, 2)).last_seen_at = recent
        await add_contribution(session, 1, "entry", old, entry_answers())
        stale = await add_contribution(session, 2, "entry", old, entry_answers())
        kept = await add_contribution(session, 2, "pathway", recent, {})
        stale.updated_at = old
        kept.updated_at = recent
        session.add(AuditEntry(at=old, actor_id=2, action="export"))
        session.add(AuditEntry(at=recent, actor_id=2, action="export"))
        Outbox(session, lambda: NOW - timedelta(days=40)).text(2, "vieux", kind="broadcast")
        Outbox(session, lambda: NOW - timedelta(days=5)).text(2, "récent", kind="broadcast")
    async with session_factory() as session, session.begin():
        for message in await session.scalars(select(OutboxMessage)):
            message.status = "sent"

    assert await purge_once_a_day(session_factory, settings, NOW, "a") == 1
    assert await purge_once_a_day(session_factory, settings, NOW, "b") == 0  # claimed once

    assert [u.id for u in await rows(session_factory, User)] == [2]
    assert [c.id for c in await rows(session_factory, Contribution)] == [kept.id]
    assert [a.at for a in await rows(session_factory, AuditEntry)] == [recent]
    assert [m.payload["text"] for m in await rows(session_factory, OutboxMessage)] == ["récent"]
    assert [e.kind for e in await rows(session_factory, ErasureLedger)] == ["person"]


async def test_ledger_erases_again_after_a_backup_from_before_the_erasure_is_restored(
    session_factory,
) -> None:
    async with session_factory() as session, session.begin():
        await add_people(session, [Person(1), Person(2)])
        contribution = await add_contribution(session, 2, "entry", NOW, entry_answers())
    async with session_factory() as session, session.begin():
        await ErasureService(session, KEY).erase_person(1)
        await ContributionService(session, default_questionnaire()).withdraw(2, contribution.id)
    async with session_factory() as session:
        ledger = await ErasureService(session, KEY).export_ledger()
    assert "person" in ledger and contribution.public_id in ledger and '"1"' not in ledger

    # The restored backup: person 1 is back, the contribution submitted, the ledger empty.
    async with session_factory() as session, session.begin():
        await add_people(session, [Person(1)])
        (await session.get(Contribution, contribution.id)).status = "submitted"
        for entry in await session.scalars(select(ErasureLedger)):
            await session.delete(entry)
    async with session_factory() as session, session.begin():
        done = await ErasureService(session, KEY).apply_ledger(ledger)
    assert (done.people, done.contributions) == (1, 1)
    assert await rows(session_factory, User, User.id == 1) == []
    assert (await rows(session_factory, Contribution))[0].status == "withdrawn"
    assert len(await rows(session_factory, ErasureLedger)) == 2


async def test_digest_failing_three_times_is_given_up_and_admins_are_told(
    session_factory, monkeypatch
) -> None:
    await organiser_with_contributions(session_factory, subscribed_at=NOW - timedelta(days=3))
    async with session_factory() as session, session.begin():
        session.add(
            User(
                id=9001,
                language="fr",
                consented_at=NOW,
                privacy_version=2,
                is_admin=True,
            )
        )
    token = "123456:SECRET-token-value"

    async def broken(*args, **kwargs):
        raise RuntimeError(f"cannot reach https://api.telegram.org/bot{token}/sendMessage")

    monkeypatch.setattr("bot.jobs.digests.build_package_in_worker", broken)
    clock = Clock(NOW)
    jobs = scheduler(session_factory, clock)
    jobs.digests.secrets = (token,)  # what BOT_TOKEN would give
    for _ in range(4):
        assert await jobs.tick() == 0

    (failure,) = await rows(session_factory, JobFailure)
    assert (failure.attempts, failure.gave_up) == (3, True)
    assert token not in failure.last_error and "***" in failure.last_error
    (run,) = await rows(session_factory, DigestRun)
    assert run.trigger == "failed" and run.period_end == DUE
    notices = await rows(session_factory, OutboxMessage, OutboxMessage.kind == "notice")
    assert [n.recipient_id for n in notices] == [9001]
    assert "a échoué 3 fois" in notices[0].payload["text"]
    assert "1" not in notices[0].payload["text"].split("(")[0]  # no organiser id in it


async def test_a_network_error_quoting_the_token_is_stored_without_it(session_factory) -> None:
    async with session_factory() as session, session.begin():
        await add_people(session, [Person(1)])
        Outbox(session, lambda: NOW).text(1, "bonjour", kind="broadcast")
    fake = FakeTelegramSession()

    async def failing(bot, method, timeout=None):
        raise OSError(f"connection reset by https://api.telegram.org/bot{bot.token}/sendMessage")

    fake.make_request = failing
    sender = await sender_for(session_factory, fake, Clock(NOW))
    await sender.run_once()
    (row,) = await rows(session_factory, OutboxMessage)
    assert sender.bot.token not in row.last_error and "***" in row.last_error


async def test_erasure_withdraws_and_empties_other_peoples_queued_digests_at_once(
    session_factory,
) -> None:
    await organiser_with_contributions(session_factory, subscribed_at=NOW - timedelta(days=3))
    async with session_factory() as session, session.begin():
        await add_people(session, [Person(200)])
        await add_contribution(
            session, 200, "entry", DUE - timedelta(hours=2), entry_answers("Idée de Personne")
        )
    assert await scheduler(session_factory, Clock(NOW)).tick() == 1
    async with session_factory() as session, session.begin():
        await ErasureService(session, KEY).erase_person(200)

    queued = await rows(session_factory, OutboxMessage)
    assert queued and {m.status for m in queued} == {"cancelled"}
    assert all(m.payload == {"method": "removed"} and m.file_id is None for m in queued)
    assert await rows(session_factory, OutboxFile) == []  # the spreadsheet held the idea
    assert await rows(session_factory, DigestRun) == []  # owed again, built without it


async def test_ledger_keeps_a_person_who_came_back_after_being_erased(session_factory) -> None:
    async with session_factory() as session, session.begin():
        await add_people(session, [Person(1)])
    async with session_factory() as session, session.begin():
        await ErasureService(session, KEY).erase_person(1)
    async with session_factory() as session:
        ledger = await ErasureService(session, KEY).export_ledger()
    async with session_factory() as session, session.begin():
        await add_people(session, [Person(1)])  # they came back and accepted the notice again
        (await session.get(User, 1)).consented_at = utcnow() + timedelta(seconds=1)
    async with session_factory() as session, session.begin():
        done = await ErasureService(session, KEY).apply_ledger(ledger)
    assert done.people == 0 and len(await rows(session_factory, User)) == 1


async def test_retention_deletes_a_replaced_revision_from_when_it_was_replaced(
    session_factory,
) -> None:
    settings = load_settings(retention_days=365)
    async with session_factory() as session, session.begin():
        await add_people(session, [Person(1)])
        (await session.get(User, 1)).last_seen_at = NOW
        contribution = await add_contribution(session, 1, "entry", NOW, {})
        contribution.updated_at = NOW
        for revision, age in ((1, 500), (2, 400), (3, 10)):
            session.add(
                Answer(
                    contribution_id=contribution.id,
                    question_key="entry_barriers",
                    questionnaire_version=1,
                    revision=revision,
                    is_current=revision == 3,
                    skipped=False,
                    text_value=f"version {revision}",
                    created_at=NOW - timedelta(days=age),
                )
            )
    await purge_once_a_day(session_factory, settings, NOW, "a")
    kept = sorted(a.revision for a in await rows(session_factory, Answer))
    # Revision 1 was replaced 400 days ago: gone. Revision 2, replaced 10 days ago, stays.
    assert kept == [2, 3]


async def test_scheduled_digest_waits_for_an_organiser_to_accept_the_new_notice(
    session_factory,
) -> None:
    await organiser_with_contributions(session_factory, subscribed_at=NOW - timedelta(days=3))
    async with session_factory() as session, session.begin():
        (await session.get(User, 1)).privacy_version = 1
    assert await scheduler(session_factory, Clock(NOW)).tick() == 0
    assert await rows(session_factory, OutboxMessage) == []


async def test_a_digest_in_flight_at_a_crash_keeps_no_content(session_factory) -> None:
    await organiser_with_contributions(session_factory, subscribed_at=NOW - timedelta(days=3))
    clock = Clock(NOW)
    await scheduler(session_factory, clock).tick()
    async with session_factory() as session, session.begin():
        for message in await session.scalars(select(OutboxMessage)):
            message.status, message.claimed_at = "sending", NOW - timedelta(hours=1)
    sender = await sender_for(session_factory, FakeTelegramSession(), clock)
    await sender.recover(everything=True)
    rows_after = await rows(session_factory, OutboxMessage)
    assert {m.status for m in rows_after} == {"unknown"}
    assert all(m.payload == {"method": "removed"} and m.file_id is None for m in rows_after)
    assert await rows(session_factory, OutboxFile) == []
