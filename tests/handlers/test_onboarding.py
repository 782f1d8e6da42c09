"""Onboarding through the production dispatcher: consent, profile, language, /profil."""

from __future__ import annotations

from bot.keyboards.callbacks import (
    ConsentCB,
    DepartmentCB,
    LanguageCB,
    ProfileCB,
    ProfileField,
    RoleCB,
    StructureTypeCB,
)
from storage.models import User
from tests.handlers.conftest import onboard
from tests.helpers import button_labels, has_button, joined, texts


async def test_start_shows_welcome_privacy_and_consent_when_person_is_new(app, db) -> None:
    sent = await app.person().send("/start")

    assert len(texts(sent)) == 2
    assert "Relais" in texts(sent)[0]
    notice = texts(sent)[1]
    for promise in ("/mesdonnees", "/oubli", "365 jours", "France Travail", "CNIL"):
        assert promise in notice
    assert button_labels(sent) == ["✅ J'accepte", "Pas maintenant"]
    assert await db.count(User) == 0


async def test_nothing_is_stored_when_person_declines_consent(app, db) -> None:
    person = app.person()
    await person.send("/start")
    sent = await person.click("Pas maintenant")

    assert "/start" in joined(sent)
    assert await db.count(User) == 0


async def test_profile_is_stored_when_person_completes_onboarding(app, db) -> None:
    person = app.person()
    await person.send("/start")
    sent = await person.click("J'accepte")  # Telegram's language: French, not asked
    assert button_labels(sent)[0] == "Association intermédiaire (AI)"
    await person.click("(AI)")
    await person.send("  AI   du Grésivaudan ")
    sent = await person.send("isère")
    assert "Isère (38), région Auvergne-Rhône-Alpes" in joined(sent)
    sent = await person.click("(CIP)")

    assert has_button(sent, "Contribuer")
    user = await db.user()
    assert (user.structure_type, user.structure_name) == ("ai", "AI du Grésivaudan")
    assert (user.department_code, user.region_code, user.role) == ("38", "84", "cip")
    assert user.language == "fr" and user.consented_at is not None


async def test_department_gets_suggestions_when_name_is_misspelled(app, db) -> None:
    person = app.person()
    await person.send("/start")
    await person.click_data(ConsentCB(accept=True).pack())
    await person.click_data(LanguageCB(code="fr").pack())
    await person.click_data(StructureTypeCB(key="ai").pack())
    await person.send("AI Bordeaux")

    sent = await person.send("Girond")
    assert "Girond" in joined(sent)
    assert button_labels(sent)[0] == "Gironde (33)"
    assert (await db.user()).department_code is None

    await person.click_data(DepartmentCB(code="33").pack())
    assert ((await db.user()).department_code, (await db.user()).region_code) == ("33", "75")


async def test_department_is_asked_again_when_input_is_unknown(app, db) -> None:
    person = app.person()
    await onboard_until_department(person)

    sent = await person.send("Atlantide")
    assert "974" in joined(sent)  # examples of what is accepted
    sent = await person.send("2a")
    assert "Corse-du-Sud (2A)" in joined(sent)
    assert (await db.user()).region_code == "94"


async def test_structure_name_is_refused_when_longer_than_limit(app, db) -> None:
    person = app.person()
    await person.send("/start")
    await person.click_data(ConsentCB(accept=True).pack())
    await person.click_data(LanguageCB(code="fr").pack())
    await person.click_data(StructureTypeCB(key="ai").pack())

    sent = await person.send("x" * 121)
    assert "121" in joined(sent) and "120" in joined(sent)
    assert (await db.user()).structure_name is None
    await person.send("AI Nord")
    assert (await db.user()).structure_name == "AI Nord"


async def test_role_other_asks_for_free_text_when_chosen(app, db) -> None:
    person = app.person()
    await onboard_until_department(person)
    await person.send("33")
    sent = await person.click_data(RoleCB(key="other").pack())
    assert "80" in joined(sent)
    sent = await person.send("Coordinatrice de parcours")

    user = await db.user()
    assert (user.role, user.role_other) == ("other", "Coordinatrice de parcours")
    assert has_button(sent, "Contribuer")


async def test_replies_switch_to_english_when_english_is_chosen(app, db) -> None:
    person = app.person()
    await onboard(person, language="en")
    sent = await person.send("/contribuer")

    assert texts(sent) == ["Choose a theme:"]
    assert (await db.user()).language == "en"


async def test_welcome_follows_telegram_language_when_person_is_new(app) -> None:
    sent = await app.person(language_code="en-GB").send("/start")
    assert button_labels(sent) == ["✅ I agree", "Not now"]


async def test_onboarding_resumes_from_database_when_bot_restarted(app, db, settings) -> None:
    person = app.person()
    await onboard_until_department(person)
    restarted = restart(app, settings)  # FSM memory is gone; the users row is not

    sent = await restarted.send("Gironde")
    assert "Gironde (33)" in joined(sent)
    assert (await db.user()).department_code == "33"


async def test_profile_command_changes_department_when_field_is_edited(member, db) -> None:
    sent = await member.send("/profil")
    assert "AI du Grésivaudan" in joined(sent) and "Isère (38)" in joined(sent)
    await member.click_data(ProfileCB(field=ProfileField.DEPARTMENT).pack())
    sent = await member.send("971")

    assert "Guadeloupe (971)" in joined(sent)
    assert "Votre profil" in joined(sent)  # back to the profile, not to onboarding
    user = await db.user()
    assert (user.department_code, user.region_code) == ("971", "01")


async def test_sticker_is_refused_when_a_profile_field_is_expected(app, db) -> None:
    person = app.person()
    await onboard_until_department(person)
    sent = await person.send_sticker()

    assert len(texts(sent)) == 1 and "texte" in texts(sent)[0]
    assert (await db.user()).department_code is None


async def test_second_consent_tap_changes_nothing_when_already_consented(app, db) -> None:
    person = app.person()
    await person.send("/start")
    first = await person.click_data(ConsentCB(accept=True).pack())
    second = await person.click_data(ConsentCB(accept=True).pack())

    assert len(texts(first)) == 1
    assert texts(second) == []
    assert await db.count(User) == 1


async def onboard_until_department(person) -> None:
    await person.send("/start")
    await person.click_data(ConsentCB(accept=True).pack())
    await person.click_data(LanguageCB(code="fr").pack())
    await person.click_data(StructureTypeCB(key="ai").pack())
    await person.send("AI Sud")


def restart(app, settings):
    """A new dispatcher (fresh FSM memory) on the same database and fake Telegram."""
    from bot.app import create_dispatcher

    dispatcher = create_dispatcher(settings, app.session_factory)
    return type(app.person())(dispatcher, app.bot, app.fake, user_id=1001)
