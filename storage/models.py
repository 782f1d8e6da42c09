"""Tables. Types are chosen to behave the same on SQLite and PostgreSQL.

A person exists here only after consenting to the privacy notice. Erasing them (`/oubli`) deletes
the `users` row; contributions and every answer revision go with it through ON DELETE CASCADE.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.base import Base, TimestampMixin, UtcDateTime

# users.voice_choice: organisers may hear this person's voice notes.
VOICE_KEEP = "keep"
VOICE_TYPE = "type"
# answers.scrubbed_with: how far a revision's text was scrubbed.
SCRUBBED_PATTERNS = "patterns"
SCRUBBED_FULLY = "model"


class ContributionStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"


class User(TimestampMixin, Base):
    __tablename__ = "users"

    # The Telegram user id: needed to reply. Never shown to organisers.
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    language: Mapped[str] = mapped_column(String(5))
    consented_at: Mapped[datetime] = mapped_column(UtcDateTime)
    privacy_version: Mapped[int] = mapped_column(SmallInteger)
    structure_type: Mapped[str | None] = mapped_column(String(16))
    structure_name: Mapped[str | None] = mapped_column(String(120))
    department_code: Mapped[str | None] = mapped_column(String(3))
    region_code: Mapped[str | None] = mapped_column(String(2), index=True)
    role: Mapped[str | None] = mapped_column(String(24))
    role_other: Mapped[str | None] = mapped_column(String(80))
    # False once Telegram says the person blocked the bot; set back when they write again.
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
    # Organisers read digests and exports; they join through a one-time invitation link.
    is_organiser: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    # Admins are the ADMIN_IDS setting plus people granted with `python -m bot grant --admin`
    # (a platform console can run a command but not always edit the environment).
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    # /rappels: the person does not want meeting reminders.
    reminders_muted: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=text("false")
    )
    # Voice notes identify their author: asked once before the first one is kept.
    # None: not asked yet; "keep": organisers may hear them; "type": the person types instead.
    voice_choice: Mapped[str | None] = mapped_column(String(8))
    voice_choice_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # when last chosen
    # Last private message or button from the person, to the day: retention counts from it.
    last_seen_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Organisers and admins only: their Telegram first name and @username (without the @), so
    # that admins see who is who (/organisateurs). Captured when they accept an invitation or
    # use a command of their role, cleared when they lose it; the notice at invitation says so.
    display_name: Mapped[str | None] = mapped_column(String(64))
    # The role whose command menu this chat was last given ("organiser", "admin"; None:
    # everyone's): a menu left from a role lost while Telegram could not be told is found
    # and removed at the next start (handlers/menus.py).
    chat_menu: Mapped[str | None] = mapped_column(String(12))
    username: Mapped[str | None] = mapped_column(String(32))

    contributions: Mapped[list[Contribution]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def profile_complete(self) -> bool:
        return bool(
            self.structure_type and self.structure_name and self.department_code and self.role
        )


class Contribution(TimestampMixin, Base):
    __tablename__ = "contributions"
    __table_args__ = (
        # At most one draft per person and theme, and one contribution "in focus" (the one a
        # free-text message answers). Partial unique indexes work on both engines.
        Index(
            "uq_contributions_one_draft_per_theme",
            "user_id",
            "theme_key",
            unique=True,
            sqlite_where=text("status = 'draft'"),
            postgresql_where=text("status = 'draft'"),
        ),
        Index("ix_contributions_status_submitted", "status", "submitted_at"),
        Index(
            "uq_contributions_one_focus_per_user",
            "user_id",
            unique=True,
            sqlite_where=text("in_focus"),
            postgresql_where=text("in_focus"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Stable pseudonymous id: what organisers and exports see instead of anything about the person.
    public_id: Mapped[str] = mapped_column(String(16), unique=True)
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    theme_key: Mapped[str] = mapped_column(String(32))
    questionnaire_version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12), default=ContributionStatus.DRAFT)
    # The question currently asked (None: nothing is being asked). Buttons carry the key they
    # were drawn for; a mismatch means the button is stale. Updated by compare-and-set.
    cursor: Mapped[str | None] = mapped_column(String(32))
    in_focus: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    user: Mapped[User] = relationship(back_populates="contributions")
    answers: Mapped[list[Answer]] = relationship(
        back_populates="contribution", cascade="all, delete-orphan", passive_deletes=True
    )


class Answer(Base):
    """One revision of one answer. Editing appends a revision; earlier ones are kept."""

    __tablename__ = "answers"
    __table_args__ = (
        UniqueConstraint("contribution_id", "question_key", "revision", name="uq_answers_revision"),
        Index(
            "uq_answers_one_current",
            "contribution_id",
            "question_key",
            unique=True,
            sqlite_where=text("is_current"),
            postgresql_where=text("is_current"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contribution_id: Mapped[int] = mapped_column(
        ForeignKey("contributions.id", ondelete="CASCADE"), index=True
    )
    question_key: Mapped[str] = mapped_column(String(32))
    questionnaire_version: Mapped[int] = mapped_column(Integer)
    revision: Mapped[int] = mapped_column(Integer)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    skipped: Mapped[bool] = mapped_column(Boolean, default=False)
    text_value: Mapped[str | None] = mapped_column(Text)
    choice_keys: Mapped[list[str] | None] = mapped_column(JSON)
    scale_value: Mapped[int | None] = mapped_column(SmallInteger)
    voice_file_id: Mapped[str | None] = mapped_column(String(255))
    voice_duration: Mapped[int | None] = mapped_column(Integer)
    voice_mime: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # What organisers read: the text scrubbed once per revision. `scrubbed_with` says how far:
    # "patterns" right after the answer (regexes and checksums, in the reply path), "model"
    # once the background worker has run the named-entity model. Organiser outputs show only
    # "model" texts; the others wait (see bot/jobs/scrubbing.py).
    scrubbed_text: Mapped[str | None] = mapped_column(Text)
    scrubbed_with: Mapped[str | None] = mapped_column(String(8), index=True)
    scrubbed_version: Mapped[int | None] = mapped_column(SmallInteger)  # SCRUBBER_VERSION
    pii_kinds: Mapped[list[str] | None] = mapped_column(JSON)

    contribution: Mapped[Contribution] = relationship(back_populates="answers")


class Invitation(Base):
    """A one-time organiser invitation. Only a hash of the token is stored."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[int | None] = mapped_column(BigInteger)  # None once that admin is erased
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    used_by: Mapped[int | None] = mapped_column(BigInteger)


