"""A command typed where a form waits for text is never stored as data: it runs (or leaves the
form), whatever the form. Both engines, through the dispatcher."""

from __future__ import annotations

import pytest

from bot.keyboards.callbacks import ConsentCB, LanguageCB, StructureTypeCB
from storage.models import Broadcast
from tests.conftest import ADMIN_ID
from tests.handlers.test_meetings import in_days, meetings
from tests.handlers.test_onboarding import onboard_until_department
from tests.helpers import joined


async def at_structure_name(person) -> None:
    await person.send("/start")
    await person.click_data(ConsentCB(accept=True).pack())
    await person.click_data(LanguageCB(code="fr").pack())
    await person.click_data(StructureTypeCB(key="ai").pack())


async def test_help_typed_for_the_structure_name_shows_help_and_stores_nothing(app, db) -> None:
    person = app.person()
    await at_structure_name(person)
    sent = await person.send("/aide")
    assert "/contribuer" in joined(sent)  # the help
    assert "formulaire est toujours ouvert" in joined(sent)
    assert (await db.user()).structure_name is None
    await person.send("AI du Grésivaudan")
    assert (await db.user()).structure_name == "AI du Grésivaudan"


@pytest.mark.parametrize("command", ["/aide", "/oubli", "/contribuer", "/nimporte"])
async def test_a_command_at_the_department_step_is_not_read_as_a_department(
    app, db, command
) -> None:
    person = app.person()
    await onboard_until_department(person)
    sent = await person.send(command)
    assert "formulaire est toujours ouvert" in joined(sent) or command == "/oubli"
    assert "introuvable" not in joined(sent) and "pas trouvé" not in joined(sent)
    assert (await db.user()).department_code is None
    await person.send("38")
    assert (await db.user()).department_code == "38"


async def test_oubli_in_the_middle_of_the_profile_still_erases(app, db) -> None:
    person = app.person()
    await onboard_until_department(person)
    await person.send("/oubli")
    await person.click("Oui, tout effacer")
    assert await db.user() is None


async def test_annuler_during_onboarding_says_the_profile_is_needed_and_stores_nothing(
    app, db
) -> None:
    person = app.person()
    await at_structure_name(person)
    sent = await person.send("/annuler")
    assert "Votre profil est nécessaire" in joined(sent)
    assert (await db.user()).structure_name is None


async def test_annuler_leaves_the_edit_of_a_profile_field_and_the_next_text_is_not_it(
    member, db
) -> None:
    await member.send("/profil")
    await member.click("Nom de la structure")
    sent = await member.send("/annuler")
    assert "Vous avez quitté le formulaire" in joined(sent)
    await member.send("bonjour, merci")
    assert (await db.user()).structure_name == "AI du Grésivaudan"


@pytest.mark.parametrize("typed", ["/Annuler", "/ANNULER", "/annuler@relais_sandbox_bot"])
async def test_any_spelling_of_annuler_leaves_the_meeting_form(app, typed) -> None:
    admin = app.person(ADMIN_ID)
    await admin.send("/reunions")
    await admin.click("Ajouter une réunion")
    await admin.send(in_days(20)[0])
    sent = await admin.send(typed)
    assert "Ville de la réunion" not in joined(sent)
    await admin.send("Grenoble")
    assert await meetings(app) == []


async def test_a_broadcast_may_start_with_a_slash_when_it_is_not_a_command(app, db) -> None:
    admin = app.person(ADMIN_ID)
    await admin.send("/diffuser")
    await admin.send("/!\\ Réunion annulée demain")
    assert await db.count(Broadcast) == 1


async def test_admin_help_does_not_become_a_meetings_city(app) -> None:
    admin = app.person(ADMIN_ID)
    await admin.send("/reunions")
    await admin.click("Ajouter une réunion")
    typed, _ = in_days(20)
    await admin.send(typed)
    sent = await admin.send("/aide")
    assert "formulaire est toujours ouvert" in joined(sent)
    sent = await admin.send("Grenoble")
    assert "Cochez les régions" in joined(sent)  # the form went on to the next field
    assert all(m.city != "/aide" for m in await meetings(app))


async def test_admin_help_does_not_become_the_body_of_a_broadcast(app, db) -> None:
    admin = app.person(ADMIN_ID)
    await admin.send("/diffuser")
    sent = await admin.send("/aide")
    assert "formulaire est toujours ouvert" in joined(sent)
    assert await db.count(Broadcast) == 0
    await admin.send("Réunion à Grenoble")
    assert await db.count(Broadcast) == 1
