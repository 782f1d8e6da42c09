"""Flows people expect (issue 13, §4): a theme already contributed, discarding a draft, keeping
an answer, /rappels, voice notes acknowledged, the language preselected, no dead end."""

from __future__ import annotations

from aiogram.methods import EditMessageText, SendMessage

from bot.i18n import use_locale
from bot.keyboards.callbacks import (
    AnswerAction,
    AnswerCB,
    ConsentCB,
    LanguageCB,
    MenuAction,
    MenuCB,
    MineAction,
    MineCB,
    ProfileCB,
    ProfileField,
    ReviewAction,
    ReviewCB,
    StructureTypeCB,
    ThemeCB,
)
from bot.views.messages import voice_duration
from storage.models import Answer, Contribution, User
from tests.handlers.conftest import onboard
from tests.handlers.test_contribute import EXPIRED, answer_theme_one, current, start_theme
from tests.helpers import alerts, button_labels, has_button, joined, texts

NBSP = "\u00a0"


def review_cb(contribution_id: int, action: ReviewAction) -> str:
    return ReviewCB(contribution_id=contribution_id, action=action).pack()


async def submitted(member, db) -> Contribution:
    contribution = await answer_theme_one(member, db)
    await member.click("Envoyer ma contribution")
    return contribution


# --- A theme already contributed (✓) ----------------------------------------------------------


async def test_a_contributed_theme_asks_before_starting_another_one(member, db) -> None:
    first = await submitted(member, db)
    sent = await member.send("/contribuer")
    assert button_labels(sent)[0].endswith("✓")

    sent = await member.click_data(ThemeCB(key="entry").pack())
    assert "déjà contribué sur le thème 1" in joined(sent)
    assert button_labels(sent) == ["➕ En commencer une autre", "🏠 Retour au menu"]
    assert len(await db.contributions()) == 1  # nothing started silently

    sent = await member.click("En commencer une autre")
    assert "Thème 1 · Question 1/5" in joined(sent)
    contributions = await db.contributions()
    assert [c.status for c in contributions] == ["submitted", "draft"]
    assert contributions[0].id == first.id


async def test_start_another_tapped_twice_starts_one_draft(member, db) -> None:
    first = await submitted(member, db)
    another = review_cb(first.id, ReviewAction.ANOTHER)
    await member.click_data(another)
    sent = await member.click_data(another)  # resumes the draft the first tap started
    assert "Question 1/5" in joined(sent)
    assert [c.status for c in await db.contributions()] == ["submitted", "draft"]


async def test_back_to_the_menu_from_a_contributed_theme_starts_nothing(member, db) -> None:
    await submitted(member, db)
    await member.send("/contribuer")
    await member.click_data(ThemeCB(key="entry").pack())
    sent = await member.click("Retour au menu")
    assert has_button(sent, "Contribuer")
    assert len(await db.contributions()) == 1


async def test_start_another_is_refused_when_forged_or_not_a_submitted_contribution(
    app, member, db
) -> None:
    sent = await member.click_data(review_cb(999, ReviewAction.ANOTHER))
    assert EXPIRED in alerts(sent)[0]
    await start_theme(member)
    draft = await current(db)
    sent = await member.click_data(review_cb(draft.id, ReviewAction.ANOTHER))
    assert EXPIRED in alerts(sent)[0]

    mine = await submitted_of_other_person(app, db)
    sent = await member.click_data(review_cb(mine.id, ReviewAction.ANOTHER))
    assert EXPIRED in alerts(sent)[0]
    assert len(await db.contributions()) == 1


async def submitted_of_other_person(app, db) -> Contribution:
    other = app.person(user_id=1002)
    await onboard(other)
    await start_theme(other)
    async with db.session_factory() as session, session.begin():
        theirs = (await db.contributions(1002))[-1]
        (await session.get(Contribution, theirs.id)).status = "submitted"
    return theirs


# --- Discarding a draft ------------------------------------------------------------------------


