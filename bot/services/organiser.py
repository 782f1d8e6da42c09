"""Organiser use cases behind the handlers: digest now, voice notes, settings, exports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.delivery.outbox import instance_name
from bot.domain.geo import all_regions
from bot.domain.questionnaire import Questionnaire
from bot.i18n import use_locale
from bot.jobs.worker import run_in_worker
from bot.keyboards.callbacks import ExportCB, VoiceSource
from bot.services.digest import DigestPackage, build_package
from bot.services.disclosure import voice_scope
from bot.services.export import export_counts, export_csv, export_xlsx
from bot.services.preread import preread_scope
from bot.services.roles import RoleService
from bot.services.subscriptions import apply_choice
from storage.base import utcnow
from storage.erasures import LedgerRepo
from storage.jobs import DigestRunRepo
from storage.models import DigestRun, DigestSubscription, Meeting, PrereadRun
from storage.reports import ReportRepo, Scope, VoiceRow

VOICE_NOTES_PER_TAP = 20


async def subscription(
    session: AsyncSession, settings: Settings, user_id: int
) -> DigestSubscription:
    return await RoleService(session, settings).ensure_subscription(user_id)


def change_subscription(
    subscription: DigestSubscription, action: str, value: str, questionnaire: Questionnaire
) -> bool:
    return apply_choice(subscription, action, value, questionnaire)


async def digest_now(
    session: AsyncSession,
    questionnaire: Questionnaire,
    settings: Settings,
    user_id: int,
    locale: str,
) -> tuple[DigestPackage, int]:
    """The digest of what this organiser has not received yet: since their last digest (on
    demand or scheduled), up to now. It is recorded as a run, so the next one starts where it
    ends; returns the package and the run's id (for its voice-note button)."""
    settings_row = await subscription(session, settings, user_id)
    _, start = await DigestRunRepo(session).next_start(user_id)
    end = utcnow()
    scope = Scope(
        start=start,
        end=end,
        themes=tuple(settings_row.themes or ()),
        regions=tuple(settings_row.regions or ()),
    )
    # Release the update's connection (SQLite has one) while the worker builds.
    await session.commit()
    package = await build_package_in_worker(settings, questionnaire, scope, locale)
    for _ in range(2):  # an erasure or a withdrawal while it was built: build it again
        if await LedgerRepo(session).latest_id() <= package.ledger_mark:
            break
        await session.commit()
        package = await build_package_in_worker(settings, questionnaire, scope, locale)
    run = DigestRun(
        user_id=user_id,
        period_start=start,
        period_end=end,
        claimed_by=instance_name(),
        created_at=utcnow(),
        contributions=package.new_contributions,
        themes=list(scope.themes),
        regions=list(scope.regions),
        trigger="on_demand",
        withheld=package.withheld,
    )
    session.add(run)
    await session.flush()
    return package, run.id


async def build_package_in_worker(
    settings: Settings, questionnaire: Questionnaire, scope: Scope, locale: str
) -> DigestPackage:
    """Build a digest (aggregates, XLSX, chart) on a worker thread; see services/worker.py."""

    async def job(factory) -> DigestPackage:
        async with factory() as session:
            with use_locale(locale, settings.default_locale):
                return await build_package(
                    session,
                    questionnaire,
                    scope,
                    threshold=settings.small_group_threshold,
                    locale=locale,
                    tz=settings.tz,
                )

    return await run_in_worker(settings.database_url, job)


@dataclass(frozen=True)
class VoiceReplay:
    notes: list[VoiceRow]
    allowed: bool  # False: fewer than the threshold behind it (nothing is sent)


