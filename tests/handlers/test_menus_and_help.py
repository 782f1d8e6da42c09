"""Each person finds their commands: the Telegram menus per role (read back from the recording
fake Bot API), /aide per role, refusals that say which role is missing, the bot's descriptions,
and organisers shown by their Telegram name, never by id (issue 13, §1 and §4)."""

from __future__ import annotations

import argparse
import json

from aiogram.methods import DeleteMyCommands, SetMyCommands

from bot.app import set_bot_commands
from bot.cli import grant as grant_command
from bot.keyboards.callbacks import ConsentCB, LanguageCB, OrganiserAction, OrganiserCB
from bot.services.roles import Role, RoleService
from bot.views.menus import ADMIN_COMMANDS, FIELD_COMMANDS, ORGANISER_COMMANDS
from storage.models import User
from tests.conftest import ADMIN_ID
from tests.handlers.conftest import onboard
from tests.helpers import alerts, button_labels, documents, joined, texts
from tests.seed import Person, add_people

FIELD = list(FIELD_COMMANDS)
ORGANISER = FIELD + list(ORGANISER_COMMANDS)
ADMIN = ORGANISER + list(ADMIN_COMMANDS)


async def invite_token(app) -> str:
    sent = await app.person(ADMIN_ID).send("/inviter")
    link = next(w for w in texts(sent)[0].split() if w.startswith("https://t.me/"))
    return link.split("start=")[1]


async def new_organiser(app, user_id: int = 2002, language: str = "fr", **driver):
    """A new person opens an invitation, accepts the notice and picks a language."""
    token = await invite_token(app)
    person = app.person(user_id, first_name="Camille", username="camille_r", **driver)
    before = await person.send(f"/start {token}")
    accepted = await person.click_data(ConsentCB(accept=True, invite=token).pack())
    await person.click_data(LanguageCB(code=language).pack())
    return person, before, accepted


def descriptions(app, chat_id: int | None = None, language: str | None = "fr") -> dict:
    """What the menu of a private chat shows, command -> description."""
    key = ("chat", chat_id, None) if chat_id else ("all_private_chats", None, language)
    return {c.command: c.description for c in app.fake.menus[key]}


# --- The menus ----------------------------------------------------------------------------------


async def test_default_menu_is_field_staffs_in_french_and_english_when_the_bot_starts(
    app, settings
) -> None:
    await set_bot_commands(app.bot, session_factory=app.session_factory, settings=settings)

    assert app.fake.menu(language_code="fr") == app.fake.menu(language_code="en") == FIELD
    assert app.fake.menu() == FIELD  # a Telegram in another language: the default, in French
    assert descriptions(app, language=None) == descriptions(app, language="fr")
    assert descriptions(app, language="fr")["oubli"] == "Effacer toutes mes données"
    assert descriptions(app, language="en")["oubli"] == "Erase all my data"
    assert ("default", None, None) not in app.fake.menus  # groups get no menu


async def test_descriptions_are_set_in_both_languages_when_the_bot_starts(app) -> None:
    await set_bot_commands(app.bot)

    assert set(app.fake.descriptions) == set(app.fake.short_descriptions) == {None, "fr", "en"}
    assert app.fake.descriptions[None] == app.fake.descriptions["fr"]
    assert "feuille de route de l'IAE" in app.fake.descriptions["fr"]
    assert "rien n'est enregistré avant que vous l'acceptiez" in app.fake.descriptions["fr"]
    assert "IAE roadmap" in app.fake.descriptions["en"]
    assert all(len(text) <= 512 for text in app.fake.descriptions.values())
    assert all(len(text) <= 120 for text in app.fake.short_descriptions.values())
    assert app.fake.short_descriptions["fr"].startswith("Contribuez depuis le terrain")


async def test_organiser_gets_their_own_menu_when_they_accept_an_invitation(app) -> None:
    await new_organiser(app)

    assert app.fake.menu(2002, "fr") == ORGANISER
    assert descriptions(app, 2002)["digest"] == "La synthèse depuis la précédente, tout de suite"
    assert app.fake.menu(1001, "fr") == []  # nobody else's chat has a scope of its own


