"""The one delivery engine, second half: the paced sender, which delivers outbox rows.

- a global rate (aiolimiter's leaky bucket, `SEND_RATE`, default 25/s, under Telegram's ~30/s)
  and at least one second between two messages to the same chat;
- 429: wait `retry_after`, retry; 403 (blocked, deactivated): mark the person inactive, do not
  retry; 400: fail (retrying cannot help); network errors and 5xx: retry with bounded
  exponential backoff, then give up visibly: `failed` when Telegram answered with an error,
  `unknown` when no answer came (it may have been delivered);
- claims are compare-and-set (and `FOR UPDATE SKIP LOCKED` on PostgreSQL), so two senders never
  take the same row. A row is `claimed` while queued in this process and `sending` only during
  its Bot API call. After a crash, `claimed` rows go back to `pending`; a row left `sending`
  may or may not have reached Telegram, and is marked `unknown` rather than sent again. The
  real guarantee is in docs/delivery.md: Telegram has no idempotency key, so a call whose
  answer was lost (and retried) can show a message twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from datetime import datetime, timedelta
from typing import Any

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import BufferedInputFile, InlineKeyboardMarkup

from bot.delivery.outbox import ADMIN_KINDS, CLAIM_LEASE, MAX_ATTEMPTS, NO_ANSWER, RECIPIENT_ERASED
from bot.delivery.ratelimit import SendRateLimiter
from bot.domain.quiet import QuietHours
from bot.logs import redact
from storage.base import Clock, instance_name, utcnow
from storage.models import OutboxFile, OutboxMessage, OutboxStatus
from storage.repositories.erasures import LedgerRepo
from storage.repositories.outbox import PACKAGE_KINDS, OutboxRepo
from storage.repositories.outbox_queue import OutboxQueueRepo, is_single_sender
from storage.repositories.people import UserRepo
from storage.unit_of_work import UnitOfWork, UnitOfWorkFactory

log = logging.getLogger(__name__)


async def send_payload(bot: Bot, chat_id: int, payload: dict[str, Any], upload: Any = None) -> Any:
    """One outbox payload as a Bot API call. Also used for a broadcast's preview, so that the
    admin sees exactly what recipients will. `upload`: the bytes of an outbox file, if any;
    a payload may instead name a file already on Telegram's servers (`media`)."""
    markup = payload.get("reply_markup")
    reply_markup = InlineKeyboardMarkup.model_validate(markup) if markup else None
    method = payload["method"]
    if method == "message":
        return await bot.send_message(chat_id, payload["text"], reply_markup=reply_markup)
    media = payload.get("media") or upload
    if media is None:
        raise TelegramBadRequest(None, "attachment no longer available")  # type: ignore[arg-type]
    caption = payload.get("caption")
    if method == "photo":
        return await bot.send_photo(chat_id, media, caption=caption, reply_markup=reply_markup)
    return await bot.send_document(chat_id, media, caption=caption, reply_markup=reply_markup)


