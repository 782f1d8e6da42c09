"""The contribution journey through the production dispatcher, and every wrong input."""

from __future__ import annotations

import asyncio

from aiogram.methods import SendMessage

from bot.keyboards.callbacks import (
    AnswerAction,
    AnswerCB,
    ReviewAction,
    ReviewCB,
    ThemeCB,
    VoiceChoiceCB,
)
from storage.models import Answer, Contribution, User
from tests.handlers.conftest import onboard
from tests.handlers.test_onboarding import restart
from tests.helpers import alerts, button_labels, has_button, joined, texts

EXPIRED = "Ce bouton a expiré"


async def start_theme(person, key: str = "entry"):
    await person.send("/contribuer")
    return await person.click_data(ThemeCB(key=key).pack())


async def current(db) -> Contribution:
    return (await db.contributions())[-1]


async def answer_theme_one(person, db) -> Contribution:
    """Answer the five questions of theme 1 with each kind of input."""
    await start_theme(person)
    contribution = await current(db)
    await person.send("Les horaires des transports ne collent pas aux missions.")
    await person.click("Mobilité")
    await person.click("Logement")
    await person.click("Valider")
    await person.click_data(
        AnswerCB(
            contribution_id=contribution.id,
            question="entry_prescription",
            action=AnswerAction.SCALE,
            index=2,
        ).pack()
    )
    await person.click("Orientation par France Travail")
    await person.send("Un référent mobilité partagé entre AI du département.")
    return contribution


async def test_contribution_is_submitted_when_every_question_is_answered(member, db) -> None:
    sent = await start_theme(member)
    assert "Thème 1 · Question 1/5" in joined(sent)

    contribution = await answer_theme_one(member, db)
    review = await member.send("/contribuer")  # the theme shows the finished draft
    assert "(brouillon 5/5)" in button_labels(review)[0]
    sent = await member.click_data(ThemeCB(key="entry").pack())
    assert "Les horaires des transports" in joined(sent)
    assert "Mobilité, Logement" in joined(sent) and "2/5" in joined(sent)
    sent = await member.click("Envoyer ma contribution")

    assert "Merci" in joined(sent)
    stored = await current(db)
    assert stored.id == contribution.id and stored.status == "submitted"
    answers = await db.answer_map(contribution.id)
    assert answers["entry_barriers"].text_value.startswith("Les horaires")
    assert answers["entry_top_barriers"].choice_keys == ["mobility", "housing"]
    assert answers["entry_prescription"].scale_value == 2
    assert answers["entry_outreach"].choice_keys == ["france_travail"]
    assert {a.questionnaire_version for a in answers.values()} == {1}


async def test_submit_is_recorded_once_when_button_is_tapped_twice(member, db) -> None:
    contribution = await answer_theme_one(member, db)
    submit = ReviewCB(contribution_id=contribution.id, action=ReviewAction.SUBMIT).pack()
    first = await member.click_data(submit)
    second = await member.click_data(submit)

    assert "Merci" in joined(first)
    assert texts(second) == [] and alerts(second) and EXPIRED in alerts(second)[0]
    assert [c.status for c in await db.contributions()] == ["submitted"]


async def test_draft_resumes_at_next_unanswered_question_when_bot_restarted(
    app, member, db, settings
) -> None:
    await start_theme(member)
    await member.send("Premier frein : la mobilité.")
    again = restart(app, settings)

    sent = await again.send("/contribuer")
    assert "(brouillon 1/5)" in button_labels(sent)[0]
    sent = await again.click_data(ThemeCB(key="entry").pack())
    assert "Question 2/5" in joined(sent)
    assert len(await db.contributions()) == 1


async def test_text_answers_question_in_focus_when_fsm_memory_is_lost(
    app, member, db, settings
) -> None:
    await start_theme(member)
    again = restart(app, settings)

    sent = await again.send("Réponse tapée après un redémarrage.")
    assert "Question 2/5" in joined(sent)
    answers = await db.answer_map((await current(db)).id)
    assert answers["entry_barriers"].text_value == "Réponse tapée après un redémarrage."


async def test_pause_keeps_draft_and_later_text_is_not_taken_as_answer(member, db) -> None:
    await start_theme(member)
    await member.send("Première réponse.")
    sent = await member.click("Pause")
    assert "/contribuer" in joined(sent)

    sent = await member.send("Bonjour")
    contribution = await current(db)
    assert list((await db.answer_map(contribution.id)).keys()) == ["entry_barriers"]
    assert has_button(sent, "Contribuer")  # the menu, not a stored answer