async def test_organiser_menu_follows_the_language_they_choose(app) -> None:
    await new_organiser(app, language="en")

    assert descriptions(app, 2002)["export"] == "Download contributions (XLSX or CSV)"


async def test_existing_person_gets_the_organiser_menu_when_they_open_an_invitation(
    app, member
) -> None:
    token = await invite_token(app)
    sent = await member.send(f"/start {token}")

    assert "Vous faites maintenant partie des organisateurs" in joined(sent)
    assert app.fake.menu(1001, "fr") == ORGANISER


async def test_chat_scope_is_deleted_when_the_organiser_is_revoked(app, db) -> None:
    await new_organiser(app)
    admin = app.person(ADMIN_ID)
    await admin.click_data(OrganiserCB(action=OrganiserAction.ASK_REVOKE, user_id=2002).pack())
    sent = await admin.click_data(OrganiserCB(action=OrganiserAction.REVOKE, user_id=2002).pack())

    assert [r.scope.chat_id for r in sent if isinstance(r, DeleteMyCommands)] == [2002]
    assert ("chat", 2002, None) not in app.fake.menus
    assert (await db.user(2002)).display_name is None  # no role, no name kept


async def test_revoke_tapped_twice_revokes_once_and_says_the_button_expired(app) -> None:
    await new_organiser(app)
    admin = app.person(ADMIN_ID)
    revoke = OrganiserCB(action=OrganiserAction.REVOKE, user_id=2002).pack()
    await admin.click_data(revoke)
    sent = await admin.click_data(revoke)

    assert "expiré" in alerts(sent)[0]
    assert not [r for r in sent if isinstance(r, DeleteMyCommands | SetMyCommands)]


async def test_revoked_organiser_who_is_also_an_admin_keeps_the_admin_menu(app, settings) -> None:
    await new_organiser(app)
    async with app.session_factory() as session, session.begin():
        await RoleService(session, settings).grant(None, 2002, Role.ADMIN)
    admin = app.person(ADMIN_ID)
    await admin.click_data(OrganiserCB(action=OrganiserAction.REVOKE, user_id=2002).pack())

    assert app.fake.menu(2002, "fr") == ADMIN


async def test_admins_and_organisers_get_their_menus_when_the_bot_starts(app, settings) -> None:
    async with app.session_factory() as session, session.begin():
        await add_people(
            session,
            [Person(3003, organiser=True), Person(3004, language="en"), Person(3005)],
        )
        await RoleService(session, settings).grant(None, 3004, Role.ADMIN)
    await set_bot_commands(app.bot, session_factory=app.session_factory, settings=settings)

    assert app.fake.menu(ADMIN_ID, "fr") == ADMIN  # ADMIN_IDS, before they ever wrote
    assert (
        descriptions(app, ADMIN_ID)["reunions"]
        == "Prévoir, modifier ou annuler les réunions régionales"
    )
    assert app.fake.menu(3003, "fr") == ORGANISER
    assert app.fake.menu(3004, "fr") == ADMIN
    assert descriptions(app, 3004)["diffuser"] == "Send a message to the people registered"
    assert ("chat", 3005, None) not in app.fake.menus


async def test_start_goes_on_when_telegram_refuses_one_chats_menu(app, settings) -> None:
    async with app.session_factory() as session, session.begin():
        await add_people(session, [Person(3003, organiser=True)])
    app.fake.rejecting_chats.add(ADMIN_ID)  # "chat not found": they never opened the bot
    await set_bot_commands(app.bot, session_factory=app.session_factory, settings=settings)

    assert ("chat", ADMIN_ID, None) not in app.fake.menus
    assert app.fake.menu(3003, "fr") == ORGANISER


