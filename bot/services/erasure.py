"""Erasure (`/oubli`, retention), withdrawal, and applying them again after a restore.

An erasure deletes the person's row (their profile, contributions and every answer revision
follow by ON DELETE CASCADE), every outbox message to them, and their id wherever it is kept for
accountability (audit log, invitations, meetings, broadcasts). It is also written to the
erasure ledger as a keyed hash of their Telegram id; a withdrawal as the contribution's public
reference. Digests and pre-reads that were built before a ledger entry are withdrawn by the
sender and built again (see bot/delivery/), so nothing queued carries erased content.

After a backup is restored, `python -m bot erasures apply FILE` (FILE from `erasures export`,
kept outside the database backups) erases and withdraws again what had been erased or withdrawn
since that backup. docs/privacy.md and docs/deploy.md explain the routine.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.base import utcnow
from storage.erasures import LedgerRepo
from storage.models import Contribution, ContributionStatus, LedgerKind, User
from storage.outbox import OutboxRepo
from storage.people import PersonTraces, UserRepo


def person_ref(user_id: int, key: str) -> str:
    """The ledger's name for a person: HMAC-SHA256 of their id under ERASURE_LEDGER_KEY, so
    that the ledger alone does not say who asked to be forgotten."""
    return hmac.new(key.encode(), str(int(user_id)).encode(), hashlib.sha256).hexdigest()


async def erase_person(session: AsyncSession, user_id: int, ledger_key: str) -> bool:
    """Erase everything about one person (see the module docstring); False if unknown."""
    user = await UserRepo(session).get(user_id)
    if user is None:
        return False
    await LedgerRepo(session).add(LedgerKind.PERSON, person_ref(user_id, ledger_key))
    await PersonTraces(session).remove(user_id)
    await UserRepo(session).delete(user_id)
    # Delivered digests kept no content already; those given up on (blocked...) lose it now.
    await OutboxRepo(session).strip_finished_packages()
    return True


async def export_ledger(session: AsyncSession) -> str:
    """The ledger as JSON lines: kind, ref, at. No personal data: keep it with, but outside,
    the database backups."""
    return "".join(
        json.dumps({"kind": e.kind, "ref": e.ref, "at": e.at.isoformat()}) + "\n"
        for e in await LedgerRepo(session).all()
    )


@dataclass(frozen=True)
class Reapplied:
    people: int
    contributions: int


async def apply_ledger(session: AsyncSession, lines: str, ledger_key: str) -> Reapplied:
    """Erase and withdraw again what a ledger export lists (after restoring a backup)."""
    entries = [json.loads(line) for line in lines.splitlines() if line.strip()]
    erased_at: dict[str, datetime] = {}
    for entry in entries:
        if entry["kind"] == LedgerKind.PERSON:
            at = datetime.fromisoformat(entry["at"])
            erased_at[entry["ref"]] = max(at, erased_at.get(entry["ref"], at))
    contribution_refs = {e["ref"] for e in entries if e["kind"] == LedgerKind.CONTRIBUTION}
    ledger = LedgerRepo(session)
    erased = 0
    for user_id, consented_at in list(await session.execute(select(User.id, User.consented_at))):
        at = erased_at.get(person_ref(user_id, ledger_key))
        # Someone who came back (consented again after the erasure) is a new start: kept.
        if at is not None and consented_at < at:
            await erase_person(session, user_id, ledger_key)
            erased += 1
    withdrawn = 0
    if contribution_refs:
        result = await session.execute(
            update(Contribution)
            .where(
                Contribution.public_id.in_(contribution_refs),
                Contribution.status == ContributionStatus.SUBMITTED,
            )
            .values(
                status=ContributionStatus.WITHDRAWN,
                withdrawn_at=utcnow(),
                in_focus=False,
                cursor=None,
            )
        )
        withdrawn = result.rowcount
    # The restored database's ledger gets back what it had lost (erasures above wrote theirs).
    known = await ledger.refs(LedgerKind.PERSON) | await ledger.refs(LedgerKind.CONTRIBUTION)
    for entry in entries:
        if entry["ref"] not in known:
            await ledger.add(entry["kind"], entry["ref"], datetime.fromisoformat(entry["at"]))
            known.add(entry["ref"])
    return Reapplied(erased, withdrawn)
