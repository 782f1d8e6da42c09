"""Command line: python -m bot [run | webhook | sandbox | migrate | ...]."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import sys
from datetime import date

from bot.config import SANDBOX_DATABASE_URL, SUPPORTED_LOCALES, ConfigError, load_settings
from bot.logs import configure_logging
from storage.engine import DatabaseUnreachable

log = logging.getLogger("bot")
# bot/views/spreadsheets.py CSV_DIALECTS (not imported here: see COMMANDS)
CSV_DIALECT_NAMES = ("excel-fr", "rfc4180")
# One module per command, each with `async def run(settings, args) -> int`, imported only when
# its command runs: `migrate` (the release phase of every deploy) needs none of the bot, and
# takes 1.1 s instead of 6.2 s with everything imported (aiogram's types above all; measured on
# a 2-core machine).
COMMANDS = {
    "run": "bot.cli.run",
    "webhook": "bot.cli.run",
    "sandbox": "bot.cli.sandbox",
    "migrate": "bot.cli.migrate",
    "export": "bot.cli.export",
    "digest": "bot.cli.digest",
    "synthesis": "bot.cli.synthesis",
    "brief": "bot.cli.brief",
    "meetings": "bot.cli.meetings",
    "workshop": "bot.cli.workshop",
    "deliver": "bot.cli.deliver",
    "grant": "bot.cli.grant",
    "erasures": "bot.cli.erasures",
}


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
    export.add_argument(
        "--csv-dialect",
        choices=CSV_DIALECT_NAMES,
        default=CSV_DIALECT_NAMES[0],
        help="excel-fr: ';' and day/month/year dates, for French office software (default); "
        "rfc4180: ',' and ISO dates",
    )
    export.add_argument("--theme", action="append", default=[], help="theme key (repeatable)")
    export.add_argument("--region", action="append", default=[], help="region code (repeatable)")
    export.add_argument("--since", type=_date, help="YYYY-MM-DD (local time, inclusive)")
    export.add_argument("--until", type=_date, help="YYYY-MM-DD (local time, inclusive)")
    export.add_argument("--locale", choices=SUPPORTED_LOCALES, default=None)
    export.add_argument("--output", required=True, help="file to write")
    digest = commands.add_parser("digest", help="print an organiser's digest, sending nothing")
    digest.add_argument("--preview", action="store_true", required=True)
    digest.add_argument("--organiser", type=int, help="organiser's Telegram id (default: all)")
    synthesis = commands.add_parser(
        "synthesis", help="what the field says: tallies, grouped answers, workshop notes"
    )
    synthesis.add_argument("--theme", help="theme key (entry, pathway, territory)")
    synthesis.add_argument("--region", help="region INSEE code (84 = Auvergne-Rhône-Alpes)")
    synthesis.add_argument("--since", type=_date, help="YYYY-MM-DD (local time, inclusive)")
    synthesis.add_argument("--format", choices=("text", "json"), default="text")
    synthesis.add_argument("--locale", choices=SUPPORTED_LOCALES, default=None)
    brief = commands.add_parser("brief", help="a meeting's brief (PDF) written to a file")
    brief.add_argument("--meeting", type=int, required=True, help="the meeting's id")
    brief.add_argument("--output", required=True, help="file to write (.pdf)")
    brief.add_argument("--locale", choices=SUPPORTED_LOCALES, default=None)
    meetings = commands.add_parser("meetings", help="regional meetings: import a CSV, list")
    meeting_commands = meetings.add_subparsers(dest="meetings_command", required=True)
    importer = meeting_commands.add_parser("import", help="add meetings from a CSV file")
    importer.add_argument("file", help="CSV with the header date,time,city,regions,theme,venue")
    meeting_commands.add_parser("list", help="upcoming meetings")
    canceller = meeting_commands.add_parser("cancel", help="cancel a meeting and its reminders")
    canceller.add_argument("id", type=int)
    workshop = commands.add_parser(
        "workshop", help="workshop notes (what was said at workshop days): import a CSV, list"
    )
    workshop_commands = workshop.add_subparsers(dest="workshop_command", required=True)
    notes_import = workshop_commands.add_parser(
        "import", help="add workshop notes from a CSV file (all of them or none)"
    )
    notes_import.add_argument(
        "file", help="CSV (UTF-8, ',' or ';') with the header theme,region,text and optionally id"
    )
    notes_import.add_argument(
        "--dry-run", action="store_true", help="check the file, import nothing"
    )
    notes_list = workshop_commands.add_parser("list", help="imported workshop notes")
    notes_list.add_argument("--theme", action="append", default=[], help="key or number")
    notes_list.add_argument("--region", action="append", default=[], help="code or name")
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
    try:
        module = importlib.import_module(COMMANDS[command])
        if command == "webhook":
            return asyncio.run(module.run(settings, args, webhook=True))
        return asyncio.run(module.run(settings, args))
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


def _date(value: str):
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {value!r} (expected YYYY-MM-DD)") from None
