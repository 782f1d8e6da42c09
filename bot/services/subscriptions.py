"""Organisers' digest settings: frequency, hour, themes, regions.

Each change is one method; each returns the settings as changed, or None for a value no button
offers (a forged or outdated one): nothing is changed then.
"""

from __future__ import annotations

from bot.config import Settings
from bot.domain.geo import get_region
from bot.domain.questionnaire import Questionnaire
from storage.models import DigestSubscription
from storage.repositories.roles import SubscriptionRepo
from storage.unit_of_work import UnitOfWork

FREQUENCIES = ("daily", "weekly", "off")


class SubscriptionService:
    def __init__(self, session: UnitOfWork, settings: Settings, questionnaire: Questionnaire):
        self.repo = SubscriptionRepo(session)
        self.settings = settings
        self.questionnaire = questionnaire

    async def get(self, user_id: int) -> DigestSubscription:
        """The organiser's settings (the defaults, stored, if they had none)."""
        hour, minute = self.settings.digest_hour_minute
        return await self.repo.ensure(user_id, hour, minute)

    async def set_frequency(self, user_id: int, frequency: str) -> DigestSubscription | None:
        subscription = await self.get(user_id)
        if frequency not in FREQUENCIES:
            return None
        subscription.frequency = frequency
        return subscription

    async def set_hour(self, user_id: int, hour: str) -> DigestSubscription | None:
        subscription = await self.get(user_id)
        if not (hour.isdigit() and 0 <= int(hour) <= 23):
            return None
        subscription.hour, subscription.minute = int(hour), 0
        return subscription

    async def toggle_theme(self, user_id: int, key: str) -> DigestSubscription | None:
        """All themes ticked is stored as "no filter"; at least one theme stays ticked."""
        subscription = await self.get(user_id)
        if self.questionnaire.theme(key) is None:
            return None
        every = [t.key for t in self.questionnaire.themes]
        chosen = list(subscription.themes or every)
        chosen = [k for k in chosen if k != key] if key in chosen else [*chosen, key]
        if not chosen:
            return None
        subscription.themes = [] if set(chosen) == set(every) else sorted(chosen)
        return subscription

    async def toggle_region(self, user_id: int, code: str) -> DigestSubscription | None:
        subscription = await self.get(user_id)
        if get_region(code) is None:
            return None
        chosen = list(subscription.regions or [])
        subscription.regions = sorted(
            [c for c in chosen if c != code] if code in chosen else [*chosen, code]
        )
        return subscription

    async def all_regions(self, user_id: int) -> DigestSubscription:
        subscription = await self.get(user_id)
        subscription.regions = []
        return subscription
