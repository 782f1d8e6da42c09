"""The services of one update, handed to handlers by `ServicesMiddleware` (handlers/middlewares.py).

A handler asks for `services: Services` and uses what it needs; each service is built on first
use, over the update's unit of work, with the settings and questionnaire of this dispatcher, so
handlers never build a service by hand. Two places in handlers/ touch the unit of work itself,
each for a reason it documents: handlers/heavy_builds.py commits it before a heavy build, and
the error handler (handlers/errors.py) opens its own, the update's being rolled back by then.
"""

from __future__ import annotations

from functools import cached_property

from bot.config import Settings
from bot.domain.questionnaire import Questionnaire
from bot.services.broadcasts import BroadcastService
from bot.services.contributions import ContributionService
from bot.services.erasure import ErasureService
from bot.services.export import ExportService
from bot.services.meetings import MeetingService
from bot.services.organiser import OrganiserService
from bot.services.personal_data import PersonalDataService
from bot.services.profile import ProfileService
from bot.services.roles import RoleService
from bot.services.subscriptions import SubscriptionService
from storage.unit_of_work import UnitOfWork


class Services:
    def __init__(
        self,
        session: UnitOfWork,
        settings: Settings,
        questionnaire: Questionnaire,
    ) -> None:
        self.session = session
        self.settings = settings
        self.questionnaire = questionnaire

    @cached_property
    def contributions(self) -> ContributionService:
        return ContributionService(self.session, self.questionnaire)

    @cached_property
    def profile(self) -> ProfileService:
        return ProfileService(self.session)

    @cached_property
    def personal_data(self) -> PersonalDataService:
        return PersonalDataService(self.session, self.settings)

    @cached_property
    def erasure(self) -> ErasureService:
        return ErasureService(self.session, self.settings.ledger_key)

    @cached_property
    def roles(self) -> RoleService:
        return RoleService(self.session, self.settings)

    @cached_property
    def organiser(self) -> OrganiserService:
        return OrganiserService(self.session, self.settings, self.questionnaire)

    @cached_property
    def subscriptions(self) -> SubscriptionService:
        return SubscriptionService(self.session, self.settings, self.questionnaire)

    @cached_property
    def exports(self) -> ExportService:
        return ExportService(self.session, self.questionnaire, self.settings.small_group_threshold)

    @cached_property
    def broadcasts(self) -> BroadcastService:
        return BroadcastService(self.session)

    @cached_property
    def meetings(self) -> MeetingService:
        return MeetingService(self.session, self.settings)