async def test_an_empty_draft_is_discarded_after_confirmation(member, db) -> None:
    await start_theme(member)  # a draft, nothing answered
    await member.click("Pause")
    sent = await member.send("/contribuer")
    assert "🗑 Supprimer le brouillon du thème 1" in button_labels(sent)

    sent = await member.click("Supprimer le brouillon du thème 1")
    assert "Supprimer votre brouillon du thème 1" in joined(sent)
    assert "aucune réponse" in joined(sent)
    assert len(await db.contributions()) == 1  # asked first

    sent = await member.click("Oui, le supprimer")
    assert "Brouillon supprimé" in joined(sent)
    assert await db.contributions() == []
    assert not any("Supprimer le brouillon" in label for label in button_labels(sent))


async def test_a_draft_with_answers_is_discarded_with_its_answers(member, db) -> None:
    await start_theme(member)
    await member.send("Les transports")
    draft = await current(db)
    sent = await member.click_data(review_cb(draft.id, ReviewAction.ASK_DISCARD))
    assert "1 réponse sera effacée" in joined(sent)
    await member.click_data(review_cb(draft.id, ReviewAction.DISCARD))

    assert await db.contributions() == [] and await db.count(Answer) == 0
    sent = await member.send("Un texte après la suppression")  # nothing in focus any more
    assert await db.count(Answer) == 0 and has_button(sent, "Contribuer")
    sent = await member.click_data(ThemeCB(key="entry").pack())  # a fresh start is possible
    assert "Question 1/5" in joined(sent)


async def test_keeping_the_draft_changes_nothing(member, db) -> None:
    await start_theme(member)
    draft = await current(db)
    await member.click_data(review_cb(draft.id, ReviewAction.ASK_DISCARD))
    sent = await member.click("Non, garder mon brouillon")
    assert "Choisissez un thème" in joined(sent)
    assert [c.id for c in await db.contributions()] == [draft.id]


async def test_discard_tapped_twice_or_forged_deletes_once_and_only_drafts(app, member, db) -> None:
    await start_theme(member)
    draft = await current(db)
    first = await member.click_data(review_cb(draft.id, ReviewAction.DISCARD))
    second = await member.click_data(review_cb(draft.id, ReviewAction.DISCARD))
    assert "Brouillon supprimé" in joined(first)
    assert texts(second) == [] and EXPIRED in alerts(second)[0]
    sent = await member.click_data(review_cb(draft.id, ReviewAction.ASK_DISCARD))
    assert EXPIRED in alerts(sent)[0]

    done = await submitted(member, db)  # a submitted contribution is never discarded
    for action in (ReviewAction.ASK_DISCARD, ReviewAction.DISCARD):
        sent = await member.click_data(review_cb(done.id, action))
        assert EXPIRED in alerts(sent)[0]
    other = app.person(user_id=1002)
    await onboard(other)
    await start_theme(other)
    theirs = (await db.contributions(1002))[-1]
    sent = await member.click_data(review_cb(theirs.id, ReviewAction.DISCARD))
    assert EXPIRED in alerts(sent)[0]
    assert [c.status for c in await db.contributions()] == ["submitted"]
    assert len(await db.contributions(1002)) == 1


# --- Keeping the current answer ----------------------------------------------------------------


async def test_a_text_answer_edited_from_the_review_can_be_kept_as_it_is(member, db) -> None:
    contribution = await answer_theme_one(member, db)
    sent = await member.click_data(
        ReviewCB(
            contribution_id=contribution.id, action=ReviewAction.CHANGE, question="entry_barriers"
        ).pack()
    )
    assert "↩️ Garder ma réponse actuelle" in button_labels(sent)

    sent = await member.click("Garder ma réponse actuelle")
    edits = [r for r in sent if isinstance(r, EditMessageText)]
    assert edits and "Les horaires des transports" in edits[0].text  # the recap, unchanged
    assert "Relecture" in joined(sent) and has_button(sent, "Envoyer ma contribution")
    answers = await db.answers(contribution.id, current_only=False)
    assert len(answers) == 5  # no new revision
    assert (await current(db)).cursor == "@review"


