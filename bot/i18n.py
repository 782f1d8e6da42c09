"""Gettext catalogs (aiogram's I18n over `locales/`) and Babel formatting of dates and numbers.

The `.mo` files are compiled from the `.po` sources when missing or older, so a fresh clone runs
without a build step. Outside an update (scheduler, sender, CLI) wrap code in `use_locale(...)`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import I18n
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

from bot.config import LOCALES_DIR, SUPPORTED_LOCALES

DOMAIN = "messages"


def compile_catalogs(locales_dir: Path = LOCALES_DIR) -> list[Path]:
    """Compile every `.po` whose `.mo` is missing or stale; returns the files written."""
    written = []
    for po_path in sorted(locales_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog)
        written.append(mo_path)
    return written


_i18n: I18n | None = None


def get_i18n(default_locale: str = "fr") -> I18n:
    global _i18n
    if _i18n is None or _i18n.default_locale != default_locale:
        compile_catalogs()
        _i18n = I18n(path=LOCALES_DIR, default_locale=default_locale, domain=DOMAIN)
    return _i18n


@contextmanager
def use_locale(locale: str, default_locale: str = "fr") -> Iterator[I18n]:
    """Translate outside an update (background jobs, CLI, tests)."""
    i18n = get_i18n(default_locale)
    with i18n.context(), i18n.use_locale(pick_locale(locale, default_locale)):
        yield i18n


def pick_locale(candidate: str | None, default_locale: str = "fr") -> str:
    """Map a Telegram language code ("en-GB", "fr") to a supported locale."""
    if candidate:
        base = candidate.split("-", 1)[0].split("_", 1)[0].lower()
        if base in SUPPORTED_LOCALES:
            return base
    return default_locale


def format_day(value: date | datetime, locale: str, tz: ZoneInfo) -> str:
    """ "mercredi 5 mars 2025" / "Wednesday, March 5, 2025", in the configured time zone."""
    if isinstance(value, datetime):
        value = value.astimezone(tz).date()
    return format_date(value, format="full", locale=locale)


def format_moment(value: datetime, locale: str, tz: ZoneInfo) -> str:
    return format_datetime(value, format="medium", tzinfo=tz, locale=locale)


def format_number(value: int | float, locale: str) -> str:
    return format_decimal(value, locale=locale)
