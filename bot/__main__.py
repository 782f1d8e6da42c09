"""Command line: python -m bot [run | webhook | sandbox | migrate | ...]."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys

from bot.config import (
    SANDBOX_DATABASE_URL,
    SUPPORTED_LOCALES,
    ConfigError,
    Settings,
    load_settings,
)
from storage.engine import DatabaseUnreachable

log = logging.getLogger("bot")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Relais Telegram bot")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="run the bot on Telegram with long polling (default)")
    commands.add_parser(
        "webhook", help="run the bot behind a webhook (WEBHOOK_URL, WEBHOOK_SECRET, PORT)"
    )
    commands.add_parser("sandbox", help="talk to the bot in this terminal, without Telegram")
    commands.add_parser("migrate", help="bring the database schema to the latest version")
    export = commands.add_parser("export", help="export contributions to XLSX or CSV")
    export.add_argument("--format", choices=("xlsx", "csv"), default="xlsx")
    export.add_argument("--theme", action="append", default=[], help="theme key (repeatable)")
    export.add_argument("--region", action="append", default=[], help="region code (repeatable)")
    export.add_argument("--since", type=_date, help="YYYY-MM-DD (local time, inclusive)")
    export.add_argument("--until", type=_date, help="YYYY-MM-DD (local time, inclusive)")
    export.add_argument("--locale", choices=SUPPORTED_LOCALES, default=None)
    export.add_argument("--output", required=True, help="file to write")
    digest = commands.add_parser("digest", help="print an organiser's digest, sending nothing")
    digest.add_argument("--preview", action="store_true", required=True)
    digest.add_argument("--organiser", type=int, help="organiser's Telegram id (default: all)")
    meetings = commands.add_parser("meetings", help="regional meetings: import a CSV, list")
    meeting_commands = meetings.add_subparsers(dest="meetings_command", required=True)
    importer = meeting_commands.add_parser("import", help="add meetings from a CSV file")
    importer.add_argument("file", help="CSV with the header date,time,city,regions,theme,venue")
    meeting_commands.add_parser("list", help="upcoming meetings")
    canceller = meeting_commands.add_parser("cancel", help="cancel a meeting and its reminders")
    canceller.add_argument("id", type=int)
    deliver = commands.add_parser("deliver", help="run only the paced sender (the outbox)")
    deliver.add_argument("--until-empty", action="store_true", help="stop when nothing is due")
    grant = commands.add_parser(
        "grant", help="make a person (who has run /start) an organiser or an admin"
    )
    granted = grant.add_mutually_exclusive_group(required=True)
    granted.add_argument("--organiser", type=int, metavar="TELEGRAM_ID")
    granted.add_argument("--admin", type=int, metavar="TELEGRAM_ID")
    grant.add_argument("--remove", action="store_true", help="take the role away instead")
    erasures = commands.add_parser(
        "erasures", help="the erasure ledger: export it, or apply it after restoring a backup"
    )
    erasure_commands = erasures.add_subparsers(dest="erasures_command", required=True)
    ledger_export = erasure_commands.add_parser("export", help="write the ledger (JSON lines)")
    ledger_export.add_argument("--output", required=True, help="file to write")
    ledger_apply = erasure_commands.add_parser(
        "apply", help="erase and withdraw again what a ledger file lists"
    )
    ledger_apply.add_argument("file", help="a file written by `erasures export`")
    args = parser.parse_args(argv)
    command = args.command or "run"
    try:
        settings = load_settings()
        if command == "sandbox" and "database_url" not in settings.model_fields_set:
            settings = load_settings(database_url=SANDBOX_DATABASE_URL)
    except ConfigError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 2
    from bot.logs import configure_logging

    configure_logging(settings, logging.WARNING if command == "sandbox" else None)
    if command in ("run", "webhook", "deliver") and settings.bot_token is None:
        print(
            "Configuration error: BOT_TOKEN is not set. Create a bot with @BotFather and put its "
            "token in .env (BOT_TOKEN=...), or try the bot locally with `python -m bot sandbox`.",
            file=sys.stderr,
        )
        return 2
    if command == "webhook" and (settings.webhook_url is None or settings.webhook_secret is None):
        print(
            "Configuration error: webhook mode needs WEBHOOK_URL (the public https:// address "
            "Telegram will post to) and WEBHOOK_SECRET (a random string of letters, digits, _ "
            "and -). See docs/deploy.md.",
            file=sys.stderr,
        )
        return 2
    missing = settings.missing_for_production()
    if command == "webhook" and missing:
        print(
            f"Configuration error: production (webhook) mode needs {', '.join(missing)}: the "
            "privacy notice names the controller, a contact, the DPO and the hosting provider, "
            "and ERASURE_LEDGER_KEY keys the erasure ledger. See docs/privacy.md.",
            file=sys.stderr,
        )
        return 2
    if command == "run" and missing:
        log.warning(
            "%s not set: the privacy notice shows sample values. Set them before real people "
            "use the bot (docs/privacy.md).",
            ", ".join(missing),
        )
    runners = {"run": _run, "sandbox": _sandbox, "migrate": _migrate}
    try:
        if command in ("export", "digest", "grant", "meetings", "deliver", "erasures"):
            from bot import cli

            return asyncio.run(getattr(cli, command)(settings, args))
        if command == "webhook":
            return asyncio.run(_run(settings, webhook=True))
        return asyncio.run(runners[command](settings))
    except KeyboardInterrupt:
        return 130
    except DatabaseUnreachable as error:
        print(f"Database error: {error}", file=sys.stderr)
        log.debug("database unreachable at start", exc_info=True)  # LOG_LEVEL=DEBUG shows why
        return 2
    except Exception:
        # Through logging, not Python's default hook: tracebacks can hold the Bot API URL, which
        # holds the token, and the log formatters redact it.
        log.exception("stopped by an unexpected error")
        return 1


async def _migrate(settings: Settings) -> int:
    from storage.engine import check_reachable, create_engine
    from storage.migrate import current_revision, upgrade_to_head

    engine = create_engine(settings.database_url)
    try:
        await check_reachable(engine)
        await upgrade_to_head(engine)
        print(f"Database at revision {await current_revision(engine)}.")
    finally:
        await engine.dispose()
    return 0


async def _sandbox(settings: Settings) -> int:
    from bot.sandbox import run_sandbox

    await run_sandbox(settings)
    return 0


async def _run(settings: Settings, webhook: bool = False) -> int:
    """Long polling (`run`) or webhook mode (`webhook`); the scheduler and the sender run
    alongside in both. Several instances need PostgreSQL (and Redis: REDIS_URL)."""
    from bot.app import (
        attach_background_jobs,
        create_bot,
        create_dispatcher,
        create_fsm_storage,
        set_bot_commands,
    )
    from bot.metrics import Metrics
    from storage.engine import check_reachable, create_engine, create_session_factory
    from storage.migrate import current_revision, head_revision, upgrade_to_head

    engine = create_engine(settings.database_url)
    try:
        await check_reachable(engine)
    except DatabaseUnreachable:
        await engine.dispose()
        raise
    if settings.sqlite_path() is not None:
        await upgrade_to_head(engine)  # the embedded default looks after itself
    elif await current_revision(engine) != head_revision():
        print(
            "The database schema is not up to date: run `python -m bot migrate`.", file=sys.stderr
        )
        await engine.dispose()
        return 2
    bot = create_bot(settings)
    factory = create_session_factory(engine)
    metrics = Metrics()
    fsm_storage = create_fsm_storage(settings)
    dispatcher = create_dispatcher(settings, factory, fsm_storage=fsm_storage, metrics=metrics)
    attach_background_jobs(dispatcher, bot, factory, settings)
    try:
        await set_bot_commands(bot)
        if webhook:
            from bot.web import serve_webhook

            await serve_webhook(settings, dispatcher, bot, factory, metrics)
        else:
            # Telegram refuses getUpdates while a webhook is set (switching from `web` to
            # `worker` on a platform): remove it first. Pending updates are kept.
            await bot.delete_webhook(drop_pending_updates=False)
            log.info("polling Telegram at %s", settings.telegram_api_url)
            await dispatcher.start_polling(
                bot, allowed_updates=dispatcher.resolve_used_update_types()
            )
    finally:
        await fsm_storage.close()
        await bot.session.close()
        await engine.dispose()
    return 0


def _date(value: str):
    from datetime import date

    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {value!r} (expected YYYY-MM-DD)") from None


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUTF8", "1")
    sys.exit(main())
