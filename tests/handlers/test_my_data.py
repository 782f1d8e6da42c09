"""/mescontributions, /mesdonnees, /oubli, /confidentialite through the production dispatcher."""

from __future__ import annotations

import csv
import io
import json

from bot.keyboards import AnswerCB, ForgetCB, MineCB
from storage.models import Answer, Contribution, User
from tests.handlers.test_contribute import EXPIRED, answer_theme_one, current
from tests.helpers import alerts, button_labels, documents, joined, texts


async def submitted_contribution(member, db) -> Contribution:
    contribution = await answer_theme_one(member, db)
    await member.click("Envoyer ma contribution")
    return contribution


async def test_my_contributions_lists_and_shows_one_when_submitted(member, db) -> None:
    contribution = await submitted_contribution(member, db)
    sent = await member.send("/mescontributions")
    assert len(button_labels(sent)) == 1
    assert "Repérage" in button_labels(sent)[0]

    sent = await member.click_data(MineCB(cid=contribution.id, a="v").pack())
    assert contribution.public_id in joined(sent)
    assert "Un référent mobilité partagé" in joined(sent)


async def test_editing_a_submitted_answer_keeps_the_previous_version(member, db) -> None:
    contribution = await submitted_contribution(member, db)
    await member.click_data(MineCB(cid=contribution.id, a="e").pack())
    sent = await member.click_data(MineCB(cid=contribution.id, a="q", q="entry_barriers").pack())
    assert "Les horaires des transports" in joined(sent)  # the current answer is shown
    sent = await member.send("Nouvelle réponse, plus précise.")

    assert "Nouvelle réponse, plus précise." in joined(sent)
    history = [
        (a.revision, a.is_current, a.text_value)
        for a in await db.answers(contribution.id, current_only=False)
        if a.question_key == "entry_barriers"
    ]
    assert history == [
        (1, False, "Les horaires des transports ne collent pas aux missions."),
        (2, True, "Nouvelle réponse, plus précise."),
    ]
    assert (await current(db)).status == "submitted"


async def test_cancelling_an_edit_changes_nothing_when_cancel_is_tapped(member, db) -> None:
    contribution = await submitted_contribution(member, db)
    await member.click_data(MineCB(cid=contribution.id, a="q", q="entry_outreach").pack())
    sent = await member.click_data(AnswerCB(cid=contribution.id, q="entry_outreach", a="p").pack())

    assert contribution.public_id in joined(sent)
    answers = await db.answers(contribution.id, current_only=False)
    assert len(answers) == 5
    sent = await member.send("un texte après l'annulation")
    assert len(await db.answers(contribution.id, current_only=False)) == 5


async def test_withdrawn_contribution_is_marked_and_cannot_be_edited(member, db) -> None:
    contribution = await submitted_contribution(member, db)
    sent = await member.click_data(MineCB(cid=contribution.id, a="w").pack())
    assert len(button_labels(sent)) == 2
    sent = await member.click_data(MineCB(cid=contribution.id, a="W").pack())
    assert "retirée" in joined(sent)

    assert (await current(db)).status == "withdrawn"
    assert (await current(db)).withdrawn_at is not None
    sent = await member.click_data(MineCB(cid=contribution.id, a="q", q="entry_barriers").pack())
    assert EXPIRED in alerts(sent)[0]
    sent = await member.send("/mescontributions")
    assert "(retirée)" in button_labels(sent)[0]


async def test_data_export_sends_json_and_csv_when_requested(member, db) -> None:
    contribution = await submitted_contribution(member, db)
    sent = await member.send("/mesdonnees")

    files = documents(sent)
    assert [f.document.filename for f in files] == [
        "relais-mes-donnees.json",
        "relais-mes-reponses.csv",
    ]
    data = json.loads(files[0].document.data)
    assert data["profile"]["structure_name"] == "AI du Grésivaudan"
    assert data["profile"]["telegram_user_id"] == member.user_id
    assert data["contributions"][0]["reference"] == contribution.public_id
    assert len(data["contributions"][0]["answers"]) == 5
    rows = list(csv.DictReader(io.StringIO(files[1].document.data.decode("utf-8-sig"))))
    assert len(rows) == 5
    assert {r["question_key"] for r in rows} >= {"entry_barriers", "entry_top_barriers"}
    assert next(r for r in rows if r["question_key"] == "entry_top_barriers")["choices"] == (
        "mobility|housing"
    )


async def test_forget_erases_every_row_when_confirmed(app, member, db) -> None:
    await submitted_contribution(member, db)
    other = app.person(user_id=3003)
    from tests.handlers.conftest import onboard

    await onboard(other)
    sent = await member.send("/oubli")
    assert len(button_labels(sent)) == 2
    sent = await member.click_data(ForgetCB(confirm=True).pack())

    assert "/start" in joined(sent)
    assert await db.user(member.user_id) is None
    assert await db.contributions(member.user_id) == []
    assert await db.count(Answer) == 0
    assert await db.user(3003) is not None  # only that person is erased
    assert await db.count(User) == 1


async def test_forget_keeps_everything_when_cancelled(member, db) -> None:
    await submitted_contribution(member, db)
    await member.send("/oubli")
    await member.click_data(ForgetCB(confirm=False).pack())

    assert await db.user() is not None
    assert await db.count(Answer) == 5


async def test_privacy_notice_is_shown_again_when_asked(member) -> None:
    sent = await member.send("/confidentialite")
    assert len(texts(sent)) == 1 and "/oubli" in texts(sent)[0]


async def test_reminders_are_muted_then_back_on_when_rappels_is_sent_twice(member, db) -> None:
    sent = await member.send("/rappels")
    assert "ne recevrez plus" in joined(sent)
    assert (await db.user()).reminders_muted is True
    sent = await member.send("/rappels")
    assert "réactivés" in joined(sent)
    assert (await db.user()).reminders_muted is False