# Audit actions whose subject_id is a person; the others' subject is a meeting's or a
# broadcast's id (a meeting whose id equals someone's Telegram id is not about them).
PERSON_SUBJECT_ACTIONS = ("organiser_added", "organiser_revoked", "admin_added", "admin_removed")


class AuditEntry(Base):
    """Who did what to whom, when: role changes, refused access, exports. Details hold command
    words and settings, never what someone typed."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    actor_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    # Who acted when it was not a person of the bot: "console" (python -m bot ...), "system".
    actor: Mapped[str | None] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int | None] = mapped_column(BigInteger)
    details: Mapped[dict | None] = mapped_column(JSON)


class DigestSubscription(TimestampMixin, Base):
    __tablename__ = "digest_subscriptions"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    frequency: Mapped[str] = mapped_column(String(8), default="daily")  # daily | weekly | off
    hour: Mapped[int] = mapped_column(SmallInteger)  # local hour (TIMEZONE), 0-23
    minute: Mapped[int] = mapped_column(SmallInteger, default=0)
    themes: Mapped[list[str]] = mapped_column(JSON, default=list)  # empty: all themes
    regions: Mapped[list[str]] = mapped_column(JSON, default=list)  # empty: all regions


class DigestRun(Base):
    """One (organiser, period) digest. The unique key makes sending it exactly once."""

    __tablename__ = "digest_runs"
    __table_args__ = (UniqueConstraint("user_id", "period_end", name="uq_digest_runs_period"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    period_start: Mapped[datetime | None] = mapped_column(UtcDateTime)  # None: since the start
    period_end: Mapped[datetime] = mapped_column(UtcDateTime)
    claimed_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    contributions: Mapped[int] = mapped_column(Integer, default=0)
    # The scope it covered, as the subscription said then: what its voice-note button replays.
    themes: Mapped[list[str] | None] = mapped_column(JSON)
    regions: Mapped[list[str] | None] = mapped_column(JSON)
    trigger: Mapped[str] = mapped_column(
        String(12), default="scheduled", server_default=text("'scheduled'")
    )  # scheduled | on_demand | failed
    # Nothing could be shown (fewer than the threshold behind it): the next digest covers this
    # period again, so that no small window can be told apart by comparing totals.
    withheld: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))


class OutboxStatus(StrEnum):
    PENDING = "pending"
    CLAIMED = "claimed"  # queued in one sender's memory (`claimed_by`), not yet in a Bot API call
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    BLOCKED = "blocked"
    CANCELLED = "cancelled"
    # The Bot API call may or may not have delivered it (a dropped connection, a timeout, a
    # crash during the call): resending could show it twice.
    UNKNOWN = "unknown"


NOT_YET_SENT = (OutboxStatus.PENDING, OutboxStatus.CLAIMED)  # may still be withdrawn
IN_QUEUE = (*NOT_YET_SENT, OutboxStatus.SENDING)  # not finished yet


class OutboxFile(Base):
    """Bytes of a document or photo to attach; shared by every message that sends it."""

    __tablename__ = "outbox_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    filename: Mapped[str] = mapped_column(String(128))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class OutboxMessage(Base):
    """One outgoing message that is not a direct reply. The paced sender delivers it."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "due_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recipient_id: Mapped[int] = mapped_column(BigInteger, index=True)
    kind: Mapped[str] = mapped_column(String(16))  # digest | reminder | broadcast | preread
    group_key: Mapped[str | None] = mapped_column(String(64), index=True)
    payload: Mapped[dict] = mapped_column(JSON)
    file_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_files.id", ondelete="SET NULL"))
    due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(12), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(255))
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Urgent messages are delivered during quiet hours too (an admin's choice, for broadcasts).
    urgent: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # Digests and pre-reads: the last erasure-ledger entry their content had seen when it was
    # read. A later entry (an erasure or a withdrawal) makes the package stale: the sender
    # withdraws it and the scheduler builds it again.
    ledger_mark: Mapped[int | None] = mapped_column(Integer)
    # An attempt got no answer from Telegram (it may have delivered): whatever the last attempt
    # says, the row cannot end as "certainly not delivered".
    maybe_delivered: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=text("false")
    )


