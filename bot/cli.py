"""Command-line tasks: export, digest preview, grant. Each opens its own unit of work."""

from __future__ import annotations

import argparse
import asyncio
import re
import signal
import sys
from datetime import datetime, time, timedelta
from pathlib import Path

from bot.config import Settings
from bot.i18n import use_locale
from bot.questionnaire import default_questionnaire
from bot.services.digest import build_package
from bot.services.export import export_counts, export_csv, export_xlsx
from bot.services.geo import get_region
from bot.services.profile import PRIVACY_VERSION
from bot.services.roles import CONSOLE, RoleService
from storage.base import utcnow
from storage.engine import check_reachable, create_engine, create_session_factory
from storage.migrate import upgrade_to_head
from storage.reports import ReportRepo, Scope
from storage.repositories import DigestRunRepo

_TAG = re.compile(r"<[^>]+>")


async def _session_factory(settings: Settings):
    engine = create_engine(settings.database_url, inline=False)
    await check_reachable(engine)
    if settings.sqlite_path() is not None:
        await upgrade_to_head(engine)
    return engine, create_session_factory(engine)


async def export(settings: Settings, args: argparse.Namespace) -> int:
    questionnaire = default_questionnaire()
    unknown = [t for t in args.theme if questionnaire.theme(t) is None]
    unknown += [r for r in args.region if get_region(r) is None]
    if unknown:
        print(
            f"Unknown theme or region: {', '.join(unknown)}. Themes: "
            f"{', '.join(t.key for t in questionnaire.themes)}; regions are INSEE codes "
            "(84 = Auvergne-Rhône-Alpes).",
            file=sys.stderr,
        )
        return 2
    tz = settings.tz
    start = datetime.combine(args.since, time.min, tzinfo=tz) if args.since else None
    end = (
        datetime.combine(args.until + timedelta(days=1), time.min, tzinfo=tz)
        if args.until
        else utcnow()
    )
    scope = Scope(start=start, end=end, themes=tuple(args.theme), regions=tuple(args.region))
    locale = args.locale or settings.default_locale
    engine, factory = await _session_factory(settings)
    try:
        async with factory() as session:
            with use_locale(locale, settings.default_locale):
                writer = export_csv if args.format == "csv" else export_xlsx
                content = await writer(
                    session, questionnaire, scope, settings.small_group_threshold, locale, tz
                )
            counts = await export_counts(
                ReportRepo(session), questionnaire, scope, settings.small_group_threshold
            )
            count = sum(counts.values()) if content is not None and counts else 0
            await RoleService(session, settings).audit(
                None,
                "export" if content is not None else "export_refused",
                by=CONSOLE,
                format=args.format,
                themes=list(scope.themes),
                regions=list(scope.regions),
                contributions=count,
            )
            await session.commit()
    finally:
        await engine.dispose()
    if content is None:
        print(
            f"Fewer than {settings.small_group_threshold} people are behind this selection, so "
            "nothing was written, to protect them. Widen it: more regions or themes, or a "
            "longer period.",
            file=sys.stderr,
        )
        return 3
    await asyncio.to_thread(Path(args.output).write_bytes, content)
    print(f"{count} contributions written to {args.output}.")
    return 0


async def digest(settings: Settings, args: argparse.Namespace) -> int:
    questionnaire = default_questionnaire()
    engine, factory = await _session_factory(settings)
    try:
        async with factory() as session:
            # The same people, and the same window, as the scheduler's digests.
            runs = DigestRunRepo(session)
            rows = await runs.recipients(settings.admin_ids, PRIVACY_VERSION, args.organiser)
            if not rows:
                print(
                    "No such organiser (or digests off, or an older notice)."
                    if args.organiser
                    else "No organiser or admin is owed a digest.",
                    file=sys.stderr,
                )
                return 1
            for subscription, user in rows:
                _, start = await runs.next_start(user.id)
                scope = Scope(
                    start=start,
                    end=utcnow(),
                    themes=tuple(subscription.themes or ()),
                    regions=tuple(subscription.regions or ()),
                )
                with use_locale(user.language, settings.default_locale):
                    package = await build_package(
                        session,
                        questionnaire,
                        scope,
                        threshold=settings.small_group_threshold,
                        locale=user.language,
                        tz=settings.tz,
                    )
                print(f"=== digest for organiser {user.id} ({user.language}) ===")
                for text in package.texts:
                    print(
                        _TAG.sub("", text)
                        .replace("&lt;", "<")
                        .replace("&gt;", ">")
                        .replace("&amp;", "&")
                    )
                attachments = [
                    name
                    for name, content in (("xlsx", package.xlsx), ("png", package.chart))
                    if content
                ]
                if attachments:
                    print(f"(attachments that would be sent: {', '.join(attachments)})")
                print()
    finally:
        await engine.dispose()
    return 0


async def grant(settings: Settings, args: argparse.Namespace) -> int:
    """`grant --organiser ID` or `grant --admin ID` (`--remove` to take it back), from a
    platform's console."""
    from bot.services.roles import Role

    role = Role.ADMIN if args.admin is not None else Role.ORGANISER
    user_id = args.admin if args.admin is not None else args.organiser
    engine, factory = await _session_factory(settings)
    try:
        async with factory() as session, session.begin():
            done = await RoleService(session, settings).grant(
                None, user_id, role, args.remove, by=CONSOLE
            )
    finally:
        await engine.dispose()
    if not done:
        print(
            f"No person {user_id}: they must send /start to the bot and accept the privacy "
            "notice first.",
            file=sys.stderr,
        )
        return 1
    what = "an admin" if role == Role.ADMIN else "an organiser"
    print(f"{user_id} is {'no longer ' if args.remove else ''}{what}.")
    return 0