async def voice_notes(
    session: AsyncSession, settings: Settings, user_id: int, source: VoiceSource, ref: int
) -> VoiceReplay | None:
    """The voice notes of one digest this organiser received, or of one meeting's pre-read;
    None for a button that does not belong to them. The window is the server's, never the
    button's, and the small-group rule applies to it like to the digest itself."""
    if source == VoiceSource.DIGEST:
        run = await session.get(DigestRun, ref)
        if run is None or run.user_id != user_id:
            return None
        scope = Scope(
            start=run.period_start,
            end=run.period_end,
            themes=tuple(run.themes or ()),
            regions=tuple(run.regions or ()),
        )
    else:
        # A pre-read this person could have received: sent by the scheduler to organisers and
        # admins (the window ends when it was built), or asked for by an admin in /reunions.
        meeting = await session.get(Meeting, ref)
        run = await session.scalar(select(PrereadRun).where(PrereadRun.meeting_id == ref))
        is_admin = await RoleService(session, settings).is_admin(user_id)
        if meeting is None or (run is None and not is_admin):
            return None
        scope = preread_scope(meeting, run.created_at if run else utcnow())
    reports = ReportRepo(session)
    heard = await voice_scope(reports, scope, settings.small_group_threshold)
    if heard is None:
        return VoiceReplay([], allowed=False)
    return VoiceReplay(await reports.voice_notes(heard, limit=VOICE_NOTES_PER_TAP), allowed=True)


def next_export_state(data: ExportCB, questionnaire: Questionnaire) -> ExportCB | None:
    """Apply one tap of the export screen; None for a button that cannot exist."""
    themes, regions = len(questionnaire.themes), len(all_regions())
    if (
        not 0 <= data.t < 1 << themes
        or not 0 <= data.r < 1 << regions
        or data.p not in ("7", "30", "all")
    ):
        return None
    t, r = data.t, data.r
    if data.a == "t":
        if not 0 <= data.i < themes:
            return None
        every = (1 << themes) - 1  # 0 stands for "all themes"
        t = (t or every) ^ (1 << data.i)
        if t == 0:
            return None  # at least one theme stays ticked
        if t == every:
            t = 0
    elif data.a == "r":
        if not 0 <= data.i < regions:
            return None
        r ^= 1 << data.i
    elif data.a not in ("p", "x", "c"):
        return None
    return ExportCB(t=t, r=r, p=data.p, a="")


def export_scope(state: ExportCB, questionnaire: Questionnaire, now: datetime) -> Scope:
    themes = tuple(t.key for i, t in enumerate(questionnaire.themes) if state.t & (1 << i))
    regions = tuple(r.code for i, r in enumerate(all_regions()) if state.r & (1 << i))
    start = None if state.p == "all" else now - timedelta(days=int(state.p))
    return Scope(start=start, end=now, themes=themes, regions=regions)


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content: bytes | None  # None: refused, fewer than the threshold behind the selection
    contributions: int


async def export_file(
    session: AsyncSession,
    questionnaire: Questionnaire,
    settings: Settings,
    user_id: int,
    state: ExportCB,
    locale: str,
    *,
    as_csv: bool,
) -> ExportFile:
    now = utcnow()
    scope = export_scope(state, questionnaire, now)
    writer = export_csv if as_csv else export_xlsx

    async def job(factory) -> bytes:
        async with factory() as worker_session:
            with use_locale(locale, settings.default_locale):
                return await writer(
                    worker_session,
                    questionnaire,
                    scope,
                    settings.small_group_threshold,
                    locale,
                    settings.tz,
                )

    await session.commit()  # release the update's connection while the worker builds
    content = await run_in_worker(settings.database_url, job)
    # What the file holds, not the scope: a theme too few answered has no rows in it.
    counts = await export_counts(
        ReportRepo(session), questionnaire, scope, settings.small_group_threshold
    )
    count = sum(counts.values()) if content is not None and counts else 0
    await RoleService(session, settings).audit(
        user_id,
        "export" if content is not None else "export_refused",
        format="csv" if as_csv else "xlsx",
        themes=list(scope.themes),
        regions=list(scope.regions),
        period=state.p,
        contributions=count,
    )
    stamp = now.astimezone(settings.tz).strftime("%Y-%m-%d")
    return ExportFile(f"relais-export-{stamp}.{'csv' if as_csv else 'xlsx'}", content, count)