async def test_keep_is_refused_when_stale_forged_or_nothing_to_keep(member, db) -> None:
    contribution = await answer_theme_one(member, db)
    keep = AnswerCB(
        contribution_id=contribution.id, question="entry_barriers", action=AnswerAction.KEEP
    ).pack()
    sent = await member.click_data(keep)  # on the review: this question is not asked
    assert EXPIRED in alerts(sent)[0]

    await member.click_data(
        ReviewCB(
            contribution_id=contribution.id, action=ReviewAction.CHANGE, question="entry_barriers"
        ).pack()
    )
    first = await member.click_data(keep)
    second = await member.click_data(keep)  # a double tap
    assert "Relecture" in joined(first)
    assert texts(second) == [] and EXPIRED in alerts(second)[0]
    assert len(await db.answers(contribution.id, current_only=False)) == 5


async def test_keep_is_not_offered_nor_accepted_for_an_unanswered_question(member, db) -> None:
    sent = await start_theme(member)
    assert not has_button(sent, "Garder ma réponse")
    draft = await current(db)
    sent = await member.click_data(
        AnswerCB(
            contribution_id=draft.id, question="entry_barriers", action=AnswerAction.KEEP
        ).pack()
    )
    assert EXPIRED in alerts(sent)[0]
    assert (await current(db)).cursor == "entry_barriers"


# --- /rappels ----------------------------------------------------------------------------------


async def test_reminders_show_their_state_and_change_only_when_a_button_is_tapped(
    member, db
) -> None:
    sent = await member.send("/rappels")
    assert "rappels de réunion sont <b>activés</b>" in joined(sent)
    assert button_labels(sent) == ["● 🔔 Activés", "🔕 Désactivés"]
    assert (await db.user()).reminders_muted is False  # showing changes nothing

    sent = await member.click("Désactivés")
    assert (await db.user()).reminders_muted is True
    edits = [r for r in sent if isinstance(r, EditMessageText)]
    assert edits and "<b>désactivés</b>" in edits[0].text

    sent = await member.send("/rappels")
    assert "<b>désactivés</b>" in joined(sent)
    assert button_labels(sent) == ["🔔 Activés", "● 🔕 Désactivés"]
    await member.click("Activés")
    assert (await db.user()).reminders_muted is False


async def test_reminder_buttons_tapped_twice_or_from_old_messages_say_nothing_changes(
    app, member, db
) -> None:
    off = ProfileCB(field=ProfileField.REMINDERS_OFF).pack()
    await member.click_data(off)
    sent = await member.click_data(off)
    assert "Rien à changer" in alerts(sent)[0] and "déjà désactivés" in alerts(sent)[0]
    assert (await db.user()).reminders_muted is True

    stranger = app.person(user_id=1003)  # no profile: the button is not theirs
    sent = await stranger.click_data(ProfileCB(field=ProfileField.REMINDERS_ON).pack())
    assert EXPIRED in alerts(sent)[0]
    assert await db.user(1003) is None


# --- Voice notes acknowledged --------------------------------------------------------------------


def test_voice_durations_are_in_minutes_and_seconds_past_a_minute() -> None:
    with use_locale("fr"):
        assert voice_duration(42) == f"42{NBSP}s"
        assert voice_duration(65) == f"1{NBSP}min{NBSP}05{NBSP}s"
        assert voice_duration(600) == f"10{NBSP}min{NBSP}00{NBSP}s"
    with use_locale("en"):
        assert voice_duration(59) == "59 s"


