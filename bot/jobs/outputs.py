"""Organisers' outputs, assembled: the digest and pre-read packages, and the exports.

Each reads through a service (bot/services/digest.py, bot/services/export.py: data only) and
renders through a view (bot/views/digest.py, bot/views/spreadsheets.py), over the unit of work
it is given. They are heavy: the scheduler and the handlers run them with `run_on_worker`
(bot/jobs/worker.py); the command line runs them on its own engine.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.domain.questionnaire import Questionnaire
from bot.jobs.worker import Build, run_on_worker
from bot.services.brief import collect_brief
from bot.services.digest import collect_report
from bot.services.export import ExportService
from bot.services.preread import preread_scope
from bot.views.brief import brief_filename, render_brief
from bot.views.digest import DigestPackage, preread_header, render_package
from bot.views.spreadsheets import FRENCH_EXCEL, CsvDialect, write_csv, write_xlsx
from storage.models import Meeting
from storage.reports import Scope
from storage.unit_of_work import UnitOfWork


async def build_package(
    uow: UnitOfWork,
    questionnaire: Questionnaire,
    scope: Scope,
    *,
    threshold: int,
    locale: str,
    tz: ZoneInfo,
    header: str | None = None,
    filename_stem: str | None = None,
) -> DigestPackage:
    """A digest of `scope`: read, rendered, the spreadsheet attached (none when nothing may be
    shown). Call inside `use_locale(locale)` (or an update)."""
    report = await collect_report(uow, questionnaire, scope, threshold, tz)
    xlsx = None
    if not report.data.empty:
        xlsx = await export_xlsx(uow, questionnaire, scope, threshold, locale, tz)
    return render_package(
        report, xlsx, questionnaire, locale, tz, header=header, filename_stem=filename_stem
    )


def digest_build(
    settings: Settings, questionnaire: Questionnaire, scope: Scope, locale: str
) -> Build[DigestPackage]:
    """`build_package` for `run_on_worker`: all but the unit of work given."""
    return partial(
        build_package,
        questionnaire=questionnaire,
        scope=scope,
        threshold=settings.small_group_threshold,
        locale=locale,
        tz=settings.tz,
    )


async def build_package_in_worker(
    settings: Settings, questionnaire: Questionnaire, scope: Scope, locale: str
) -> DigestPackage:
    return await run_on_worker(
        settings, locale, digest_build(settings, questionnaire, scope, locale)
    )


async def build_preread_package(
    uow: UnitOfWork,
    questionnaire: Questionnaire,
    meeting: Meeting,
    now: datetime,
    *,
    threshold: int,
    locale: str,
    tz: ZoneInfo,
) -> DigestPackage:
    """A meeting's pre-read: its header, then a digest of everything its region(s) said until
    `now`, with the PDF brief. Call inside `use_locale(locale)` (the worker sets it)."""
    package = await build_package(
        uow,
        questionnaire,
        preread_scope(meeting, now),
        threshold=threshold,
        locale=locale,
        tz=tz,
        header=preread_header(meeting, locale, tz),
        filename_stem=f"relais-prelecture-{meeting.id}",
    )
    # After the package: its ledger mark, read first, covers the brief too. A brief is
    # attached when it has something to say: what people said, or the workshop notes.
    brief = await collect_brief(uow, questionnaire, meeting, now, threshold, tz)
    if not package.withheld or brief.synthesis.notes:
        package.pdf = render_brief(brief, questionnaire, locale, tz)
        package.pdf_filename = brief_filename(meeting.id)
    return package


async def build_brief(
    uow: UnitOfWork,
    questionnaire: Questionnaire,
    meeting: Meeting,
    now: datetime,
    *,
    threshold: int,
    locale: str,
    tz: ZoneInfo,
) -> bytes:
    """A meeting's brief as a PDF (bot/views/brief.py). Call inside `use_locale(locale)`."""
    data = await collect_brief(uow, questionnaire, meeting, now, threshold, tz)
    return render_brief(data, questionnaire, locale, tz)


def preread_build(
    settings: Settings, questionnaire: Questionnaire, meeting: Meeting, now: datetime, locale: str
) -> Build[DigestPackage]:
    """`build_preread_package` for `run_on_worker`: all but the unit of work given."""
    return partial(
        build_preread_package,
        questionnaire=questionnaire,
        meeting=meeting,
        now=now,
        threshold=settings.small_group_threshold,
        locale=locale,
        tz=settings.tz,
    )


async def build_preread(
    settings: Settings, questionnaire: Questionnaire, meeting: Meeting, now: datetime, locale: str
) -> DigestPackage:
    return await run_on_worker(
        settings, locale, preread_build(settings, questionnaire, meeting, now, locale)
    )


async def export_xlsx(
    uow: UnitOfWork,
    questionnaire: Questionnaire,
    scope: Scope,
    threshold: int,
    locale: str,
    tz: ZoneInfo,
) -> bytes | None:
    """The export of `scope` as a workbook; None when it may not be shown."""
    export = await ExportService(uow, questionnaire, threshold).data(scope)
    return None if export is None else await write_xlsx(export, questionnaire, locale, tz)


async def export_csv(
    uow: UnitOfWork,
    questionnaire: Questionnaire,
    scope: Scope,
    threshold: int,
    locale: str,
    tz: ZoneInfo,
    dialect: CsvDialect = FRENCH_EXCEL,
) -> bytes | None:
    """The export of `scope` as one CSV; None when it may not be shown."""
    export = await ExportService(uow, questionnaire, threshold).data(scope)
    return None if export is None else await write_csv(export, locale, tz, dialect)


def export_build(
    settings: Settings, questionnaire: Questionnaire, scope: Scope, locale: str, *, as_csv: bool
) -> Build[bytes | None]:
    """`export_csv` or `export_xlsx` for `run_on_worker`: all but the unit of work given."""
    return partial(
        export_csv if as_csv else export_xlsx,
        questionnaire=questionnaire,
        scope=scope,
        threshold=settings.small_group_threshold,
        locale=locale,
        tz=settings.tz,
    )
