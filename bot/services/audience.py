"""Choosing a broadcast's audience, one button at a time.

The criteria and their query are in storage/repositories/audience.py.

Each function is the audience after one choice. A value the bot never offered (a forged or
outdated button) changes nothing, or clears that criterion: it never widens or narrows the
audience to something the admin could not have picked.
"""

from __future__ import annotations

from dataclasses import replace

from bot.domain.geo import get_region, resolve_department
from bot.domain.profile_options import ROLES
from bot.domain.questionnaire import Questionnaire
from storage.repositories.audience import Audience

INACTIVE_CHOICES = (7, 14, 30, 60, 90)


def toggle_region(audience: Audience, code: str) -> Audience:
    return audience.toggled("regions", code) if get_region(code) else audience


def every_region(audience: Audience) -> Audience:
    return replace(audience, regions=())


def toggle_role(audience: Audience, key: str) -> Audience:
    return audience.toggled("roles", key) if key in ROLES else audience


def not_contributed_to(
    audience: Audience, theme_key: str, questionnaire: Questionnaire
) -> Audience:
    theme = theme_key if questionnaire.theme(theme_key) else None
    return replace(audience, missing_theme=theme)


def inactive_for(audience: Audience, days: str) -> Audience:
    value = int(days) if days.isdigit() and int(days) in INACTIVE_CHOICES else None
    return replace(audience, inactive_days=value)


def with_departments(audience: Audience, codes: list[str]) -> Audience:
    return replace(audience, departments=tuple(codes))


def departments_in(text: str) -> tuple[list[str], list[str]]:
    """(department codes, what was not recognised) in a typed list separated by commas; "0"
    alone means every department."""
    codes: list[str] = []
    unknown: list[str] = []
    for part in text.replace(";", ",").split(","):
        part = part.strip()
        if not part or part == "0":
            continue
        department = resolve_department(part).department
        if department is None:
            unknown.append(part[:40])
        elif department.code not in codes:
            codes.append(department.code)
    return codes, unknown
