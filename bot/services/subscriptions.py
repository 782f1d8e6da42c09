"""Organisers' digest settings: frequency, hour, themes, regions."""

from __future__ import annotations

from bot.domain.geo import get_region
from bot.domain.questionnaire import Questionnaire
from storage.models import DigestSubscription

FREQUENCIES = ("daily", "weekly", "off")


def apply_choice(
    subscription: DigestSubscription, action: str, value: str, questionnaire: Questionnaire
) -> bool:
    """Change one setting from a button; False if the button's value is not valid."""
    if action == "f" and value in FREQUENCIES:
        subscription.frequency = value
    elif action == "h" and value.isdigit() and 0 <= int(value) <= 23:
        subscription.hour, subscription.minute = int(value), 0
    elif action == "t" and questionnaire.theme(value) is not None:
        every = [t.key for t in questionnaire.themes]
        chosen = list(subscription.themes or every)
        chosen = [k for k in chosen if k != value] if value in chosen else [*chosen, value]
        # All themes ticked is stored as "no filter"; at least one theme stays ticked.
        if not chosen:
            return False
        subscription.themes = [] if set(chosen) == set(every) else sorted(chosen)
    elif action == "g" and get_region(value) is not None:
        chosen = list(subscription.regions or [])
        subscription.regions = sorted(
            [c for c in chosen if c != value] if value in chosen else [*chosen, value]
        )
    elif action == "x":
        subscription.regions = []
    else:
        return False
    return True
