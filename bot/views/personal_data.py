"""`/mesdonnees` as two files (the rows come from bot/services/personal_data.py):

- a JSON document, complete and machine-readable: every row about the person, each machine key
  followed by a `<key>_label` in their language, times in UTC (ISO 8601);
- a CSV of every revision of their answers, to read in a spreadsheet: headers, statuses and
  answers in their language, times in the configured time zone, semicolons and a BOM for French
  readers (what French Excel expects on a double-click), commas for English ones.

Other people's Telegram ids never appear: the admin who invited them, the person who used their
invitation, who acted on them in the audit log are described, not identified; invitation token
hashes are left out.

Call it inside the person's locale (the handler runs there): labels go through gettext.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import UTC, datetime
from datetime import time as dt_time
from typing import Any
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import gettext as _

from bot.config import language_name
from bot.domain.geo import department_label, get_department, get_region
from bot.domain.profile_options import ROLES, STRUCTURE_TYPES
from bot.domain.questionnaire import SCALE_VALUES, Question, Questionnaire, Theme
from bot.i18n import format_moment, format_time
from bot.services.personal_data import PersonalData
from bot.views.digest import period_label
from bot.views.spreadsheets import defuse
from storage.models import (
    PERSON_SUBJECT_ACTIONS,
    SCRUBBED_FULLY,
    SCRUBBED_PATTERNS,
    VOICE_KEEP,
    VOICE_TYPE,
    Answer,
    AuditEntry,
    Broadcast,
    Contribution,
    DigestRun,
    DigestSubscription,
    Invitation,
    JobFailure,
    Meeting,
    OutboxMessage,
    User,
)

JSON_FILENAME = "relais-mes-donnees.json"
CSV_FILENAME = "relais-mes-reponses.csv"
CSV_TIME_FORMAT = "%Y-%m-%d %H:%M"


def personal_data_files(
    data: PersonalData, questionnaire: Questionnaire, locale: str, tz: ZoneInfo
) -> tuple[bytes, bytes]:
    """(JSON, CSV) of everything stored about the person, in `locale`."""
    labels = Labels(questionnaire, locale, tz)
    by_contribution: dict[int, list[Answer]] = {}
    for answer in data.answers:
        by_contribution.setdefault(answer.contribution_id, []).append(answer)
    for contribution in data.contributions:
        by_contribution.setdefault(contribution.id, []).sort(
            key=labels.answer_order(contribution.theme_key)
        )
    user, now = data.user, data.generated_at
    document: dict[str, Any] = {
        "about": _about(labels, now),
        "profile": _profile(user, labels),
        "roles": [_role(role) for role in data.roles],
        "contributions": [
            _contribution(c, by_contribution[c.id], labels) for c in data.contributions
        ],
        "digest_subscription": _subscription(data.digest_subscription, labels),
        "digest_runs": [_digest_run(r, labels) for r in data.digest_runs],
        "messages_received": [_message(m, filename) for m, filename in data.messages_received],
        "audit_log": [_audit(e, user.id) for e in data.audit_entries],
        "invitations": [_invitation(i, user.id, now) for i in data.invitations],
        "meetings_created": [_meeting(m, labels) for m in data.meetings_created],
        "broadcasts_created": [_broadcast(b, labels) for b in data.broadcasts_created],
        "job_failures": [_job_failure(f) for f in data.job_failures],
    }
    json_bytes = json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
    ordered = [(c, a) for c in data.contributions for a in by_contribution[c.id]]
    return json_bytes, answers_csv(ordered, labels)


def answers_csv(rows: list[tuple[Contribution, Answer]], labels: Labels) -> bytes:
    """One line per answer revision, as the person reads it. French: `;` (French Excel splits
    on it) and a BOM (so it reads UTF-8); English: `,`, with the BOM too (Excel needs it to
    read accents whatever its language)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if labels.locale == "fr" else ",")
    writer.writerow(
        [
            _("Contribution"),
            _("Theme"),
            _("Status"),
            _("Question"),
            _("Version"),
            _("Current"),
            _("Date"),
            _("Answer"),
        ]
    )
    for contribution, answer in rows:
        question = labels.question(contribution.theme_key, answer.question_key)
        cells = [
            contribution.public_id,
            labels.theme(contribution.theme_key),
            labels.contribution_status(contribution.status),
            labels.numbered_question(contribution.theme_key, answer.question_key),
            str(answer.revision),
            labels.yes_no(answer.is_current),
            labels.local_time(answer.created_at),
            labels.answer(question, answer),
        ]
        writer.writerow([defuse(cell) for cell in cells])
    return buffer.getvalue().encode("utf-8-sig")


