"""What every background job shares: its units of work, the settings, a clock, and the name of
this instance (written on every claim, so that logs and rows say who did the work)."""

from __future__ import annotations

from aiogram import Bot

from bot.config import Settings
from bot.domain.questionnaire import Questionnaire
from bot.domain.quiet import QuietHours
from storage.base import Clock, instance_name, utcnow
from storage.unit_of_work import UnitOfWorkFactory


class Job:
    def __init__(
        self,
        session_factory: UnitOfWorkFactory,
        settings: Settings,
        questionnaire: Questionnaire,
        *,
        clock: Clock = utcnow,
        name: str | None = None,
        bot: Bot | None = None,
        quiet: QuietHours | None = None,
    ) -> None:
        self.session_factory = session_factory
        self.settings = settings
        self.questionnaire = questionnaire
        self.clock = clock
        self.name = name or instance_name()
        self.bot = bot  # edits broadcast progress messages; without it they stay as they are
        self.quiet = quiet  # the sender's quiet hours, to say so on progress messages
        # Reminders and pre-reads are planned before quiet hours, never after (a setting).
        self.planning = QuietHours.from_settings(settings)
        # Never stored in an error message (job_failures.last_error).
        self.secrets = tuple(
            secret.get_secret_value()
            for secret in (settings.bot_token, settings.webhook_secret)
            if secret is not None
        )