class PacedSender:
    def __init__(
        self,
        bot: Bot,
        session_factory: UnitOfWorkFactory,
        *,
        rate: float = 25.0,
        per_chat_interval: float = 1.0,
        clock: Clock = utcnow,
        name: str | None = None,
        quiet: QuietHours | None = None,
        limiter: SendRateLimiter | None = None,
        admin_ids: tuple[int, ...] = (),
    ) -> None:
        self.quiet = quiet
        self.admin_ids = admin_ids  # ADMIN_IDS: entitled to digests and pre-reads
        # About one second of sending per claim: fewer round trips, few rows held per process.
        self.batch_size = max(10, min(int(rate), 500))
        self.bot = bot
        self.session_factory = session_factory
        # Smooth pacing at `rate`, shared with the other instances when Redis is configured.
        self.limiter = limiter or SendRateLimiter(rate)
        self.per_chat_interval = per_chat_interval
        self.clock = clock
        self.name = name or instance_name()
        self._last_sent: dict[int, float] = {}
        self._paused_until = 0.0  # a 429 pauses every send, not just the refused one
        # (outbox file id, created) -> Telegram file_id, after the first upload. Files are deleted
        # once delivered and SQLite may reuse an id: the creation time tells them apart.
        self._uploaded: dict[tuple[int, datetime], str] = {}

    async def recover(self, *, everything: bool = False) -> None:
        """After a crash: return queued rows, fail the ones that were mid-call (at most once).

        `everything`: this is the only sender (SQLite), so any claim is a dead process's;
        otherwise only claims older than the lease, which a live sender would have finished.
        """
        stale = self.clock() + timedelta(seconds=1) if everything else self.clock() - CLAIM_LEASE
        async with self.session_factory() as session, session.begin():
            await OutboxQueueRepo(session).recover(
                stale, "interrupted during the Bot API call; outcome unknown, not resent"
            )
            await OutboxRepo(session).strip_finished_packages()  # a digest's content goes too

    async def release_claims(self) -> int:
        """On a clean stop: rows this sender claimed but did not start go back to `pending` at
        once, instead of waiting for the lease to expire. Rows in a Bot API call (`sending`) are
        left to `recover` (at most once)."""
        async with self.session_factory() as session, session.begin():
            return await OutboxQueueRepo(session).release_claims_of(self.name)

    async def run_once(self, limit: int = 50) -> int:
        """Claim due messages and deliver them; returns how many were handled."""
        claimed = await self._claim(limit)
        if not claimed:
            return 0
        by_chat: dict[int, list[OutboxMessage]] = {}
        for message in claimed:
            by_chat.setdefault(message.recipient_id, []).append(message)
        outcomes = await asyncio.gather(
            *(self._deliver_chat(messages) for messages in by_chat.values()),
            return_exceptions=True,
        )
        failures = [outcome for outcome in outcomes if isinstance(outcome, BaseException)]
        if failures:
            # E.g. Redis (the shared rate) unreachable: what was not started goes back to
            # `pending` now rather than waiting out the lease, then the caller backs off.
            await self.release_claims()
            raise failures[0]
        return len(claimed)

    async def run_until_empty(self) -> int:
        """Deliver everything due now (CLI `deliver --until-empty`, benchmarks, tests)."""
        total = 0
        while True:
            handled = await self.run_once(self.batch_size)
            total += handled
            if not handled:
                async with self.session_factory() as session:
                    if not await OutboxQueueRepo(session).anything_waiting():
                        return total
                await asyncio.sleep(0.05)  # rows waiting for retry_after or backoff

    async def run_forever(self, stop: asyncio.Event, idle_seconds: float = 1.0) -> None:
        async with self.session_factory() as session:
            single_sender = is_single_sender(session)
        await self.recover(everything=single_sender)
        last_recovery = time.monotonic()
        while not stop.is_set():
            if time.monotonic() - last_recovery > CLAIM_LEASE.total_seconds() / 2:
                # Another instance may have died holding claims: take them back once stale.
                await self.recover()
                last_recovery = time.monotonic()
            try:
                handled = await self.run_once(self.batch_size)
            except Exception:  # a broken row or a database hiccup must not stop delivery
                log.exception("delivery round failed")
                handled = 0
            if not handled:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=idle_seconds)

    async def _claim(self, limit: int) -> list[OutboxMessage]:
        now = self.clock()
        # In quiet hours only urgent rows go; the rest waits for the morning.
        urgent_only = self.quiet is not None and self.quiet.is_quiet(now)
        async with self.session_factory() as session, session.begin():
            return await OutboxQueueRepo(session).claim(
                now, limit, self.name, urgent_only=urgent_only
            )

    async def _deliver_chat(self, messages: list[OutboxMessage]) -> None:
        for message in messages:  # in id order: a digest's text, then its files
            outcome = await self._deliver(message)
            rest = messages[messages.index(message) + 1 :]
            if outcome == OutboxStatus.BLOCKED:
                await self._release(rest, OutboxStatus.BLOCKED, "recipient blocked the bot")
                return
            if outcome == OutboxStatus.PENDING:  # retried later: the rest must wait behind it
                await self._release(rest, OutboxStatus.PENDING, None)
                return

    async def _deliver(self, message: OutboxMessage) -> str:
        await self._pace(message.recipient_id)
        async with self.session_factory() as session, session.begin():
            # Still ours and still wanted? A cancelled broadcast or meeting withdraws rows that
            # may already sit in this batch.
            queue = OutboxQueueRepo(session)
            if not await queue.start_sending(message.id, self.name):
                return OutboxStatus.CANCELLED
            refusal = await self._refusal(session, message)
            if refusal == RECIPIENT_ERASED:  # nothing about them is kept, not even this row
                await queue.delete(message.id)
                return OutboxStatus.CANCELLED
            if refusal is not None:
                await queue.cancel(message.id, refusal)
                return OutboxStatus.CANCELLED
            file = await queue.file(message.file_id) if message.file_id else None
        try:
            sent = await self._call(message, file)
        except TelegramRetryAfter as error:
            self._paused_until = max(self._paused_until, time.monotonic() + error.retry_after)
            return await self._finish(
                message,
                OutboxStatus.PENDING,
                str(error.message),
                retry_in=float(error.retry_after),
                count_attempt=False,
            )
        except TelegramForbiddenError as error:
            async with self.session_factory() as session, session.begin():
                await UserRepo(session).set_active(message.recipient_id, False)
            return await self._finish(message, OutboxStatus.BLOCKED, str(error.message))
        except TelegramBadRequest as error:
            return await self._finish(message, OutboxStatus.FAILED, str(error.message))
        except NO_ANSWER as error:  # the call may have reached Telegram: retry with backoff
            return await self._retry_or_give_up(message, error, maybe_delivered=True)
        except TelegramServerError as error:  # Telegram answered with a failure: not delivered
            return await self._retry_or_give_up(message, error, maybe_delivered=False)
        except Exception as error:  # another answer (401, 404, 413...) or our own bug
            log.exception("outbox message %s not sent", message.id)
            described = redact(repr(error), (self.bot.token,))[:255]
            return await self._finish(message, OutboxStatus.FAILED, described)
        if file is not None and sent is not None:
            self._remember_upload((file.id, file.created_at), sent)
        return await self._finish(message, OutboxStatus.SENT, None)

    async def _retry_or_give_up(
        self, message: OutboxMessage, error: Exception, *, maybe_delivered: bool
    ) -> str:
        """Backoff 2, 4, 8, 16 s; after MAX_ATTEMPTS, `unknown` if any attempt got no answer
        (it may have been delivered), else `failed` (certainly not)."""
        # The error may quote the Bot API URL, which holds the token: never store that.
        described = redact(repr(error), (self.bot.token,))[:255]
        maybe = maybe_delivered or message.maybe_delivered
        if message.attempts + 1 >= MAX_ATTEMPTS:
            final = OutboxStatus.UNKNOWN if maybe else OutboxStatus.FAILED
            return await self._finish(message, final, described, maybe_delivered=maybe)
        return await self._finish(
            message,
            OutboxStatus.PENDING,
            described,
            retry_in=min(2 ** (message.attempts + 1), 300),
            maybe_delivered=maybe,
        )

    async def _refusal(self, session: UnitOfWork, message: OutboxMessage) -> str | None:
        """Checked again at send time, whatever was true when the message was queued: the
        recipient still exists and is still entitled, and a digest's or pre-read's content was
        not erased or withdrawn since it was built (then it is withdrawn and built again)."""
        user = await UserRepo(session).get(message.recipient_id)
        if user is None:
            # ADMIN_IDS admins may act before accepting the notice (they have no row): what
            # the bot owes them about their own actions still reaches them.
            if message.kind in ADMIN_KINDS and message.recipient_id in self.admin_ids:
                return None
            return RECIPIENT_ERASED
        if message.kind in PACKAGE_KINDS:
            if not (user.is_organiser or user.is_admin or user.id in self.admin_ids):
                return "recipient no longer an organiser"
            mark = message.ledger_mark
            if mark is not None and await LedgerRepo(session).latest_id() > mark:
                await OutboxRepo(session).withdraw_package(
                    message.group_key or "", "content erased or withdrawn since built; rebuilt"
                )
                return "content erased or withdrawn since built; rebuilt"
        if message.kind == "reminder" and user.reminders_muted:
            return "reminders muted"
        return None

    async def _call(self, message: OutboxMessage, file: OutboxFile | None) -> Any:
        upload: Any = None
        if file is not None:
            upload = self._uploaded.get((file.id, file.created_at)) or BufferedInputFile(
                file.content, file.filename
            )
        return await send_payload(self.bot, message.recipient_id, message.payload, upload)

    def _remember_upload(self, file_id: tuple[int, datetime], sent: Any) -> None:
        """Reuse Telegram's file_id after the first upload instead of uploading again."""
        uploaded = getattr(sent, "document", None) or (getattr(sent, "photo", None) or [None])[-1]
        if uploaded is not None and getattr(uploaded, "file_id", None):
            self._uploaded[file_id] = uploaded.file_id

    async def _finish(
        self,
        message: OutboxMessage,
        status: str,
        error: str | None,
        *,
        retry_in: float | None = None,
        count_attempt: bool = True,
        maybe_delivered: bool = False,
    ) -> str:
        now = self.clock()
        finished = status != OutboxStatus.PENDING
        package = message.kind in PACKAGE_KINDS
        async with self.session_factory() as session, session.begin():
            await OutboxQueueRepo(session).finish(
                message.id,
                status,
                error,
                count_attempt=count_attempt,
                due_at=now + timedelta(seconds=retry_in) if retry_in is not None else None,
                sent_at=now if status == OutboxStatus.SENT else None,
                maybe_delivered=maybe_delivered,
                # A digest's content is kept only until delivered (docs/privacy.md).
                strip_content=finished and package,
            )
            if finished and message.file_id is not None and package:
                await OutboxRepo(session).delete_unused_files()
        return status

    async def _release(self, messages: list[OutboxMessage], status: str, error: str | None) -> None:
        if not messages:
            return
        async with self.session_factory() as session, session.begin():
            await OutboxQueueRepo(session).release([m.id for m in messages], status, error)

    async def _pace(self, chat_id: int) -> None:
        """Wait for this chat's interval and the global rate, and for any 429 pause. The pause is
        checked again *after* the rate limiter: calls that were already waiting on it when a 429
        came must not go out inside the pause (a 429 is for the whole bot)."""
        while True:
            pause = self._paused_until - time.monotonic()
            if pause > 0:
                await asyncio.sleep(pause)
            last = self._last_sent.get(chat_id)
            if last is not None:
                wait = self.per_chat_interval - (time.monotonic() - last)
                if wait > 0:
                    await asyncio.sleep(wait)
            await self.limiter.acquire()
            if self._paused_until <= time.monotonic():
                break
        now = time.monotonic()
        self._last_sent[chat_id] = now
        if len(self._last_sent) > 50_000:  # forget chats that are no longer being paced
            horizon = now - self.per_chat_interval
            self._last_sent = {c: t for c, t in self._last_sent.items() if t > horizon}