async def test_back_shows_previous_answer_and_keeps_history_when_answer_changes(member, db) -> None:
    await start_theme(member)
    contribution = await current(db)
    await member.send("Version 1")
    sent = await member.click("Retour")
    assert "Question 1/5" in joined(sent) and "Version 1" in joined(sent)
    await member.send("Version 2")

    history = await db.answers(contribution.id, current_only=False)
    assert [(a.text_value, a.revision, a.is_current) for a in history] == [
        ("Version 1", 1, False),
        ("Version 2", 2, True),
    ]


async def test_skip_is_offered_only_when_question_is_optional(member, db) -> None:
    await start_theme(member, "pathway")
    contribution = await current(db)
    sent = await member.send("Le suivi renforcé.")  # path_what_works (mandatory) answered
    assert "Passer" not in " ".join(button_labels(sent))  # path_links is mandatory
    forged_skip = AnswerCB(
        contribution_id=contribution.id, question="path_links", action=AnswerAction.SKIP
    ).pack()
    sent = await member.click_data(forged_skip)
    assert EXPIRED in alerts(sent)[0]

    await member.click("Avec les deux")
    await member.click("Immersion")
    sent = await member.click("Valider")
    assert any("Passer" in label for label in button_labels(sent))  # path_after_exit is optional
    await member.click("Passer")
    answers = await db.answer_map(contribution.id)
    assert answers["path_after_exit"].skipped is True
    assert "path_links" in answers and answers["path_links"].skipped is False


async def test_multi_choice_refuses_a_fourth_option_when_limit_is_three(member, db) -> None:
    await start_theme(member)
    await member.send("Réponse 1")
    for label in ("Mobilité", "Logement", "Santé"):
        await member.click(label)
    sent = await member.click("Numérique")

    assert "3" in alerts(sent)[0]
    ticked = [label for label in member_buttons(member) if label.startswith("☑️")]
    assert len(ticked) == 3
    contribution = await current(db)
    assert "entry_top_barriers" not in await db.answer_map(contribution.id)


async def test_validate_asks_for_a_choice_when_nothing_is_ticked(member, db) -> None:
    await start_theme(member)
    await member.send("Réponse 1")
    sent = await member.click("Valider")

    assert alerts(sent) and "au moins" in alerts(sent)[0]
    assert "entry_top_barriers" not in await db.answer_map((await current(db)).id)


async def test_voice_note_is_stored_when_question_takes_free_text(member, db) -> None:
    await start_theme(member)
    sent = await member.send_voice(duration=42, mime_type="audio/ogg")
    assert "reconnaître votre voix" in joined(sent)  # asked first: nothing stored yet
    assert await db.count(Answer) == 0
    sent = await member.click_data(VoiceChoiceCB(keep=True).pack())

    assert "Question 2/5" in joined(sent)
    assert (await db.user()).voice_choice == "keep"
    answer = (await db.answer_map((await current(db)).id))["entry_barriers"]
    assert answer.voice_file_id.startswith("voice-")
    assert (answer.voice_duration, answer.voice_mime, answer.text_value) == (42, "audio/ogg", None)


async def test_voice_note_is_not_kept_when_the_person_prefers_typing(member, db) -> None:
    await start_theme(member)
    await member.send_voice(duration=12)
    sent = await member.click_data(VoiceChoiceCB(keep=False).pack())
    assert "Écrivez votre réponse" in joined(sent) and "Question 1/5" in joined(sent)
    assert await db.count(Answer) == 0 and (await db.user()).voice_choice == "type"

    sent = await member.send_voice(duration=12)  # the choice is remembered: asked, not kept
    assert "ce message vocal n’a donc pas été gardé" in joined(sent)
    assert await db.count(Answer) == 0
    sent = await member.send("Les transports, surtout le soir")
    assert "Question 2/5" in joined(sent) and await db.count(Answer) == 1


async def test_voice_notes_are_kept_without_asking_again_once_the_person_chose_to(
    member, db
) -> None:
    async with db.session_factory() as session, session.begin():
        (await session.get(User, 1001)).voice_choice = "keep"
    await start_theme(member)
    sent = await member.send_voice(duration=5)
    assert "reconnaître votre voix" not in joined(sent) and "Question 2/5" in joined(sent)
    answers = await db.answer_map((await current(db)).id)
    assert answers["entry_barriers"].voice_duration == 5


