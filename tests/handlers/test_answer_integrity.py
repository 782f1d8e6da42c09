"""An answer belongs to the question the person saw, and a failed reply is told truthfully.
Both engines, through the dispatcher, with Bot API failures injected in the fake session."""

from __future__ import annotations

from aiogram.exceptions import TelegramBadRequest, TelegramNetworkError, TelegramServerError
from aiogram.methods import SendMessage

from bot.keyboards.callbacks import (
    AnswerAction,
    AnswerCB,
    MineAction,
    MineCB,
    ThemeCB,
    VoiceChoiceCB,
)
from handlers.middlewares import RetryDirectReplies
from tests.handlers.test_contribute import current, start_theme
from tests.helpers import joined


async def test_typed_answer_goes_to_the_question_a_live_older_button_just_showed(
    member, db
) -> None:
    await start_theme(member, "entry")
    entry = await current(db)
    await member.send("Les transports")  # theme 1: question 2 (buttons) is now shown
    await member.send("/contribuer")
    await member.click_data(ThemeCB(key="pathway").pack())  # theme 2 is open, question 1
    pathway = await current(db)
    # Back, from theme 1's still-live question 2: theme 1's question 1 is shown again.
    sent = await member.click_data(
        AnswerCB(
            contribution_id=entry.id, question="entry_top_barriers", action=AnswerAction.BACK
        ).pack()
    )
    assert "Thème 1 · Question 1/5" in joined(sent)
    await member.send("Plutôt le logement, en fait")

    entry_answers = await db.answers(entry.id, current_only=False)
    assert [a.text_value for a in entry_answers] == [
        "Les transports",
        "Plutôt le logement, en fait",
    ]
    assert await db.answers(pathway.id) == []


def failing(app, times: int, error):
    """The next `times` sendMessage calls fail with `error` (retries without waiting)."""
    for middleware in app.bot.session.middleware._middlewares:
        if isinstance(middleware, RetryDirectReplies):
            middleware.first_delay = 0.001
    fake = app.fake
    original = fake.make_request
    left = {"n": times}

    async def make_request(bot, method, timeout=None):
        if isinstance(method, SendMessage) and left["n"] > 0:
            left["n"] -= 1
            raise error(method)
        return await original(bot, method, timeout)

    fake.make_request = make_request
    return left


async def test_a_brief_bot_api_failure_is_retried_and_the_person_sees_the_next_question(
    app, member, db
) -> None:
    await start_theme(member)
    failing(app, 2, lambda m: TelegramServerError(m, "Bad Gateway"))
    sent = await member.send("Les transports")
    assert "Thème 1 · Question 2/5" in joined(sent)
    assert "n’a pas transmis" not in joined(sent)  # the retries absorbed it: nothing to say
    assert [a.text_value for a in await db.answers((await current(db)).id)] == ["Les transports"]


async def test_a_lasting_failure_files_nothing_under_the_question_never_seen(
    app, member, db
) -> None:
    await member.send("/contribuer")
    # The three attempts to show question 1 fail, and so does the error message after them.
    failing(app, 4, lambda m: TelegramNetworkError(m, "Connection reset"))
    await member.click_data(ThemeCB(key="entry").pack())
    contribution = await current(db)

    # Telegram is back. The person, who never saw question 1, types something.
    sent = await member.send("Ma réponse à je ne sais quoi")
    assert "n’a pas été classé" in joined(sent)
    assert "Thème 1 · Question 1/5" in joined(sent)
    assert await db.answers(contribution.id) == []  # not filed under a question never seen
    sent = await member.send("Les transports")  # now they have seen it
    assert "Question 2/5" in joined(sent)
    assert [a.text_value for a in await db.answers(contribution.id)] == ["Les transports"]


async def test_a_failure_after_saving_is_told_as_saved_when_telegram_answers_again(
    app, member, db
) -> None:
    await start_theme(member)
    failing(app, 3, lambda m: TelegramServerError(m, "Internal Server Error"))
    sent = await member.send("Les transports")
    text = joined(sent)
    assert "est enregistrée" in text and "pas été enregistr" not in text
    assert "Thème 1 · Question 2/5" in text  # shown by the error handler
    await member.click("Mobilité")
    sent = await member.click("Valider")
    assert "Question 3/5" in joined(sent)


async def test_a_question_shown_again_by_a_tap_after_a_failure_takes_the_answer(
    app, member, db
) -> None:
    await member.send("/contribuer")
    failing(app, 4, lambda m: TelegramNetworkError(m, "Connection reset"))
    await member.click_data(ThemeCB(key="entry").pack())  # question 1 never arrived
    sent = await member.click_data(ThemeCB(key="entry").pack())  # tapped again: shown now
    assert "Thème 1 · Question 1/5" in joined(sent)
    sent = await member.send("Les transports")
    assert "Question 2/5" in joined(sent)
    assert len(await db.answers((await current(db)).id)) == 1


async def test_editing_a_submitted_answer_leaves_the_open_draft_in_focus(member, db) -> None:
    from tests.handlers.test_contribute import answer_theme_one

    first = await answer_theme_one(member, db)
    await member.click("Envoyer ma contribution")
    # Ask to change a multiple-choice answer of the submitted contribution...
    await member.click_data(
        MineCB(
            contribution_id=first.id, action=MineAction.CHANGE, question="entry_top_barriers"
        ).pack()
    )
    # ...then open theme 2, and answer the change with the older message's buttons.
    await member.send("/contribuer")
    await member.click_data(ThemeCB(key="pathway").pack())
    pathway = await current(db)
    mask = 0b1  # "Mobilité"
    await member.click_data(
        AnswerCB(
            contribution_id=first.id,
            question="entry_top_barriers",
            action=AnswerAction.VALIDATE,
            mask=mask,
        ).pack()
    )
    sent = await member.send("Le suivi après la sortie")  # for theme 2's question 1
    assert "Question 2/" in joined(sent)
    assert [a.text_value for a in await db.answers(pathway.id)] == ["Le suivi après la sortie"]


async def test_a_refused_edit_is_not_told_as_saved(app, member, db) -> None:
    await start_theme(member)
    await member.send_voice(duration=5)
    original = app.fake.make_request

    async def refuse_edits(bot, method, timeout=None):
        if type(method).__name__ == "EditMessageReplyMarkup":
            raise TelegramBadRequest(method, "Bad Request: message can't be edited")
        return await original(bot, method, timeout)

    app.fake.make_request = refuse_edits
    sent = await member.click_data(VoiceChoiceCB(keep=True).pack())
    assert "Question 2/5" in joined(sent)  # the edit was best-effort; the choice and note kept
    assert (await db.user()).voice_choice == "keep"
    assert len(await db.answers((await current(db)).id)) == 1
