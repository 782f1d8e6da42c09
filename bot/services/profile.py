"""Profile use cases: consent, onboarding fields, and the person's data rights (export, erase)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from bot.profile_options import ROLE_OTHER_MAX, ROLES, STRUCTURE_NAME_MAX, STRUCTURE_TYPES
from bot.services.geo import DepartmentMatch, get_department, resolve_department
from storage.base import utcnow
from storage.models import VOICE_KEEP, VOICE_TYPE, Answer, Contribution, User
from storage.repositories import AnswerRepo, ContributionRepo, UserRepo

# The version of the privacy notice (bot/views.py `privacy_text`). Bump it with any change of
# the notice: everyone is asked to accept the new one at their next message.
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
    def __init__(self, session: AsyncSession) -> None:
        self.users = UserRepo(session)
        self.session = session

    async def consent(self, user_id: int, language: str) -> User:
        """Create the person's row: the first thing stored about them, only on consent."""
        user = await self.users.get(user_id)
        if user is None:
            user = self.users.add(
                User(
                    id=user_id,
                    language=language,
                    consented_at=utcnow(),
                    privacy_version=PRIVACY_VERSION,
                )
            )
            await self.session.flush()
        return user

    @staticmethod
    def accept_notice(user: User, version: int = PRIVACY_VERSION) -> None:
        user.privacy_version = version
        user.consented_at = utcnow()

    @staticmethod
    def set_language(user: User, language: str) -> None:
        user.language = language

    @staticmethod
    def set_voice_choice(user: User, *, keep: bool) -> None:
        user.voice_choice = VOICE_KEEP if keep else VOICE_TYPE

    @staticmethod
    def toggle_reminders(user: User) -> bool:
        """/rappels: mute or unmute meeting reminders; returns True when now muted."""
        user.reminders_muted = not user.reminders_muted
        return user.reminders_muted

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
        if not value:
            return TextFieldResult(ok=False, limit=limit)
        if len(value) > limit:
            return TextFieldResult(ok=False, too_long=len(value), limit=limit)
        if step == ProfileStep.STRUCTURE_NAME:
            user.structure_name = value
        else:
            user.role_other = value
        return TextFieldResult(ok=True)


async def export_personal_data(session: AsyncSession, user: User) -> tuple[bytes, bytes]:
    """Everything stored about one person: a complete JSON and a CSV of answer revisions."""
    contributions = await ContributionRepo(session).list_for_user(user.id)
    answers = await AnswerRepo(session).all_for_user(user.id)
    by_contribution: dict[int, list[Answer]] = {}
    for answer in answers:
        by_contribution.setdefault(answer.contribution_id, []).append(answer)
    document = {
        "profile": {
            "telegram_user_id": user.id,
            "language": user.language,
            "consented_at": user.consented_at.isoformat(),
            "privacy_version": user.privacy_version,
            "structure_type": user.structure_type,
            "structure_name": user.structure_name,
            "department_code": user.department_code,
            "region_code": user.region_code,
            "role": user.role,
            "role_other": user.role_other,
            "is_active": user.is_active,
            "created_at": user.created_at.isoformat(),
            "updated_at": user.updated_at.isoformat(),
        },
        "contributions": [
            _contribution_dict(c, by_contribution.get(c.id, [])) for c in contributions
        ],
    }
    json_bytes = json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(_ANSWER_COLUMNS_CSV)
    theme_of = {c.id: (c.public_id, c.theme_key, c.status) for c in contributions}
    for answer in answers:
        public_id, theme_key, status = theme_of[answer.contribution_id]
        row = _answer_dict(answer)
        writer.writerow(
            [public_id, theme_key, status, *(_csv_cell(row[k]) for k in _ANSWER_COLUMNS)]
        )
    # UTF-8 with BOM so that spreadsheet software opens accents correctly.
    return json_bytes, buffer.getvalue().encode("utf-8-sig")


_ANSWER_COLUMNS = (
    "question_key",
    "revision",
    "is_current",
    "questionnaire_version",
    "created_at",
    "skipped",
    "text",
    "choices",
    "scale",
    "voice_file_id",
    "voice_duration",
    "voice_mime",
)
_ANSWER_COLUMNS_CSV = ("contribution", "theme", "status", *_ANSWER_COLUMNS)


def _contribution_dict(contribution: Contribution, answers: list[Answer]) -> dict[str, object]:
    return {
        "reference": contribution.public_id,
        "theme": contribution.theme_key,
        "status": contribution.status,
        "questionnaire_version": contribution.questionnaire_version,
        "created_at": contribution.created_at.isoformat(),
        "submitted_at": contribution.submitted_at.isoformat()
        if contribution.submitted_at
        else None,
        "withdrawn_at": contribution.withdrawn_at.isoformat()
        if contribution.withdrawn_at
        else None,
        "answers": [_answer_dict(a) for a in answers],
    }


def _answer_dict(answer: Answer) -> dict[str, object]:
    return {
        "question_key": answer.question_key,
        "revision": answer.revision,
        "is_current": answer.is_current,
        "questionnaire_version": answer.questionnaire_version,
        "created_at": answer.created_at.isoformat(),
        "skipped": answer.skipped,
        "text": answer.text_value,
        "choices": answer.choice_keys,
        "scale": answer.scale_value,
        "voice_file_id": answer.voice_file_id,
        "voice_duration": answer.voice_duration,
        "voice_mime": answer.voice_mime,
    }


def _csv_cell(value: object) -> object:
    if isinstance(value, list):
        return "|".join(value)
    if value is None:
        return ""
    return value
