"""Load test: two webhook instances on loopback, one PostgreSQL, one Redis, a fake Bot API.

2,000 simulated people (profiles already filled in) each send 10 updates, spread at random
across the two instances: /contribuer, the theme, five answers (free text, a multiple choice and
its validation, a scale, a single choice, free text), submit, then /mescontributions. Each person
reads their screen (the last keyboard the fake Bot API received for them) before the next
update, like someone on a phone. Meanwhile both instances' schedulers owe one organiser a digest
and 2,000 people a meeting reminder.

Printed: updates/s, latency from the update's POST to the bot's first reply (p50, p99), HTTP
errors; then the checks: every answer stored exactly once, no draft left or corrupted, one
digest, one reminder per person.

    python bench/load_webhook.py [--people 2000] [--concurrency 200] [--instances 2]

Needs PostgreSQL (BENCH_POSTGRES_ADMIN_URL, default postgresql+asyncpg://postgres@127.0.0.1:5432/test;
a database `relais_load` is dropped and created) and Redis (BENCH_REDIS_URL, default
redis://127.0.0.1:6379/0).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
from _common import ROOT, person_rows
from answer_throughput import fake_server
from sqlalchemy import func, insert, select, text

from storage.engine import create_engine, create_session_factory
from storage.migrate import upgrade_to_head
from storage.models import (
    Answer,
    Contribution,
    DigestRun,
    DigestSubscription,
    Meeting,
    OutboxMessage,
    User,
)

ADMIN_URL = os.environ.get(
    "BENCH_POSTGRES_ADMIN_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
DATABASE = "relais_load"
TOKEN = "424242:load-test"
SECRET = "load-test-secret"
FIRST_ID = 3_000_000
ORGANISER = 2_999_999


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def fresh_database(people: int) -> str:
    admin = create_engine(ADMIN_URL)
    async with admin.connect() as connection:
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
        await autocommit.execute(text(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"))
        await autocommit.execute(text(f"CREATE DATABASE {DATABASE}"))
    await admin.dispose()
    url = ADMIN_URL.rsplit("/", 1)[0] + f"/{DATABASE}"
    engine = create_engine(url)
    await upgrade_to_head(engine)
    now = datetime.now(UTC)
    async with create_session_factory(engine)() as session, session.begin():
        rows = person_rows(FIRST_ID, people, now - timedelta(days=30))
        rows.append({**rows[0], "id": ORGANISER, "is_organiser": True, "region_code": "11"})
        await session.execute(insert(User), rows)
        local = now.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Paris"))
        session.add(  # a daily digest whose slot passed an hour ago
            DigestSubscription(
                user_id=ORGANISER,
                frequency="daily",
                hour=(local - timedelta(hours=1)).hour,
                minute=0,
                themes=[],
                regions=[],
                created_at=now - timedelta(days=2),
                updated_at=now - timedelta(days=2),
            )
        )
        session.add(  # a meeting in six hours: its last reminder wave is due now
            Meeting(
                starts_at=now + timedelta(hours=6),
                city="Grenoble",
                regions=["84"],
                status="scheduled",
            )
        )
    await engine.dispose()
    return url


def start_instance(port: int, api: str, url: str, quiet_hours: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": api,
        "DATABASE_URL": url,
        "REDIS_URL": REDIS_URL,
        "WEBHOOK_URL": f"http://127.0.0.1:{port}/hook",
        "WEBHOOK_SECRET": SECRET,
        "PORT": str(port),
        "SEND_RATE": "500",
        "PRIVACY_CONTROLLER": "bench",
        "PRIVACY_CONTACT": "bench@example.org",
        "PRIVACY_DPO": "bench@example.org",
        "PRIVACY_HOSTING": "this machine",
        "ERASURE_LEDGER_KEY": "bench-ledger-key",
        "QUIET_HOURS": quiet_hours,
        "QUIET_SUNDAYS": "false",
        "LOG_LEVEL": "WARNING",
    }
    log = open(f"{tempfile.gettempdir()}/relais-load-{port}.log", "w")  # noqa: SIM115
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "webhook"], cwd=ROOT, env=env, stderr=log, stdout=log
    )


class Person:
    def __init__(self, user_id: int, http: aiohttp.ClientSession, api: str, hooks: list[str]):
        self.id = user_id
        self.http = http
        self.api = api
        self.hooks = hooks
        self.seen = 0  # events received so far
        self.keyboards: list[dict[str, Any]] = []  # newest last: what is on screen
        self.latencies: list[float] = []
        self.errors = 0
        self.updates = 0

    def _user(self) -> dict[str, Any]:
        return {"id": self.id, "is_bot": False, "first_name": "P", "language_code": "fr"}

    async def _post(self, update: dict[str, Any]) -> None:
        self.updates += 1
        update["update_id"] = self.id * 100 + self.updates
        sent_at = time.time()
        hook = random.choice(self.hooks)
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        async with self.http.post(hook, json=update, headers=headers) as response:
            if response.status != 200:
                self.errors += 1
                return
        screen = await self._look()
        if screen["count"] <= self.seen:
            self.errors += 1  # no answer within the timeout
            return
        self.latencies.append(screen["first_at"] - sent_at)
        self._saw(screen)

    async def _look(self) -> dict[str, Any]:
        async with self.http.get(
            f"{self.api}/wait/{self.id}", params={"after": self.seen, "settle": "0.05"}
        ) as response:
            return await response.json()

    def _saw(self, screen: dict[str, Any]) -> None:
        self.seen = screen["count"]
        self.keyboards = (self.keyboards + screen["keyboards"])[-5:]

    async def say(self, text_: str) -> None:
        message = {
            "message_id": self.updates + 1,
            "date": int(time.time()),
            "chat": {"id": self.id, "type": "private"},
            "from": self._user(),
            "text": text_,
        }
        await self._post({"message": message})

    async def tap(self, data: str) -> None:
        keyboard = next(
            (k for k in reversed(self.keyboards) if data in self._data(k)), {}
        )  # the message the button is on (a reminder may have arrived since)
        message = {
            "message_id": keyboard.get("message_id", 1),
            "date": int(time.time()),
            "chat": {"id": self.id, "type": "private"},
            "from": {"id": 424242, "is_bot": True, "first_name": "Relais"},
            "text": keyboard.get("text") or "…",
        }
        query = {
            "id": f"{self.id}-{self.updates}",
            "from": self._user(),
            "chat_instance": "load",
            "data": data,
            "message": message,
        }
        await self._post({"callback_query": query})

    @staticmethod
    def _data(keyboard: dict[str, Any]) -> list[str]:
        markup = keyboard.get("reply_markup") or {}
        return [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row]

    async def buttons(self, pattern: str) -> list[str]:
        """The buttons matching `pattern` on the newest keyboard that has any, waiting for
        the rest of the bot's reply if it is not there yet (a reply can be two messages)."""
        for _ in range(10):
            for keyboard in reversed(self.keyboards):
                found = [data for data in self._data(keyboard) if pattern in data]
                if found:
                    return found
            self._saw(await self._look())
        raise LookupError(f"no {pattern!r} button on screen")

    async def contribute(self) -> None:
        """10 updates: the entry theme's five questions, submit, then the list."""
        await self.say("/contribuer")
        await self.tap(next(d for d in await self.buttons("th:") if d == "th:entry"))
        await self.buttons(":entry_barriers:")  # the first question is on screen
        await self.say("Les transports manquent le matin pour les missions en horaires décalés.")
        await self.tap((await self.buttons(":t:"))[0])  # tick the first option
        await self.tap((await self.buttons(":v:"))[0])  # validate
        await self.tap(random.choice(await self.buttons(":s:")))  # a scale
        await self.tap(random.choice(await self.buttons(":o:")))  # a single choice
        await self.buttons(":entry_proposal:")  # the last question is on screen
        await self.say("Un référent mobilité partagé entre les structures du bassin.")
        await self.tap(next(d for d in await self.buttons("rv:") if d.endswith(":s:")))
        await self.say("/mescontributions")


