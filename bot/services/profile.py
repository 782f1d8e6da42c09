"""Profile use cases: consent, the notice, onboarding fields and the person's settings."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.domain.flows import has_visible_text
from bot.domain.geo import DepartmentMatch, get_department, resolve_department
from bot.domain.profile_options import ROLE_OTHER_MAX, ROLES, STRUCTURE_NAME_MAX, STRUCTURE_TYPES
from storage.base import utcnow
from storage.models import VOICE_KEEP, VOICE_TYPE, User
from storage.repositories.people import UserRepo
from storage.unit_of_work import UnitOfWork

# The version of the privacy notice (`privacy_text` in bot/views/messages.py). Bump it with any
# change of the notice: everyone is asked to accept the new one at their next message.
PRIVACY_VERSION = 2


class ProfileStep(StrEnum):
    STRUCTURE_TYPE = "structure_type"
    STRUCTURE_NAME = "structure_name"
    DEPARTMENT = "department"
    ROLE = "role"
    ROLE_OTHER = "role_other"


TEXT_STEPS = (ProfileStep.STRUCTURE_NAME, ProfileStep.DEPARTMENT, ProfileStep.ROLE_OTHER)


def next_profile_step(user: User) -> ProfileStep | None:
    """The first missing piece of the profile, in the order onboarding asks for it."""
    if not user.structure_type:
        return ProfileStep.STRUCTURE_TYPE
    if not user.structure_name:
        return ProfileStep.STRUCTURE_NAME
    if not user.department_code:
        return ProfileStep.DEPARTMENT
    if not user.role:
        return ProfileStep.ROLE
    if user.role == "other" and not user.role_other:
        return ProfileStep.ROLE_OTHER
    return None


@dataclass(frozen=True)
class TextFieldResult:
    ok: bool
    too_long: int = 0  # length given, when over the limit
    limit: int = 0
    department: DepartmentMatch | None = None


class ProfileService:
    def __init__(self, session: UnitOfWork) -> None:
        self.users = UserRepo(session)

    async def get(self, user_id: int) -> User | None:
        """The person's profile; None before they accepted the notice."""
        return await self.users.get(user_id)

    async def consent(self, user_id: int, language: str) -> User:
        """Create the person's row: the first thing stored about them, only on consent."""
        user = await self.users.get(user_id)
        if user is None:
            user = await self.users.add(
                User(
                    id=user_id,
                    language=language,
                    consented_at=utcnow(),
                    privacy_version=PRIVACY_VERSION,
                )
            )
        return user

    @staticmethod
    def accept_notice(user: User, version: int = PRIVACY_VERSION) -> None:
        user.privacy_version = version
        user.consented_at = utcnow()

    @staticmethod
    def set_language(user: User, language: str) -> None:
        user.language = language

    @staticmethod
    def set_reachable(user: User, reachable: bool) -> None:
        user.is_active = reachable

    @staticmethod
    def set_voice_choice(user: User, *, keep: bool) -> None:
        """Organisers hear only the voice notes recorded after "keep" was chosen (the last
        time): a note kept before, or while the person preferred typing, stays theirs."""
        user.voice_choice = VOICE_KEEP if keep else VOICE_TYPE
        user.voice_choice_at = utcnow()

    @staticmethod
    def set_reminders_muted(user: User, muted: bool) -> None:
        """/rappels: meeting reminders off (muted) or on."""
        user.reminders_muted = muted

    @staticmethod
    def set_choice(user: User, step: ProfileStep, key: str) -> bool:
        if step == ProfileStep.STRUCTURE_TYPE and key in STRUCTURE_TYPES:
            user.structure_type = key
            return True
        if step == ProfileStep.ROLE and key in ROLES:
            user.role = key
            if key != "other":
                user.role_other = None
            return True
        return False

    @staticmethod
    def set_department(user: User, code: str) -> bool:
        department = get_department(code)
        if department is None:
            return False
        user.department_code = department.code
        user.region_code = department.region.code
        return True

    def set_text(self, user: User, step: ProfileStep, raw: str) -> TextFieldResult:
        value = " ".join(raw.split())  # trim and fold inner whitespace/newlines
        if step == ProfileStep.DEPARTMENT:
            match = resolve_department(value)
            if match.department is None:
                return TextFieldResult(ok=False, department=match)
            self.set_department(user, match.department.code)
            return TextFieldResult(ok=True, department=match)
        limit = STRUCTURE_NAME_MAX if step == ProfileStep.STRUCTURE_NAME else ROLE_OTHER_MAX
        if not has_visible_text(value):
            return TextFieldResult(ok=False, limit=limit)
        if len(value) > limit:
            return TextFieldResult(ok=False, too_long=len(value), limit=limit)
        if step == ProfileStep.STRUCTURE_NAME:
            user.structure_name = value
        else:
            user.role_other = value
        return TextFieldResult(ok=True)