async def test_admin_consenting_gets_the_admin_menu_in_their_language(app, db) -> None:
    admin = app.person(ADMIN_ID, first_name="Dominique", username="dom", language_code="en")
    await admin.send("/start")
    await admin.click_data(ConsentCB(accept=True).pack())

    assert app.fake.menu(ADMIN_ID, "en") == ADMIN
    assert descriptions(app, ADMIN_ID)["inviter"] == "Create a one-time organiser invitation link"
    user = await db.user(ADMIN_ID)
    # An admin is listed nowhere and was not told at an invitation: no name is kept.
    assert (user.display_name, user.username) == (None, None)


async def test_forgetting_deletes_the_organisers_chat_menu(app, db) -> None:
    organiser, _, _ = await new_organiser(app)
    await organiser.send("/oubli")
    sent = await organiser.click("Oui, tout effacer")

    assert [r.scope.chat_id for r in sent if isinstance(r, DeleteMyCommands)] == [2002]
    assert app.fake.menu(2002, "fr") == []
    assert await db.user(2002) is None


async def test_grant_from_the_console_says_when_the_menu_follows(app, settings, capsys) -> None:
    async with app.session_factory() as session, session.begin():
        await add_people(session, [Person(3003)])
    args = argparse.Namespace(organiser=3003, admin=None, remove=False)
    assert await grant_command.run(settings, args) == 0  # no BOT_TOKEN in the tests

    assert "command menu follows at the bot's next start" in capsys.readouterr().out


# --- /aide --------------------------------------------------------------------------------------


async def test_help_lists_field_staffs_commands_only_when_a_member_asks(member) -> None:
    help_text = joined(await member.send("/aide"))

    assert "/contribuer\u00a0: répondre aux questions d'un thème" in help_text
    assert "/oubli" in help_text and "/rappels" in help_text
    assert "/digest" not in help_text and "/inviter" not in help_text
    assert "Organisateurs" not in help_text  # one group: no headings


async def test_help_adds_the_organiser_commands_when_an_organiser_asks(app) -> None:
    organiser, _, _ = await new_organiser(app)
    help_text = joined(await organiser.send("/aide"))

    assert "<b>Professionnels du terrain</b>" in help_text and "<b>Organisateurs</b>" in help_text
    assert "/digest" in help_text and "/export" in help_text and "/abonnement" in help_text
    assert "/inviter" not in help_text and "/reunions" not in help_text


async def test_help_lists_every_group_when_an_admin_asks_even_before_consent(app) -> None:
    help_text = joined(await app.person(ADMIN_ID).send("/aide"))

    assert "<b>Administrateurs</b>" in help_text
    for command in ("/reunions", "/diffuser", "/inviter", "/organisateurs", "/digest"):
        assert command in help_text
    assert (
        help_text.index("/contribuer") < help_text.index("/digest") < help_text.index("/reunions")
    )


async def test_help_is_in_english_when_the_person_chose_english(app) -> None:
    person = app.person()
    await onboard(person, language="en")
    help_text = joined(await person.send("/aide"))

    assert "<b>Relais: your commands</b>" in help_text
    assert "/mesdonnees: download my data" in help_text


# --- Refusals -----------------------------------------------------------------------------------


async def test_organiser_typing_an_admin_command_is_told_it_is_for_administrators(app) -> None:
    organiser, _, _ = await new_organiser(app)
    for command in ("/inviter", "/organisateurs", "/reunions", "/diffuser"):
        sent = await organiser.send(command)
        assert "réservé aux administrateurs" in joined(sent), command
        assert "/aide" in joined(sent)


async def test_member_typing_an_organiser_command_is_told_it_is_for_organisers(member) -> None:
    sent = await member.send("/digest")
    assert "réservé aux organisateurs" in joined(sent)


async def test_member_forging_a_revoke_button_is_told_it_is_for_administrators(member) -> None:
    sent = await member.click_data(
        OrganiserCB(action=OrganiserAction.REVOKE, user_id=ADMIN_ID).pack()
    )
    assert "réservé aux administrateurs" in alerts(sent)[0]


# --- Organisers shown by a name -----------------------------------------------------------------


async def test_invitation_says_the_name_is_shown_to_admins_before_and_after_consent(app) -> None:
    _, before, accepted = await new_organiser(app)
    sentence = "votre prénom Telegram et votre @nom d'utilisateur seront conservés et montrés"

    assert sentence in joined(before)  # with the notice, before they accept it
    assert sentence in joined(accepted)