async def run(people: int, concurrency: int, instance_count: int = 2) -> None:
    url = await fresh_database(people)
    quiet_start = (datetime.now(UTC) + timedelta(hours=12)).strftime("%H:00")
    quiet_hours = f"{quiet_start}-{quiet_start[:2]}:01"  # far from now: nothing is held
    ports = [free_port() for _ in range(instance_count)]
    with fake_server() as api:
        instances = [start_instance(port, api, url, quiet_hours) for port in ports]
        hooks = [f"http://127.0.0.1:{port}/hook" for port in ports]
        try:
            async with aiohttp.ClientSession() as http:
                for port in ports:  # wait for both to answer /healthz
                    for _ in range(300):
                        try:
                            async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                                if response.status == 200:
                                    break
                        except aiohttp.ClientError:
                            pass
                        await asyncio.sleep(0.1)
                # Both schedulers race for the digest and the reminder wave; let the reminders
                # land first, so that people's screens (and the latency figures) hold only
                # replies to what they sent.
                reminders_at = time.perf_counter()
                await wait_for_reminders(url, people)
                reminders_took = time.perf_counter() - reminders_at
                crowd = [Person(FIRST_ID + i, http, api, hooks) for i in range(people)]
                gate = asyncio.Semaphore(concurrency)

                async def play(person: Person) -> None:
                    async with gate:
                        try:
                            await person.contribute()
                        except (LookupError, aiohttp.ClientError) as error:
                            person.errors += 1
                            print(f"person {person.id}: {error!r}", file=sys.stderr)

                started = time.perf_counter()
                await asyncio.gather(*(play(person) for person in crowd))
                elapsed = time.perf_counter() - started
                await asyncio.sleep(5)  # let the schedulers and senders finish their work
                async with http.get(f"{api}/stats") as response:
                    stats = await response.json()
        finally:
            for instance in instances:
                instance.terminate()
            for instance in instances:
                instance.wait(60)
    updates = sum(p.updates for p in crowd)
    latencies = sorted(latency for p in crowd for latency in p.latencies)
    errors = sum(p.errors for p in crowd)
    p99 = latencies[int(len(latencies) * 0.99) - 1] if latencies else float("nan")
    print(
        f"{people:,} people, {updates:,} updates over {instance_count} instance(s) in "
        f"{elapsed:.1f} s: "
        f"{updates / elapsed:.0f} updates/s; first reply after p50 "
        f"{statistics.median(latencies) * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms; errors {errors}; "
        f"instances exited {[i.returncode for i in instances]}; the {people:,} reminders had "
        f"gone out in {reminders_took:.1f} s before the crowd started"
    )
    await check(url, people, stats)