async def test_stale_voice_choice_button_stores_nothing_when_no_note_waits(member, db) -> None:
    await start_theme(member)
    sent = await member.click_data(VoiceChoiceCB(keep=True).pack())
    assert "Renvoyez votre message vocal" in joined(sent) and await db.count(Answer) == 0


async def test_author_is_told_what_organisers_will_see_masked_when_answer_has_a_phone(
    member, db
) -> None:
    await start_theme(member)
    sent = await member.send("Appeler Mme Durand au 06 12 34 56 78 pour le bus")
    notice = joined(sent)
    assert "Masqué pour les organisateurs" in notice and "un numéro de téléphone" in notice
    answer = (await db.answer_map((await current(db)).id))["entry_barriers"]
    assert answer.text_value == "Appeler Mme Durand au 06 12 34 56 78 pour le bus"  # hers, intact
    assert "[téléphone]" in answer.scrubbed_text and answer.scrubbed_with == "patterns"
    assert "phone" in answer.pii_kinds


async def test_control_and_bidi_characters_are_removed_from_a_typed_answer(member, db) -> None:
    await start_theme(member)
    await member.send("Les\x00 trans\u202eports\x1b sont rares")
    answer = (await db.answer_map((await current(db)).id))["entry_barriers"]
    assert answer.text_value == "Les transports sont rares"


async def test_non_text_content_is_refused_when_free_text_is_expected(member, db) -> None:
    await start_theme(member)
    for send in (
        member.send_sticker,
        member.send_photo,
        member.send_location,
        member.send_document,
    ):
        sent = await send()
        assert len(texts(sent)) == 1 and "message vocal" in texts(sent)[0]
    assert await db.count(Answer) == 0


async def test_long_text_is_refused_with_the_limit_when_over_2000_characters(member, db) -> None:
    await start_theme(member)
    sent = await member.send("mot " * 1250)  # 5,000 characters

    assert "4999" in joined(sent) or "5000" in joined(sent)
    assert "2000" in joined(sent)
    assert await db.count(Answer) == 0


async def test_text_is_refused_when_buttons_are_expected(member, db) -> None:
    await start_theme(member)
    await member.send("Réponse 1")
    sent = await member.send("mobilité et logement")

    assert "boutons" in texts(sent)[0]
    assert "Question 2/5" in texts(sent)[1]  # the question again, buttons at the bottom
    assert list((await db.answer_map((await current(db)).id)).keys()) == ["entry_barriers"]


async def test_button_of_an_old_message_has_expired_when_question_moved_on(member, db) -> None:
    await start_theme(member)
    contribution = await current(db)
    await member.send("Réponse 1")
    await member.click("Mobilité")
    await member.click("Valider")
    old_toggle = AnswerCB(
        contribution_id=contribution.id,
        question="entry_top_barriers",
        action=AnswerAction.VALIDATE,
        mask=1,
    ).pack()
    sent = await member.click_data(old_toggle)

    assert EXPIRED in alerts(sent)[0]
    history = await db.answers(contribution.id, current_only=False)
    assert [a.question_key for a in history].count("entry_top_barriers") == 1


async def test_forged_callbacks_are_refused_when_data_is_invalid(member, db) -> None:
    await start_theme(member)
    contribution = await current(db)
    forged = [
        "garbage",
        "q:notanumber:x:o:0:0",
        AnswerCB(
            contribution_id=contribution.id + 999,
            question="entry_barriers",
            action=AnswerAction.SKIP,
        ).pack(),
        AnswerCB(
            contribution_id=contribution.id,
            question="entry_barriers",
            action=AnswerAction.SCALE,
            index=9,
        ).pack(),
        AnswerCB(
            contribution_id=contribution.id,
            question="entry_barriers",
            action=AnswerAction.OPTION,
            index=0,
        ).pack(),
        ThemeCB(key="nope").pack(),
        ReviewCB(contribution_id=contribution.id, action=ReviewAction.SUBMIT).pack(),
    ]
    for data in forged:
        sent = await member.click_data(data)
        assert alerts(sent) and EXPIRED in alerts(sent)[0], data
    assert await db.count(Answer) == 0
    assert (await current(db)).status == "draft"


async def test_another_persons_draft_is_untouchable_when_ids_are_guessed(app, member, db) -> None:
    await start_theme(member)
    contribution = await current(db)
    intruder = app.person(user_id=2002)
    await onboard(intruder)
    sent = await intruder.click_data(
        AnswerCB(
            contribution_id=contribution.id, question="entry_barriers", action=AnswerAction.PAUSE
        ).pack()
    )
    assert EXPIRED in alerts(sent)[0]
    assert (await current(db)).in_focus is True


