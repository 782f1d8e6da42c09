"""A new privacy notice is accepted before anything else is stored; role removal from the console
takes the digest settings with it and is audited as the console. Both engines."""

from __future__ import annotations

import argparse

from sqlalchemy import select

from bot.cli import digest as digest_command
from bot.cli import grant as grant_command
from bot.keyboards.callbacks import NoticeCB, ThemeCB
from bot.services.profile import PRIVACY_VERSION
from storage.models import AuditEntry, Contribution, DigestSubscription, User
from tests.handlers.test_organiser import become_organiser
from tests.helpers import joined


async def set_version(db, version: int, user_id: int = 1001) -> None:
    async with db.session_factory() as session, session.begin():
        (await session.get(User, user_id)).privacy_version = version


async def test_person_on_an_older_notice_is_asked_again_and_nothing_is_stored_meanwhile(
    member, db
) -> None:
    await set_version(db, PRIVACY_VERSION - 1)
    sent = await member.send("/contribuer")
    assert "La notice de confidentialité a changé" in joined(sent)
    assert "Responsable du traitement" in joined(sent)
    sent = await member.click_data(ThemeCB(key="pathway").pack())  # a button, forged or old
    assert "La notice de confidentialité a changé" in joined(sent)
    assert await db.count(Contribution) == 0

    sent = await member.send("/mesdonnees")  # access still works
    assert [r for r in sent if type(r).__name__ == "SendDocument"]
    sent = await member.click_data(NoticeCB(version=PRIVACY_VERSION, accept=False).pack())
    assert "rien de nouveau ne sera conservé" in joined(sent)
    assert (await db.user()).privacy_version == PRIVACY_VERSION - 1

    sent = await member.click_data(NoticeCB(version=PRIVACY_VERSION, accept=True).pack())
    assert "la nouvelle notice est acceptée" in joined(sent)
    assert (await db.user()).privacy_version == PRIVACY_VERSION
    sent = await member.send("/contribuer")
    assert "La notice de confidentialité a changé" not in joined(sent)


async def test_an_old_notice_button_changes_nothing_when_the_version_moved_on(member, db) -> None:
    await set_version(db, PRIVACY_VERSION - 1)
    sent = await member.click_data(NoticeCB(version=PRIVACY_VERSION - 1, accept=True).pack())
    assert (await db.user()).privacy_version == PRIVACY_VERSION - 1
    assert sent  # an alert, not silence


async def test_erasure_still_works_for_someone_who_has_not_accepted_the_new_notice(
    member, db
) -> None:
    await set_version(db, PRIVACY_VERSION - 1)
    sent = await member.send("/oubli")
    assert "La notice de confidentialité a changé" not in joined(sent)
    await member.click("Oui, tout effacer")
    assert await db.user() is None


async def test_notice_names_the_controller_from_the_settings(app, settings) -> None:
    person = app.person(3003)
    sent = await person.send("/start")
    assert "[valeur d’exemple\u00a0: renseignez PRIVACY_CONTROLLER]" in joined(sent)
    assert "CNIL" in joined(sent) and "hors de l’Union européenne" in joined(sent)


async def test_grant_remove_drops_the_digest_subscription_and_is_audited_as_console(
    app, db, settings
) -> None:
    await become_organiser(app)
    args = argparse.Namespace(organiser=2002, admin=None, remove=True)
    assert await grant_command.run(settings, args) == 0
    async with db.session_factory() as session:
        assert await session.get(DigestSubscription, 2002) is None
        entry = (
            await session.scalars(
                select(AuditEntry).where(AuditEntry.action == "organiser_revoked")
            )
        ).one()
    assert (entry.actor, entry.actor_id, entry.subject_id) == ("console", None, 2002)
    assert not (await db.user(2002)).is_organiser


async def test_digest_preview_lists_the_people_the_scheduler_would_send_to(
    app, db, settings, capsys
) -> None:
    from bot.services.roles import Role, RoleService
    from tests.seed import Person, add_people

    await become_organiser(app)
    async with db.session_factory() as session, session.begin():
        await add_people(session, [Person(3003), Person(3004, organiser=True)])
        roles = RoleService(session, settings)
        await roles.grant(None, 3003, Role.ADMIN)  # an admin gets digests too
        (await session.get(User, 3004)).privacy_version = PRIVACY_VERSION - 1  # not yet
    args = argparse.Namespace(preview=True, organiser=None)
    assert await digest_command.run(settings, args) == 0
    out = capsys.readouterr().out
    assert "organiser 2002" in out and "organiser 3003" in out
    assert "organiser 3004" not in out  # on an older notice: the scheduler skips them too