async def wait_for_reminders(url: str, people: int, seconds: float = 180) -> None:
    engine = create_engine(url)
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            async with engine.connect() as connection:
                sent = (
                    await connection.execute(
                        select(func.count()).where(
                            OutboxMessage.kind == "reminder", OutboxMessage.status == "sent"
                        )
                    )
                ).scalar_one()
            if sent >= people:
                return
            await asyncio.sleep(0.5)
        print(f"only {sent} reminders sent after {seconds} s", file=sys.stderr)
    finally:
        await engine.dispose()


async def check(url: str, people: int, stats: dict[str, Any]) -> None:
    engine = create_engine(url)
    async with engine.connect() as connection:

        async def scalar(query) -> int:
            return (await connection.execute(query)).scalar_one()

        contributions = await scalar(select(func.count()).select_from(Contribution))
        submitted = await scalar(select(func.count()).where(Contribution.status == "submitted"))
        answers = await scalar(select(func.count()).select_from(Answer))
        later_revisions = await scalar(select(func.count()).where(Answer.revision > 1))
        broken = await scalar(
            select(func.count()).where(
                Contribution.status == "submitted", Contribution.cursor.is_not(None)
            )
        )
        digests = await scalar(select(func.count()).select_from(DigestRun))
        duplicate_reminders = await scalar(
            select(func.count()).select_from(
                select(OutboxMessage.recipient_id)
                .where(OutboxMessage.kind == "reminder")
                .group_by(OutboxMessage.group_key, OutboxMessage.recipient_id)
                .having(func.count() > 1)
                .subquery()
            )
        )
        reminders = await scalar(select(func.count()).where(OutboxMessage.kind == "reminder"))
        sent = await scalar(
            select(func.count()).where(
                OutboxMessage.kind == "reminder", OutboxMessage.status == "sent"
            )
        )
    await engine.dispose()
    print(
        json.dumps(
            {
                "contributions": contributions,
                "submitted": submitted,
                "answers": answers,
                "answers expected": people * 5,
                "revisions beyond the first": later_revisions,
                "submitted with a dangling cursor": broken,
                "digest runs": digests,
                "reminders": reminders,
                "reminders sent": sent,
                "people with two copies of a reminder": duplicate_reminders,
                "fake API methods": stats["methods"],
            },
            indent=1,
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument("--instances", type=int, default=2, help="1 gives the baseline")
    args = parser.parse_args()
    asyncio.run(run(args.people, args.concurrency, args.instances))


if __name__ == "__main__":
    main()