class Labels:
    """Keys and codes as words in one language (gettext for Relais's own words, the
    questionnaire for its themes, questions and options)."""

    def __init__(self, questionnaire: Questionnaire, locale: str, tz: ZoneInfo) -> None:
        self.questionnaire, self.locale, self.tz = questionnaire, locale, tz

    # Questionnaire

    def _theme(self, key: str | None) -> Theme | None:
        return self.questionnaire.theme(key) if key else None

    def theme(self, key: str | None) -> str | None:
        if key is None:
            return None
        theme = self._theme(key)
        return f"{theme.number}. {theme.title.get(self.locale)}" if theme else key

    def question(self, theme_key: str, question_key: str) -> Question | None:
        theme = self._theme(theme_key)
        return theme.question(question_key) if theme else None

    def question_label(self, theme_key: str, question_key: str | None) -> str | None:
        if question_key is None:
            return None
        question = self.question(theme_key, question_key)
        return question.prompt.get(self.locale) if question else question_key

    def numbered_question(self, theme_key: str, question_key: str) -> str:
        theme = self._theme(theme_key)
        question = theme.question(question_key) if theme else None
        if theme is None or question is None:
            return question_key
        return f"{theme.index_of(question_key) + 1}. {question.prompt.get(self.locale)}"

    def answer_order(self, theme_key: str) -> Callable[[Answer], tuple[int, str, int]]:
        """Sort key: the theme's question order (unknown questions last), then revision."""
        theme = self._theme(theme_key)
        positions = {q.key: i for i, q in enumerate(theme.questions)} if theme else {}

        def key(answer: Answer) -> tuple[int, str, int]:
            position = positions.get(answer.question_key, len(positions))
            return position, answer.question_key, answer.revision

        return key

    def choices(self, question: Question | None, keys: list[str] | None) -> list[dict] | None:
        if keys is None:
            return None
        return [{"key": key, "label": self.option(question, key)} for key in keys]

    def option(self, question: Question | None, key: str) -> str:
        option = question.option(key) if question else None
        return option.label.get(self.locale) if option else key

    def themes(self, keys: list[str] | None) -> list[dict]:
        return [{"key": key, "label": self.theme(key)} for key in keys or []]

    def answer(self, question: Question | None, answer: Answer) -> str:
        """The answer as its author reads it."""
        if answer.skipped:
            return _("(skipped)")
        if answer.voice_file_id:
            return _("voice note ({seconds} s)").format(seconds=answer.voice_duration or 0)
        if answer.text_value is not None:
            return answer.text_value
        if answer.scale_value is not None:
            return self.scale(answer.scale_value)
        if answer.choice_keys is not None:
            return ", ".join(self.option(question, key) for key in answer.choice_keys)
        return _("(not answered)")

    @staticmethod
    def scale(value: int) -> str:
        return f"{value} / {SCALE_VALUES[-1]}"

    # Places and profile options

    @staticmethod
    def department(code: str | None) -> str | None:
        department = get_department(code) if code else None
        return department_label(department) if department else code

    @staticmethod
    def region(code: str | None) -> str | None:
        region = get_region(code) if code else None
        return region.name if region else code

    def regions(self, codes: list[str] | None) -> list[dict]:
        return [{"code": code, "label": self.region(code)} for code in codes or []]

    def departments(self, codes: list[str] | None) -> list[dict]:
        return [{"code": code, "label": self.department(code)} for code in codes or []]

    @staticmethod
    def structure_type(key: str | None) -> str | None:
        if key is None:
            return None
        return _(STRUCTURE_TYPES[key]) if key in STRUCTURE_TYPES else key

    @staticmethod
    def role(key: str | None) -> str | None:
        if key is None:
            return None
        return _(ROLES[key]) if key in ROLES else key

    # Statuses and kinds

    @staticmethod
    def contribution_status(status: str) -> str:
        return {
            "draft": _("draft"),
            "submitted": _("submitted"),
            "withdrawn": _("withdrawn"),
        }.get(status, status)

    @staticmethod
    def yes_no(value: bool) -> str:
        return _("Yes") if value else _("No")

    def local_time(self, value: datetime) -> str:
        return value.astimezone(self.tz).strftime(CSV_TIME_FORMAT)

    def moment(self, value: datetime | None) -> str | None:
        return format_moment(value, self.locale, self.tz) if value else None


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value else None


def _labelled(key: str | None, labels: dict[str, str]) -> str | None:
    return None if key is None else labels.get(key, key)