async def test_organisers_list_shows_names_and_never_the_telegram_id(app, db) -> None:
    await new_organiser(app)
    sent = await app.person(ADMIN_ID).send("/organisateurs")

    assert "• Camille (@camille_r)" in joined(sent)
    assert "2002" not in joined(sent)
    assert button_labels(sent) == ["Retirer Camille (@camille_r)"]
    user = await db.user(2002)
    assert (user.display_name, user.username) == ("Camille", "camille_r")


async def test_revoke_confirmation_names_the_organiser_and_their_structure(app, member) -> None:
    token = await invite_token(app)
    await member.send(f"/start {token}")  # member: "AI du Grésivaudan", no @username
    admin = app.person(ADMIN_ID)
    sent = await admin.click_data(
        OrganiserCB(action=OrganiserAction.ASK_REVOKE, user_id=1001).pack()
    )
    assert "Retirer Camille · AI du Grésivaudan ?" in joined(sent).replace("\u202f", " ")
    sent = await admin.click_data(OrganiserCB(action=OrganiserAction.REVOKE, user_id=1001).pack())
    assert "Camille · AI du Grésivaudan" in joined(sent) and "1001" not in joined(sent)


async def test_organiser_without_a_name_is_shown_by_number_when_listed(app, db) -> None:
    async with app.session_factory() as session, session.begin():
        await add_people(session, [Person(3003, organiser=True), Person(3004, organiser=True)])
    sent = await app.person(ADMIN_ID).send("/organisateurs")

    # (the seeded structures are called "Structure 3003"...)
    assert "• organisateur n°\u00a01 · Structure 3003" in joined(sent)
    assert button_labels(sent) == [
        "Retirer organisateur n°\u00a01",
        "Retirer organisateur n°\u00a02",
    ]


async def test_organisers_name_is_refreshed_when_they_use_an_organiser_command(app, db) -> None:
    organiser, _, _ = await new_organiser(app)
    organiser.first_name, organiser.username = "Camille-Rose", None
    await organiser.send("/abonnement")

    user = await db.user(2002)
    assert (user.display_name, user.username) == ("Camille-Rose", None)


async def test_field_staffs_name_is_never_stored(member, db) -> None:
    member.username = "camille_field"
    await member.send("/digest")  # refused
    await member.send("/aide")

    user = await db.user()
    assert (user.display_name, user.username) == (None, None)


async def test_my_data_export_holds_the_telegram_name_when_an_organiser_asks(app) -> None:
    organiser, _, _ = await new_organiser(app)
    sent = await organiser.send("/mesdonnees")

    data = json.loads(documents(sent)[0].document.data)
    assert data["profile"]["telegram_first_name"] == "Camille"
    assert data["profile"]["telegram_username"] == "camille_r"
    assert "telegram_first_name" in data["about"]["fields"]


async def test_an_unknown_command_answers_with_this_persons_commands(app, member) -> None:
    organiser, _, _ = await new_organiser(app)
    from_organiser = joined(await organiser.send("/nimportequoi"))
    from_member = joined(await member.send("/nimportequoi"))
    assert "/digest" in from_organiser and "/contribuer" in from_organiser
    assert "/digest" not in from_member and "/contribuer" in from_member


async def test_a_menu_left_from_a_role_lost_offline_is_removed_at_the_next_start(
    app, db, settings
) -> None:
    await new_organiser(app)
    assert app.fake.menu(2002, "fr") != FIELD
    async with app.session_factory() as session, session.begin():
        user = await session.get(User, 2002)
        user.is_organiser = False  # revoked from a console that could not reach Telegram
    assert app.fake.menu(2002, "fr") != FIELD  # the organiser's menu is still there

    await set_bot_commands(app.bot, "fr", session_factory=app.session_factory, settings=settings)

    assert app.fake.menu(2002, "fr") == FIELD  # everyone's again
    assert (await db.user(2002)).chat_menu is None
