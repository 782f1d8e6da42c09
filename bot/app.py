"""Factories shared by production, the sandbox and the tests: one way to build the bot."""

from __future__ import annotations

import asyncio
import logging

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.base import BaseStorage
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.types import BotCommandScopeAllPrivateChats

from bot.config import SHUTDOWN_GRACE_SECONDS, SUPPORTED_LOCALES, Settings
from bot.delivery.ratelimit import SendRateLimiter
from bot.delivery.sender import PacedSender
from bot.domain.questionnaire import Questionnaire, default_questionnaire
from bot.domain.quiet import QuietHours
from bot.i18n import get_i18n, use_locale
from bot.jobs.scheduler import Scheduler
from bot.services.profile import PRIVACY_VERSION
from bot.services.roles import Role, RoleService
from bot.views import menus
from bot.web.metrics import Metrics, MetricsMiddleware
from handlers import get_routers
from handlers.errors import UnseenResetMiddleware
from handlers.forms import FormCommandMiddleware
from handlers.menus import apply_menus
from handlers.middlewares import (
    CleanInputMiddleware,
    CommitBeforeTelegram,
    DbSessionMiddleware,
    InFlightMiddleware,
    NoticeVersionMiddleware,
    PerUserOrderMiddleware,
    ProfileLocaleMiddleware,
    RetryDirectReplies,
    ServicesMiddleware,
)
from storage.unit_of_work import UnitOfWorkFactory


def create_fsm_storage(settings: Settings) -> BaseStorage:
    """Redis when REDIS_URL is set (several instances share where each person is), else memory
    (the truth is in the database anyway; see docs/architecture.md)."""
    if settings.redis_url:
        # Loaded only when configured: ~100 ms and a few MB at every start otherwise.
        from aiogram.fsm.storage.redis import RedisStorage

        return RedisStorage(redis=redis_client(settings.redis_url))
    return MemoryStorage()


def redis_client(url: str, connections: int = 50):
    """A Redis client whose pool makes callers wait for a free connection: redis-py's default
    pool raises MaxConnectionsError past 100 concurrent commands, which a burst of updates
    reaches."""
    from redis.asyncio import BlockingConnectionPool, Redis  # only when REDIS_URL is set

    return Redis(
        connection_pool=BlockingConnectionPool.from_url(
            url, max_connections=connections, timeout=10
        )
    )


def create_bot(
    settings: Settings, session: BaseSession | None = None, token: str | None = None
) -> Bot:
    if session is None:
        session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
    if token is None:
        if settings.bot_token is None:
            raise ValueError("BOT_TOKEN is not set")
        token = settings.bot_token.get_secret_value()
    session.middleware(CommitBeforeTelegram())
    session.middleware(RetryDirectReplies())
    return Bot(
        token=token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML)
    )


def create_dispatcher(
    settings: Settings,
    session_factory: UnitOfWorkFactory,
    questionnaire: Questionnaire | None = None,
    fsm_storage: BaseStorage | None = None,
    metrics: Metrics | None = None,
) -> Dispatcher:
    dp = Dispatcher(storage=fsm_storage or MemoryStorage())
    dp["settings"] = settings
    dp["session_factory"] = session_factory  # for the error handler: the update's session is gone
    dp["questionnaire"] = questionnaire or default_questionnaire()
    i18n = get_i18n(settings.default_locale)
    in_flight = InFlightMiddleware()
    dp["in_flight"] = in_flight
    dp.update.outer_middleware(in_flight)
    if metrics is not None:
        dp.update.outer_middleware(MetricsMiddleware(metrics))
    dp.update.outer_middleware(PerUserOrderMiddleware())
    dp.update.outer_middleware(DbSessionMiddleware(session_factory))
    dp.update.outer_middleware(ProfileLocaleMiddleware(i18n))
    dp.update.outer_middleware(ServicesMiddleware())
    dp.update.outer_middleware(NoticeVersionMiddleware(settings, PRIVACY_VERSION))
    dp.message.outer_middleware(CleanInputMiddleware())
    dp.message.outer_middleware(FormCommandMiddleware())
    dp.callback_query.outer_middleware(UnseenResetMiddleware())
    dp.include_routers(*get_routers())
    return dp