def _about(labels: Labels, now: datetime) -> dict[str, Any]:
    return {
        "generated_at": _iso(now),
        "generated_at_label": labels.moment(now),
        "language": labels.locale,
        "description": _(
            "Everything Relais stores about you. Times are in UTC (ISO 8601); a key ending in "
            "_label gives the value before it in words."
        ),
        "fields": {
            "scrubbed_text": _("What organisers read: your text with personal details masked."),
            "pii_kinds": _("The kinds of personal details masked in that text."),
            "revision": _("Editing an answer adds a version; earlier versions are kept."),
            "telegram_first_name": _(
                "Organisers and admins only: your Telegram first name and @username, shown to "
                "the admins; removed when you stop being one."
            ),
            "messages_received": _(
                "Messages Relais sent or will send you; the text is empty once it was "
                "removed after delivery."
            ),
        },
    }


def _profile(user: User, labels: Labels) -> dict[str, Any]:
    voice = {
        VOICE_KEEP: _("kept: organisers may hear your voice notes"),
        VOICE_TYPE: _("not kept: you type your answers instead"),
    }
    return {
        "telegram_user_id": user.id,
        "language": user.language,
        "language_label": language_name(user.language),
        "consented_at": _iso(user.consented_at),
        "privacy_version": user.privacy_version,
        "structure_type": user.structure_type,
        "structure_type_label": labels.structure_type(user.structure_type),
        "structure_name": user.structure_name,
        "department_code": user.department_code,
        "department_label": labels.department(user.department_code),
        "region_code": user.region_code,
        "region_label": labels.region(user.region_code),
        "role": user.role,
        "role_label": labels.role(user.role),
        "role_other": user.role_other,
        "is_active": user.is_active,
        "is_organiser": user.is_organiser,
        "is_admin": user.is_admin,
        # Organisers and admins: the Telegram first name and @username admins see.
        "telegram_first_name": user.display_name,
        "telegram_username": user.username,
        "reminders_muted": user.reminders_muted,
        "voice_choice": user.voice_choice,
        "voice_choice_label": voice.get(user.voice_choice, user.voice_choice)
        if user.voice_choice
        else _("not asked yet"),
        "last_seen_at": _iso(user.last_seen_at),
        "created_at": _iso(user.created_at),
        "updated_at": _iso(user.updated_at),
    }


def _role(key: str) -> dict[str, str]:
    """Organiser and admin (granted, or named in ADMIN_IDS); a contributor otherwise."""
    labels = {"organiser": _("Organiser"), "admin": _("Administrator"), "member": _("Contributor")}
    return {"key": key, "label": labels[key]}


def _contribution(
    contribution: Contribution, answers: list[Answer], labels: Labels
) -> dict[str, Any]:
    theme_key = contribution.theme_key
    return {
        "reference": contribution.public_id,
        "theme": theme_key,
        "theme_label": labels.theme(theme_key),
        "status": contribution.status,
        "status_label": labels.contribution_status(contribution.status),
        "questionnaire_version": contribution.questionnaire_version,
        "in_focus": contribution.in_focus,
        "question_being_asked": contribution.cursor,
        "question_being_asked_label": labels.question_label(theme_key, contribution.cursor),
        "created_at": _iso(contribution.created_at),
        "updated_at": _iso(contribution.updated_at),
        "submitted_at": _iso(contribution.submitted_at),
        "withdrawn_at": _iso(contribution.withdrawn_at),
        "answers": [_answer(theme_key, a, labels) for a in answers],
    }


def _answer(theme_key: str, answer: Answer, labels: Labels) -> dict[str, Any]:
    question = labels.question(theme_key, answer.question_key)
    pii = {
        "phone": _("a phone number"),
        "email": _("an e-mail address"),
        "nir": _("a social security number"),
        "iban": _("a bank account number (IBAN)"),
        "name": _("a person's name"),
        "address": _("a postal address"),
        "birth_date": _("a date of birth"),
        "structure": _("the name of your structure"),
    }
    scrubbed_with = {
        SCRUBBED_PATTERNS: _("first pass (patterns); the full check is still to come"),
        SCRUBBED_FULLY: _("fully checked"),
    }
    return {
        "question_key": answer.question_key,
        "question_label": labels.question_label(theme_key, answer.question_key),
        "revision": answer.revision,
        "is_current": answer.is_current,
        "questionnaire_version": answer.questionnaire_version,
        "created_at": _iso(answer.created_at),
        "answer_label": labels.answer(question, answer),
        "skipped": answer.skipped,
        "text": answer.text_value,
        "choices": labels.choices(question, answer.choice_keys),
        "scale": answer.scale_value,
        "scale_label": labels.scale(answer.scale_value) if answer.scale_value is not None else None,
        "voice_file_id": answer.voice_file_id,
        "voice_duration": answer.voice_duration,
        "voice_mime": answer.voice_mime,
        "scrubbed_text": answer.scrubbed_text,
        "scrubbed_with": answer.scrubbed_with,
        "scrubbed_with_label": _labelled(answer.scrubbed_with, scrubbed_with),
        "pii_kinds": None
        if answer.pii_kinds is None
        else [{"key": kind, "label": pii.get(kind, kind)} for kind in answer.pii_kinds],
    }