async def meetings(settings: Settings, args: argparse.Namespace) -> int:
    from bot.services.meetings import new_meeting, read_csv, validate
    from storage.repositories import MeetingRepo

    engine, factory = await _session_factory(settings)
    try:
        if args.meetings_command == "cancel":
            from bot.services.meetings import cancel_meeting

            async with factory() as session, session.begin():
                withdrawn = await cancel_meeting(session, args.id)
            if withdrawn is None:
                print(f"No scheduled meeting #{args.id}.", file=sys.stderr)
                return 1
            print(f"Meeting #{args.id} cancelled; {withdrawn} pending reminders withdrawn.")
            return 0
        if args.meetings_command == "list":
            async with factory() as session:
                upcoming = await MeetingRepo(session).list_upcoming(utcnow())
            if not upcoming:
                print("No upcoming meeting.")
            for meeting in upcoming:
                local = meeting.starts_at.astimezone(settings.tz).strftime("%Y-%m-%d %H:%M")
                regions = ", ".join(r.name for c in meeting.regions if (r := get_region(c)))
                print(
                    f"#{meeting.id}  {local}  {meeting.city}  "
                    f"[{regions or 'national'}]  {meeting.theme_key or ''}  "
                    f"{meeting.venue or ''}".rstrip()
                )
            return 0
        try:
            content = await asyncio.to_thread(Path(args.file).read_text, encoding="utf-8-sig")
        except OSError as error:
            print(f"Cannot read {args.file}: {error.strerror}.", file=sys.stderr)
            return 2
        rows = read_csv(content)
        questionnaire, now = default_questionnaire(), utcnow()
        drafts, problems = [], []
        for line, row in enumerate(rows, start=2):
            result = validate(row, questionnaire, now, settings.tz)
            if isinstance(result, list):
                problems += [f"{args.file}, line {line}: {error}." for error in result]
            else:
                drafts.append(result)
        if problems or not rows:
            print("\n".join(problems) or f"{args.file}: no meeting found.", file=sys.stderr)
            print("Nothing was imported.", file=sys.stderr)
            return 2
        async with factory() as session, session.begin():
            repo = MeetingRepo(session)
            for draft in drafts:
                repo.add(
                    new_meeting(
                        draft.starts_at,
                        draft.city,
                        list(draft.regions),
                        draft.theme_key,
                        draft.venue,
                        created_by=None,
                    )
                )
        print(f"{len(drafts)} meetings imported.")
        return 0
    finally:
        await engine.dispose()


async def deliver(settings: Settings, args: argparse.Namespace) -> int:
    """The paced sender alone: a worker process, or a one-off flush of the outbox."""
    from bot.app import create_bot
    from bot.delivery import PacedSender
    from bot.ratelimit import SendRateLimiter
    from bot.services.quiet import QuietHours

    engine = create_engine(settings.database_url)
    if settings.sqlite_path() is not None:
        await upgrade_to_head(engine)
    bot = create_bot(settings)
    sender = PacedSender(
        bot,
        create_session_factory(engine),
        rate=settings.send_rate,
        quiet=QuietHours.from_settings(settings),
        limiter=SendRateLimiter(settings.send_rate, settings.redis_url),
        admin_ids=settings.admin_ids,
    )
    try:
        if args.until_empty:
            await sender.recover(everything=settings.sqlite_path() is not None)
            delivered = await sender.run_until_empty()
            print(f"{delivered} messages handled.")
        else:
            stop = asyncio.Event()
            for signum in (signal.SIGTERM, signal.SIGINT):  # finish the round, then stop
                asyncio.get_running_loop().add_signal_handler(signum, stop.set)
            await sender.run_forever(stop)
            await sender.release_claims()
    finally:
        await sender.limiter.aclose()
        await bot.session.close()
        await engine.dispose()
    return 0


async def erasures(settings: Settings, args: argparse.Namespace) -> int:
    """`erasures export --output FILE` (run it after every backup and keep the file apart), and
    `erasures apply FILE` right after restoring a backup."""
    from bot.services.erasure import apply_ledger, export_ledger

    engine, factory = await _session_factory(settings)
    try:
        if args.erasures_command == "export":
            async with factory() as session:
                lines = await export_ledger(session)
            await asyncio.to_thread(Path(args.output).write_text, lines, encoding="utf-8")
            print(f"{lines.count(chr(10))} ledger entries written to {args.output}.")
            return 0
        try:
            lines = await asyncio.to_thread(Path(args.file).read_text, encoding="utf-8")
        except OSError as error:
            print(f"Cannot read {args.file}: {error.strerror}.", file=sys.stderr)
            return 2
        async with factory() as session, session.begin():
            done = await apply_ledger(session, lines, settings.ledger_key)
            await RoleService(session, settings).audit(
                None,
                "ledger_applied",
                by=CONSOLE,
                people=done.people,
                contributions=done.contributions,
            )
        print(
            f"{done.people} people erased and {done.contributions} contributions withdrawn again."
        )
        return 0
    finally:
        await engine.dispose()
