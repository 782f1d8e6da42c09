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

from storage.models import LedgerKind
from storage.repositories.contributions import ContributionRepo
from storage.repositories.erasures import LedgerRepo
from storage.repositories.outbox import OutboxRepo
from storage.repositories.people import PersonTraces, UserRepo
from storage.unit_of_work import UnitOfWork


def person_ref(user_id: int, key: str) -> str:
    """The ledger's name for a person: HMAC-SHA256 of their id under ERASURE_LEDGER_KEY, so
    that the ledger alone does not say who asked to be forgotten."""
    return hmac.new(key.encode(), str(int(user_id)).encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Reapplied:
    people: int
    contributions: int


class ErasureService:
    def __init__(self, session: UnitOfWork, ledger_key: str) -> None:
        self.ledger_key = ledger_key
        self.users = UserRepo(session)
        self.traces = PersonTraces(session)
        self.ledger = LedgerRepo(session)
        self.contributions = ContributionRepo(session)
        self.outbox = OutboxRepo(session)

    async def erase_person(self, user_id: int) -> bool:
        """Erase everything about one person (see the module docstring); False if unknown."""
        if await self.users.get(user_id) is None:
            return False
        await self.ledger.add(LedgerKind.PERSON, person_ref(user_id, self.ledger_key))
        await self.traces.remove(user_id)
        await self.users.delete(user_id)
        # Delivered digests kept no content already; those given up on (blocked...) lose it now.
        await self.outbox.strip_finished_packages()
        return True

    async def export_ledger(self) -> str:
        """The ledger as JSON lines: kind, ref, at. No personal data: keep it with, but outside,
        the database backups."""
        return "".join(
            json.dumps({"kind": e.kind, "ref": e.ref, "at": e.at.isoformat()}) + "\n"
            for e in await self.ledger.all()
        )

    async def apply_ledger(self, lines: str) -> Reapplied:
        """Erase and withdraw again what a ledger export lists (after restoring a backup)."""
        entries = [json.loads(line) for line in lines.splitlines() if line.strip()]
        erased_at: dict[str, datetime] = {}
        for entry in entries:
            if entry["kind"] == LedgerKind.PERSON:
                at = datetime.fromisoformat(entry["at"])
                erased_at[entry["ref"]] = max(at, erased_at.get(entry["ref"], at))
        contribution_refs = {e["ref"] for e in entries if e["kind"] == LedgerKind.CONTRIBUTION}
        erased = 0
        for user_id, consented_at in await self.users.consent_times():
            at = erased_at.get(person_ref(user_id, self.ledger_key))
            # Someone who came back (consented again after the erasure) is a new start: kept.
            if at is not None and consented_at < at:
                await self.erase_person(user_id)
                erased += 1
        withdrawn = await self.contributions.withdraw_submitted(contribution_refs)
        # The restored database's ledger gets back what it had lost (erasures above wrote theirs).
        known = await self.ledger.refs(LedgerKind.PERSON) | await self.ledger.refs(
            LedgerKind.CONTRIBUTION
        )
        for entry in entries:
            if entry["ref"] not in known:
                await self.ledger.add(
                    entry["kind"], entry["ref"], datetime.fromisoformat(entry["at"])
                )
                known.add(entry["ref"])
        return Reapplied(erased, withdrawn)
