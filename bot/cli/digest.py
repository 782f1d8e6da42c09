"""`python -m bot digest`."""

from __future__ import annotations

import argparse
import sys

from bot.cli.common import HTML_TAG, open_database
from bot.config import Settings
from bot.domain.questionnaire import default_questionnaire
from bot.i18n import use_locale
from bot.jobs.outputs import build_package
from bot.services.digest import next_period_start
from bot.services.profile import PRIVACY_VERSION
from storage.base import utcnow
from storage.reports import Scope
from storage.repositories.jobs import DigestRunRepo


async def run(settings: Settings, args: argparse.Namespace) -> int:
    questionnaire = default_questionnaire()
    engine, factory = await open_database(settings)
    try:
        async with factory() as session:
            # The same people, and the same start, as the scheduler's next digests; a preview
            # ends now, where a digest ends at its slot.
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
                end = utcnow()
                scope = Scope(
                    start=await next_period_start(session, subscription, end, settings.tz),
                    end=end,
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
                        HTML_TAG.sub("", text)
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