def _frequencies(hour: int, minute: int, locale: str) -> dict[str, str]:
    time = format_time(dt_time(hour, minute), locale)
    return {
        "daily": _("every day at {time}").format(time=time),
        "weekly": _("every Monday at {time}").format(time=time),
        "off": _("never (off)"),
    }


def _subscription(subscription: DigestSubscription | None, labels: Labels) -> dict | None:
    if subscription is None:
        return None
    frequencies = _frequencies(subscription.hour, subscription.minute, labels.locale)
    return {
        "frequency": subscription.frequency,
        "frequency_label": _labelled(subscription.frequency, frequencies),
        "hour": subscription.hour,
        "minute": subscription.minute,
        "themes": labels.themes(subscription.themes),
        "themes_label": _scope_label(labels.themes(subscription.themes), _("every theme")),
        "regions": labels.regions(subscription.regions),
        "regions_label": _scope_label(labels.regions(subscription.regions), _("every region")),
        "created_at": _iso(subscription.created_at),
        "updated_at": _iso(subscription.updated_at),
    }


def _scope_label(items: list[dict], everything: str) -> str:
    return ", ".join(str(item["label"]) for item in items) or everything


def _digest_run(run: DigestRun, labels: Labels) -> dict[str, Any]:
    triggers = {"scheduled": _("at its usual time"), "on_demand": _("on request")}
    return {
        "period_start": _iso(run.period_start),
        "period_end": _iso(run.period_end),
        "period_label": period_label(run.period_start, run.period_end, labels.locale, labels.tz),
        "trigger": run.trigger,
        "trigger_label": _labelled(run.trigger, triggers),
        "themes": labels.themes(run.themes),
        "themes_label": _scope_label(labels.themes(run.themes), _("every theme")),
        "regions": labels.regions(run.regions),
        "regions_label": _scope_label(labels.regions(run.regions), _("every region")),
        "contributions": run.contributions,
        "created_at": _iso(run.created_at),
    }


def _message(message: OutboxMessage, filename: str | None) -> dict[str, Any]:
    kinds = {
        "digest": _("Digest"),
        "preread": _("Pre-read"),
        "reminder": _("Meeting reminder"),
        "broadcast": _("Broadcast"),
        "report": _("Broadcast report"),
        "notice": _("Notice to administrators"),
    }
    statuses = {
        "pending": _("waiting to be sent"),
        "sending": _("being sent"),
        "sent": _("delivered"),
        "failed": _("not delivered"),
        "blocked": _("not delivered: the bot was blocked"),
        "cancelled": _("withdrawn before delivery"),
        "unknown": _("perhaps delivered: Telegram did not answer"),
    }
    payload = message.payload or {}
    text = payload.get("text") if payload.get("method") == "message" else payload.get("caption")
    return {
        "kind": message.kind,
        "kind_label": _labelled(message.kind, kinds),
        "status": message.status,
        "status_label": _labelled(message.status, statuses),
        "urgent": message.urgent,
        "created_at": _iso(message.created_at),
        "due_at": _iso(message.due_at),
        "sent_at": _iso(message.sent_at),
        "text": text,
        "content_removed": payload.get("method") == "removed",
        "attachment": filename,
    }


