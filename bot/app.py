"""Factories shared by production, the sandbox and the tests: one way to build the bot."""

from __future__ import annotations

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.base import BaseStorage
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.types import BotCommand, BotCommandScopeAllPrivateChats
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.i18n import get_i18n, use_locale
from bot.middlewares import (
    CommitBeforeTelegram,
    DbSessionMiddleware,
    PerUserOrderMiddleware,
    ProfileLocaleMiddleware,
)
from bot.questionnaire import Questionnaire, default_questionnaire
from handlers import get_routers

# (command, aliases) in menu order; descriptions are translated in `bot_commands`.
COMMANDS = (
    "contribuer",
    "mescontributions",
    "profil",
    "confidentialite",
    "mesdonnees",
    "oubli",
    "rappels",
    "aide",
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
    return Bot(
        token=token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML)
    )


def create_dispatcher(
    settings: Settings,
    session_factory: async_sessionmaker[AsyncSession],
    questionnaire: Questionnaire | None = None,
    fsm_storage: BaseStorage | None = None,
) -> Dispatcher:
    dp = Dispatcher(storage=fsm_storage or MemoryStorage())
    dp["settings"] = settings
    dp["questionnaire"] = questionnaire or default_questionnaire()
    i18n = get_i18n(settings.default_locale)
    dp.update.outer_middleware(PerUserOrderMiddleware())
    dp.update.outer_middleware(DbSessionMiddleware(session_factory))
    dp.update.outer_middleware(ProfileLocaleMiddleware(i18n))
    dp.include_routers(*get_routers())
    return dp


def bot_commands(locale: str) -> list[BotCommand]:
    from aiogram.utils.i18n import gettext as _

    with use_locale(locale):
        descriptions = {
            "contribuer": _("Answer the questions of a theme"),
            "mescontributions": _("See, edit or withdraw my contributions"),
            "profil": _("My profile"),
            "confidentialite": _("Privacy notice"),
            "mesdonnees": _("Download my data"),
            "oubli": _("Erase all my data"),
            "rappels": _("Turn meeting reminders off or on"),
            "aide": _("Help"),
        }
        return [BotCommand(command=c, description=descriptions[c]) for c in COMMANDS]


async def set_bot_commands(bot: Bot) -> None:
    """The command menu in French (default) and English, for private chats."""
    scope = BotCommandScopeAllPrivateChats()
    await bot.set_my_commands(bot_commands("fr"), scope=scope)
    await bot.set_my_commands(bot_commands("en"), scope=scope, language_code="en")


def attach_background_jobs(
    dp: Dispatcher,
    bot: Bot,
    session_factory: async_sessionmaker[AsyncSession],
    settings: Settings,
    questionnaire: Questionnaire | None = None,
) -> None:
    """Run the scheduler and the paced sender alongside polling; stop them on shutdown."""
    import asyncio

    from bot.delivery import PacedSender
    from bot.scheduler import Scheduler
    from bot.services.quiet import QuietHours

    stop = asyncio.Event()
    tasks: list[asyncio.Task] = []
    quiet = QuietHours.from_settings(settings)
    scheduler = Scheduler(
        session_factory, settings, questionnaire or default_questionnaire(), bot=bot, quiet=quiet
    )
    sender = PacedSender(bot, session_factory, rate=settings.send_rate, quiet=quiet)

    async def start_jobs() -> None:
        tasks.append(asyncio.create_task(scheduler.run_forever(stop), name="scheduler"))
        tasks.append(asyncio.create_task(sender.run_forever(stop), name="sender"))

    async def stop_jobs() -> None:
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)

    dp.startup.register(start_jobs)
    dp.shutdown.register(stop_jobs)
