"""Someone who has not accepted the privacy notice (no profile) and uses what needs one is told
the same as before the requirement was written once (handlers/profile_required.py): a command
or a menu button says how to start, /oubli that nothing is stored, a conversation's button has
expired. Nothing is stored for them, and nothing of the handler runs."""

from __future__ import annotations

import pytest
from aiogram.filters import Command
from aiogram.fsm.storage.base import StorageKey
from aiogram.methods import AnswerCallbackQuery
from sqlalchemy import delete

from bot.i18n import use_locale
from bot.keyboards.callbacks import (
    AnswerAction,
    AnswerCB,
    ConsentCB,
    DepartmentCB,
    ForgetCB,
    LanguageCB,
    MenuAction,
    MenuCB,
    MineAction,
    MineCB,
    NoticeCB,
    ProfileCB,
    ProfileField,
    ReviewAction,
    ReviewCB,
    RoleCB,
    StructureTypeCB,
    ThemeCB,
    VoiceChoiceCB,
)
from bot.services.profile import PRIVACY_VERSION
from bot.views import messages
from storage.models import Contribution, User
from tests.helpers import alerts, texts


def french(text_of) -> str:
    with use_locale("fr"):
        return text_of()


COMMANDS = ["/contribuer", "/profil", "/mescontributions", "/mesdonnees", "/rappels"]
MENU_BUTTONS = [
    MenuCB(action=MenuAction.CONTRIBUTE),
    MenuCB(action=MenuAction.MINE),
    MenuCB(action=MenuAction.PROFILE),
    MineCB(contribution_id=0, action=MineAction.LIST),
]
CONVERSATION_BUTTONS = [
    ThemeCB(key="entry"),
    *(AnswerCB(contribution_id=1, question="entry_outreach", action=a) for a in AnswerAction),
    *(ReviewCB(contribution_id=1, action=a, question="entry_outreach") for a in ReviewAction),
    *(
        MineCB(contribution_id=1, action=a, question="entry_outreach")
        for a in MineAction
        if a != MineAction.LIST
    ),
    *(ProfileCB(field=field) for field in ProfileField),
    LanguageCB(code="fr"),
    StructureTypeCB(key="ai"),
    RoleCB(key="cip"),
    DepartmentCB(code="38"),
    NoticeCB(version=PRIVACY_VERSION, accept=True),
    NoticeCB(version=PRIVACY_VERSION, accept=False),
    ForgetCB(confirm=True),
    ForgetCB(confirm=False),
    VoiceChoiceCB(keep=True),
    VoiceChoiceCB(keep=False),
]


@pytest.mark.parametrize("command", [*COMMANDS, "Une réponse"])
async def test_a_command_or_a_text_asks_to_start_when_there_is_no_profile(app, db, command) -> None:
    sent = await app.person().send(command)
    assert texts(sent) == [french(messages.consent_needed_text)]
    assert await db.count(User) == 0 and await db.count(Contribution) == 0


async def test_a_sticker_asks_to_start_when_there_is_no_profile(app, db) -> None:
    sent = await app.person().send_sticker()
    assert texts(sent) == [french(messages.consent_needed_text)]
    assert await db.count(User) == 0


async def test_forget_says_nothing_is_stored_when_there_is_no_profile(app, db) -> None:
    sent = await app.person().send("/oubli")
    assert texts(sent) == [french(messages.declined_text)]
    assert await db.count(User) == 0


@pytest.mark.parametrize("data", MENU_BUTTONS, ids=lambda d: d.pack())
async def test_a_menu_button_asks_to_start_like_its_command_when_there_is_no_profile(
    app, db, data
) -> None:
    sent = await app.person().click_data(data.pack())
    answers = [r for r in sent if isinstance(r, AnswerCallbackQuery)]
    assert len(answers) == 1 and not answers[0].text  # the tap is answered, without an alert
    assert texts(sent) == [french(messages.consent_needed_text)]
    assert await db.count(User) == 0


@pytest.mark.parametrize("data", CONVERSATION_BUTTONS, ids=lambda d: d.pack())
async def test_a_conversation_button_has_expired_when_there_is_no_profile(app, db, data) -> None:
    sent = await app.person().click_data(data.pack())
    assert alerts(sent) == [french(messages.button_expired)]
    assert texts(sent) == []
    assert await db.count(User) == 0


async def test_a_profile_field_typed_after_an_erasure_asks_to_start_and_leaves_the_form(
    app, db
) -> None:
    """The conversation state outlived the person's row (erased by the retention job, which
    cannot reach it): the text is not stored, and the form is left."""
    person = app.person()
    await person.send("/start")
    await person.click_data(ConsentCB(accept=True).pack())
    await person.click_data(LanguageCB(code="fr").pack())
    await person.click_data(StructureTypeCB(key="ai").pack())  # now asked the structure's name
    async with db.session_factory() as session:
        await session.execute(delete(User))
        await session.commit()

    sent = await person.send("AI du Grésivaudan")
    assert texts(sent) == [french(messages.consent_needed_text)]
    key = StorageKey(bot_id=app.bot.id, chat_id=person.chat.id, user_id=person.user.id)
    assert await app.dispatcher.storage.get_state(key) is None
    assert await db.count(User) == 0


def test_every_handler_has_flags_of_its_own(app) -> None:
    """aiogram's filters write into a handler's flags (a command adds itself to "commands"): a
    flags dict shared by two handlers would give each the other's commands."""
    for router in app.dispatcher.sub_routers:
        for observer in router.observers.values():
            for handler in observer.handlers:
                own = [f.callback for f in handler.filters if isinstance(f.callback, Command)]
                assert handler.flags.get("commands", []) == own, handler.callback