def _audit(entry: AuditEntry, user_id: int) -> dict[str, Any]:
    actions = {
        "access_refused": _("Access refused"),
        "admin_added": _("Made an administrator"),
        "admin_removed": _("No longer an administrator"),
        "organiser_added": _("Became an organiser"),
        "organiser_revoked": _("No longer an organiser"),
        "invitation_created": _("Organiser invitation created"),
        "invitation_refused": _("Invitation link refused"),
        "meeting_added": _("Meeting added"),
        "meeting_updated": _("Meeting changed"),
        "meeting_cancelled": _("Meeting cancelled"),
        "broadcast_confirmed": _("Broadcast confirmed"),
        "broadcast_cancelled": _("Broadcast cancelled"),
        "export": _("Export of contributions"),
        "export_refused": _("Export refused (too few people)"),
    }
    actors = {
        "you": _("you"),
        "console": _("an administrator, from the server console"),
        "system": _("Relais itself"),
        "someone_else": _("an administrator"),
        "unknown": _("not recorded"),
    }
    if entry.actor_id == user_id:
        actor = "you"
    elif entry.actor_id is not None:
        actor = "someone_else"  # another person: described, not identified
    else:
        actor = entry.actor if entry.actor in actors else "unknown"
    about_you = entry.subject_id == user_id and entry.action in PERSON_SUBJECT_ACTIONS
    return {
        "action": entry.action,
        "action_label": _labelled(entry.action, actions),
        "at": _iso(entry.at),
        "actor": actor,
        "actor_label": actors[actor],
        "about_you": about_you,
        "details": entry.details,
    }


def _invitation(invitation: Invitation, user_id: int, now: datetime) -> dict[str, Any]:
    if invitation.used_at is not None:
        status, label = "used", _("used")
    elif invitation.expires_at <= now:
        status, label = "expired", _("expired")
    else:
        status, label = "open", _("not used yet")
    return {
        "created_by_you": invitation.created_by == user_id,
        "used_by_you": invitation.used_by == user_id,
        "created_at": _iso(invitation.created_at),
        "expires_at": _iso(invitation.expires_at),
        "used_at": _iso(invitation.used_at),
        "status": status,
        "status_label": label,
    }


def _meeting_statuses() -> dict[str, str]:
    return {"scheduled": _("scheduled"), "cancelled": _("cancelled")}


def _meeting(meeting: Meeting, labels: Labels) -> dict[str, Any]:
    regions = labels.regions(meeting.regions)
    return {
        "id": meeting.id,
        "starts_at": _iso(meeting.starts_at),
        "starts_at_label": labels.moment(meeting.starts_at),
        "city": meeting.city,
        "venue": meeting.venue,
        "regions": regions,
        "regions_label": _scope_label(regions, _("National meeting (every region)")),
        "theme": meeting.theme_key,
        "theme_label": labels.theme(meeting.theme_key),
        "status": meeting.status,
        "status_label": _labelled(meeting.status, _meeting_statuses()),
        "created_at": _iso(meeting.created_at),
        "updated_at": _iso(meeting.updated_at),
    }


def _broadcast(broadcast: Broadcast, labels: Labels) -> dict[str, Any]:
    statuses = {
        "draft": _("being written"),
        "scheduled": _("scheduled"),
        "sending": _("being sent"),
        "done": _("finished"),
        "cancelled": _("cancelled"),
    }
    media = {"photo": _("photo"), "document": _("document")}
    return {
        "id": broadcast.id,
        "status": broadcast.status,
        "status_label": _labelled(broadcast.status, statuses),
        "body": broadcast.body,
        "media_kind": broadcast.media_kind,
        "media_kind_label": _labelled(broadcast.media_kind, media),
        "media_file_id": broadcast.media_file_id,
        "audience": _audience(broadcast.audience or {}, labels),
        "urgent": broadcast.urgent,
        "due_at": _iso(broadcast.due_at),
        "started_at": _iso(broadcast.started_at),
        "finished_at": _iso(broadcast.finished_at),
        "recipients": broadcast.recipients,
        "created_at": _iso(broadcast.created_at),
        "updated_at": _iso(broadcast.updated_at),
    }


def _audience(audience: dict[str, Any], labels: Labels) -> dict[str, Any]:
    roles = [{"key": key, "label": labels.role(key)} for key in audience.get("roles") or []]
    missing = audience.get("missing_theme")
    everyone = not any(audience.get(k) for k in ("regions", "departments", "roles")) and not (
        missing or audience.get("inactive_days")
    )
    return {
        "everyone": everyone,
        "everyone_label": _("Everyone who can be reached.") if everyone else None,
        "regions": labels.regions(audience.get("regions")),
        "departments": labels.departments(audience.get("departments")),
        "roles": roles,
        "missing_theme": missing,
        "missing_theme_label": labels.theme(missing),
        "inactive_days": audience.get("inactive_days"),
    }


def _job_failure(failure: JobFailure) -> dict[str, Any]:
    jobs = {"digest": _("Digest")}
    _user, _sep, period_end = failure.key.partition(":")
    return {
        "job": failure.job,
        "job_label": _labelled(failure.job, jobs),
        "period_end": period_end or None,
        "attempts": failure.attempts,
        "gave_up": failure.gave_up,
        "created_at": _iso(failure.created_at),
        "updated_at": _iso(failure.updated_at),
    }