async def test_double_tap_on_an_option_records_one_answer_when_taps_are_concurrent(
    member, db
) -> None:
    await start_theme(member)
    await member.send("Réponse 1")
    await member.click("Mobilité")
    await member.click("Valider")
    contribution = await current(db)
    tap = AnswerCB(
        contribution_id=contribution.id,
        question="entry_prescription",
        action=AnswerAction.SCALE,
        index=4,
    ).pack()
    await asyncio.gather(member.click_data(tap), member.click_data(tap))

    history = await db.answers(contribution.id, current_only=False)
    assert [a.question_key for a in history].count("entry_prescription") == 1


async def test_review_change_returns_to_review_when_answer_is_edited(member, db) -> None:
    contribution = await answer_theme_one(member, db)
    await member.click_data(
        ReviewCB(
            contribution_id=contribution.id,
            action=ReviewAction.CHANGE,
            question="entry_prescription",
        ).pack()
    )
    sent = await member.click_data(
        AnswerCB(
            contribution_id=contribution.id,
            question="entry_prescription",
            action=AnswerAction.SCALE,
            index=5,
        ).pack()
    )
    assert has_button(sent, "Envoyer ma contribution")
    assert "5/5" in joined(sent)
    history = await db.answers(contribution.id, current_only=False)
    assert [a.scale_value for a in history if a.question_key == "entry_prescription"] == [2, 5]


async def test_group_messages_are_ignored_when_bot_is_added_to_a_group(app, db) -> None:
    in_group = app.person(chat_type="group", chat_id=-100123)
    sent = await in_group.send("/start")
    sent += await in_group.send("/contribuer")
    sent += await in_group.send("bonjour")

    assert sent == []
    assert await db.count(Contribution) == 0


async def test_answer_is_kept_and_person_marked_inactive_when_bot_is_blocked(
    app, member, db
) -> None:
    await start_theme(member)
    app.fake.blocked_chats.add(member.user_id)
    await member.send("Réponse envoyée juste avant de bloquer le bot.")

    answers = await db.answer_map((await current(db)).id)
    assert answers["entry_barriers"].text_value.startswith("Réponse envoyée")
    assert (await db.user()).is_active is False

    app.fake.blocked_chats.clear()
    await member.send("/aide")
    assert (await db.user()).is_active is True


async def test_unknown_command_gets_help_when_not_a_known_command(member, db) -> None:
    await start_theme(member)
    sent = await member.send("/nimportequoi")
    assert "/contribuer" in joined(sent)
    assert await db.count(Answer) == 0


async def test_consent_is_required_when_contributing_without_start(app, db) -> None:
    sent = await app.person().send("/contribuer")
    assert "/start" in joined(sent)
    sent = await app.person().send("Une réponse")
    assert "/start" in joined(sent)
    assert await db.count(Contribution) == 0


def member_buttons(person) -> list[str]:
    message = person.last_message_with_keyboard()
    return [b.text for row in message.reply_markup.inline_keyboard for b in row]


def sent_messages(requests) -> list[SendMessage]:
    return [r for r in requests if isinstance(r, SendMessage)]


async def test_text_after_the_last_answer_shows_the_review_when_draft_is_complete(
    member, db
) -> None:
    await answer_theme_one(member, db)
    sent = await member.send("J'ai oublié de dire quelque chose")

    assert "brouillon est complet" in texts(sent)[0]
    assert has_button(sent, "Envoyer ma contribution")
    assert len(await db.answers((await current(db)).id, current_only=False)) == 5


async def test_returning_person_gets_the_menu_when_sending_start_again(member) -> None:
    sent = await member.send("/start")
    assert texts(sent) == ["Bon retour sur Relais. Que souhaitez-vous faire\u202f?"]
    assert has_button(sent, "Contribuer")


async def test_nothing_is_half_saved_and_person_is_told_when_a_handler_fails(
    member, db, monkeypatch
) -> None:
    from storage.repositories.contributions import AnswerRepo

    await start_theme(member)

    async def broken(self, answer, previous):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(AnswerRepo, "add_revision", broken)
    sent = await member.send("Une réponse qui ne sera pas enregistrée")

    assert "n'a pas été enregistrée" in joined(sent)
    assert await db.count(Answer) == 0
    assert (await current(db)).cursor == "entry_barriers"  # the cursor move was rolled back