class Meeting(TimestampMixin, Base):
    """A regional workshop day (or a national one: no regions)."""

    __tablename__ = "meetings"
    __table_args__ = (Index("ix_meetings_status_starts", "status", "starts_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime)
    city: Mapped[str] = mapped_column(String(80))
    regions: Mapped[list[str]] = mapped_column(JSON, default=list)  # empty: national
    theme_key: Mapped[str | None] = mapped_column(String(32))
    venue: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(12), default="scheduled")  # | cancelled
    created_by: Mapped[int | None] = mapped_column(BigInteger)  # None once that admin is erased


class ReminderRun(Base):
    """One reminder wave (meeting, days before). Inserting it claims the wave: sent once."""

    __tablename__ = "reminder_runs"
    __table_args__ = (UniqueConstraint("meeting_id", "days_before", name="uq_reminder_runs_wave"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    days_before: Mapped[int] = mapped_column(SmallInteger)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    recipients: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[bool] = mapped_column(Boolean, default=False)  # superseded by a later wave
    claimed_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class PrereadRun(Base):
    """The pre-read of one meeting, sent once to organisers and admins."""

    __tablename__ = "preread_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), unique=True
    )
    recipients: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class BroadcastStatus(StrEnum):
    DRAFT = "draft"  # being composed by an admin
    SCHEDULED = "scheduled"  # confirmed; the scheduler enqueues it at due_at
    SENDING = "sending"  # enqueued; the sender is delivering it
    DONE = "done"  # nothing left to deliver; the report was enqueued
    CANCELLED = "cancelled"


class Broadcast(TimestampMixin, Base):
    """An admin's message to a targeted audience. Its deliveries are outbox rows grouped by
    `broadcast:<id>`; the audience is resolved when it starts, not when it is composed."""

    __tablename__ = "broadcasts"
    __table_args__ = (Index("ix_broadcasts_status_due", "status", "due_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_by: Mapped[int | None] = mapped_column(BigInteger)  # None once that admin is erased
    status: Mapped[str] = mapped_column(String(12), default=BroadcastStatus.DRAFT)
    body: Mapped[str] = mapped_column(Text, default="")  # HTML, as Telegram rendered the input
    media_kind: Mapped[str | None] = mapped_column(String(8))  # photo | document
    media_file_id: Mapped[str | None] = mapped_column(String(255))  # Telegram's file_id
    audience: Mapped[dict] = mapped_column(JSON, default=dict)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # None while a draft: "now"
    recipients: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Rows already finished when this round started (a retry): kept out of the rate.
    finished_before: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The admin's message that shows progress, edited in place.
    progress_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    progress_message_id: Mapped[int | None] = mapped_column(Integer)
    progress_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The admin is answering "cancel it?" on the progress message: the refresh leaves it alone.
    progress_held: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=text("false")
    )


class LedgerKind(StrEnum):
    PERSON = "person"  # an erased person: HMAC of their Telegram id
    CONTRIBUTION = "contribution"  # a withdrawn contribution: its public reference


class ErasureLedger(Base):
    """Erasures and withdrawals, without personal data, so that they can be applied again
    after a backup is restored (`python -m bot erasures apply`). A person is recorded as a keyed
    hash of their id, never the id itself."""

    __tablename__ = "erasure_ledger"
    # Ids are never reused (SQLite would reuse a deleted maximum): outbox rows compare them.
    __table_args__ = (Index("ix_erasure_ledger_at", "at"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    ref: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)


class PurgeRun(Base):
    """One day's retention purge; the unique day is the claim (one instance does it)."""

    __tablename__ = "purge_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[str] = mapped_column(String(10), unique=True)  # local date, YYYY-MM-DD
    claimed_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    deleted: Mapped[dict | None] = mapped_column(JSON)  # rows deleted per table


class JobFailure(Base):
    """Repeated failures of one piece of scheduled work (a digest for one period...). After
    MAX_JOB_ATTEMPTS the scheduler gives up on it and tells the admins once."""

    __tablename__ = "job_failures"
    __table_args__ = (UniqueConstraint("job", "key", name="uq_job_failures_job_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(255))
    gave_up: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class WorkshopNote(Base):
    """What was said at a workshop day, imported by organisers from a CSV file
    (`python -m bot workshop import`). A note is no person: no profile, no Telegram id, and it
    counts in no contributor total. `text` is the scrubbed text only; the original stays in the
    organiser's file. `reference` is "W-<id given in the file>", or "W-auto-<n>" when the file
    gave none (a given id may not start with "auto-", so the two never collide)."""

    __tablename__ = "workshop_notes"
    __table_args__ = (Index("ix_workshop_notes_theme_region", "theme_key", "region_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(48), unique=True)
    theme_key: Mapped[str] = mapped_column(String(32))
    region_code: Mapped[str | None] = mapped_column(String(2))  # INSEE; None: national
    text: Mapped[str] = mapped_column(Text)
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime)
    source: Mapped[str] = mapped_column(String(255))  # the imported file's name