async def test_a_voice_note_is_acknowledged_with_its_duration(member, db) -> None:
    await start_theme(member)
    await member.send_voice(duration=42)
    sent = await member.click("Garder mes messages vocaux")
    assert f"🎤 message vocal enregistré, 42{NBSP}s" in joined(sent)
    assert "Question 2/5" in joined(sent)

    async with db.session_factory() as session, session.begin():  # now kept without asking
        contribution = await session.get(Contribution, (await current(db)).id)
        contribution.cursor = "entry_proposal"
    sent = await member.send_voice(duration=65)
    messages = [r.text for r in sent if isinstance(r, SendMessage)]
    assert messages[0] == f"🎤 message vocal enregistré, 1{NBSP}min{NBSP}05{NBSP}s"
    assert (await db.answer_map((await current(db)).id))["entry_proposal"].voice_duration == 65


# --- The language, preselected -------------------------------------------------------------------


async def test_onboarding_goes_on_in_telegrams_language_with_a_one_tap_switch(app, db) -> None:
    person = app.person(language_code="en-GB")
    await person.send("/start")
    sent = await person.click_data(ConsentCB(accept=True).pack())
    assert "Which language" not in joined(sent)
    assert "I will write to you in English" in joined(sent)
    assert "What type of structure" in joined(sent)
    assert button_labels(sent)[-1] == "🌐 Français"
    assert (await db.user()).language == "en"

    sent = await person.click("Français")
    assert (await db.user()).language == "fr"
    assert "Dans quel type de structure" in joined(sent)
    assert button_labels(sent)[0] == "Association intermédiaire (AI)"


async def test_french_is_the_default_language_when_telegram_gives_another_one(app, db) -> None:
    person = app.person(language_code="pt-BR")
    await person.send("/start")
    sent = await person.click_data(ConsentCB(accept=True).pack())
    assert "Je vous écris en français" in joined(sent)
    assert button_labels(sent)[-1] == "🌐 English"
    assert (await db.user()).language == "fr"


async def test_language_buttons_of_older_messages_still_work_and_twice_is_harmless(app, db) -> None:
    person = app.person()
    await person.send("/start")
    await person.click_data(ConsentCB(accept=True).pack())
    for _ in range(2):
        sent = await person.click_data(LanguageCB(code="en").pack())
        assert "What type of structure" in joined(sent)
    assert (await db.user()).language == "en"
    sent = await person.click_data(LanguageCB(code="xx").pack())  # forged
    assert "This button has expired" in alerts(sent)[0]  # said in their language
    assert (await db.user()).language == "en"
    await person.click_data(StructureTypeCB(key="ai").pack())
    assert (await db.user()).structure_type == "ai"


# --- No dead end -------------------------------------------------------------------------------


async def test_a_withdrawal_offers_the_way_back_to_the_menu(member, db) -> None:
    contribution = await submitted(member, db)
    sent = await member.click_data(
        MineCB(contribution_id=contribution.id, action=MineAction.WITHDRAW).pack()
    )
    assert "retirée" in joined(sent)
    assert button_labels(sent) == ["🏠 Retour au menu"]
    sent = await member.click("Retour au menu")
    assert has_button(sent, "Contribuer")
    sent = await member.click_data(MenuCB(action=MenuAction.HOME).pack())  # twice: the menu again
    assert has_button(sent, "Contribuer")


async def test_an_error_offers_the_way_back_to_the_menu(member, db, monkeypatch) -> None:
    from storage.repositories.contributions import AnswerRepo

    await start_theme(member)

    async def broken(self, answer, previous):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(AnswerRepo, "add_revision", broken)
    sent = await member.send("Une réponse qui ne sera pas enregistrée")
    assert "n'a pas été enregistrée" in joined(sent)
    assert button_labels(sent) == ["🏠 Retour au menu"]
    sent = await member.click("Retour au menu")
    assert has_button(sent, "Contribuer")


async def test_home_button_without_a_profile_asks_for_consent(app, db) -> None:
    sent = await app.person(user_id=1004).click_data(MenuCB(action=MenuAction.HOME).pack())
    assert "/start" in joined(sent)
    assert await db.count(User) == 0
