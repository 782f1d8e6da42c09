"""`python -m bot run` (long polling) and `python -m bot webhook`."""

from __future__ import annotations

import argparse
import logging
import sys

from bot.app import (
    attach_background_jobs,
    create_bot,
    create_dispatcher,
    create_fsm_storage,
    set_bot_commands,
)
from bot.config import Settings
from bot.web.metrics import Metrics
from bot.web.server import serve_webhook
from storage.engine import (
    DatabaseUnreachable,
    check_reachable,
    create_engine,
    create_session_factory,
)
from storage.migrate import current_revision, head_revision, upgrade_to_head

log = logging.getLogger("bot")


async def run(
    settings: Settings, args: argparse.Namespace | None = None, webhook: bool = False
) -> int:
    """Long polling (`run`) or webhook mode (`webhook`); the scheduler and the sender run
    alongside in both. Several instances need PostgreSQL (and Redis: REDIS_URL)."""
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
        await set_bot_commands(
            bot, settings.default_locale, session_factory=factory, settings=settings
        )
        if webhook:
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