async def set_bot_commands(
    bot: Bot,
    default_locale: str = "fr",
    *,
    session_factory: UnitOfWorkFactory | None = None,
    settings: Settings | None = None,
) -> None:
    """What people find before and after /start (bot/views/menus.py):

    - field staff's menu for private chats: in `default_locale` without a language code, and in
      each language of locales/ for the people whose Telegram is set to it;
    - the bot's description and short description, the same way;
    - given the database, each organiser's and admin's own menu (their chat's scope, in their
      language); a chat Telegram refuses is skipped (handlers/menus.py).
    """
    scope = BotCommandScopeAllPrivateChats()
    await bot.set_my_commands(menus.bot_commands(Role.MEMBER, default_locale), scope=scope)
    for locale in SUPPORTED_LOCALES:
        await bot.set_my_commands(
            menus.bot_commands(Role.MEMBER, locale), scope=scope, language_code=locale
        )
    for code, locale in [(None, default_locale), *((c, c) for c in SUPPORTED_LOCALES)]:
        with use_locale(locale, default_locale):
            description, short = menus.bot_description(), menus.bot_short_description()
        await bot.set_my_description(description=description, language_code=code)
        await bot.set_my_short_description(short_description=short, language_code=code)
    if session_factory is None or settings is None:
        return
    async with session_factory() as session:
        holders = await RoleService(session, settings).menu_holders()
    done = await apply_menus(bot, holders, default_locale)
    async with session_factory() as session, session.begin():  # Telegram is told: recorded
        roles = RoleService(session, settings)
        for holder in done:
            await roles.menu_applied(holder)
    logging.getLogger(__name__).info(
        "command menus set for %s of %s chat(s)", len(done), len(holders)
    )


def attach_background_jobs(
    dp: Dispatcher,
    bot: Bot,
    session_factory: UnitOfWorkFactory,
    settings: Settings,
    questionnaire: Questionnaire | None = None,
) -> None:
    """Run the scheduler and the paced sender alongside polling; stop them on shutdown."""
    stop = asyncio.Event()
    tasks: list[asyncio.Task] = []
    quiet = QuietHours.from_settings(settings)
    scheduler = Scheduler(
        session_factory, settings, questionnaire or default_questionnaire(), bot=bot, quiet=quiet
    )
    limiter = SendRateLimiter(settings.send_rate, settings.redis_url)
    sender = PacedSender(
        bot,
        session_factory,
        rate=settings.send_rate,
        quiet=quiet,
        limiter=limiter,
        admin_ids=settings.admin_ids,
    )

    async def start_jobs() -> None:
        tasks.append(asyncio.create_task(scheduler.run_forever(stop), name="scheduler"))
        tasks.append(asyncio.create_task(sender.run_forever(stop), name="sender"))

    async def stop_jobs() -> None:
        """Finish the updates being handled, let the current scheduler tick and delivery round
        finish (a round is about one second of sends), then hand back whatever this sender had
        claimed but not started."""
        finished = await dp["in_flight"].wait_idle(SHUTDOWN_GRACE_SECONDS)
        stop.set()
        _, late = await asyncio.wait(tasks, timeout=SHUTDOWN_GRACE_SECONDS) if tasks else ((), ())
        for task in late:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        released = await sender.release_claims()
        await limiter.aclose()
        logging.getLogger(__name__).info(
            "stopped: %s update(s) in flight finished, %s claimed message(s) released",
            finished,
            released,
        )

    dp.startup.register(start_jobs)
    dp.shutdown.register(stop_jobs)
