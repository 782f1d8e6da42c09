"""The scrubbing worker: completes, with the named-entity model, what the patterns started.

Each text revision is scrubbed once by the patterns when it is recorded (in the reply path:
regular expressions and checksums, no model), then once here with the model and the author's
structure name, and the result is stored (`answers.scrubbed_text`, `scrubbed_with = "model"`).
Organisers only ever read stored "model" texts; a revision still waiting is left out of excerpts
and shown as "being checked" in exports. When the scrubber's rules change (SCRUBBER_VERSION),
every stored text is scrubbed again, oldest first; until its turn comes, organisers read it as
the previous version scrubbed it. The model is loaded on first use, in this background
job, on a worker thread: never in the reply path, never on the event loop.
"""

from __future__ import annotations

import asyncio
import logging

from bot.delivery.outbox import Outbox
from bot.domain.questionnaire import Questionnaire
from bot.domain.scrub import SCRUBBER_VERSION, scrub_many
from bot.i18n import use_locale
from bot.views import messages
from storage.repositories.contributions import AnswerRepo, WaitingText
from storage.unit_of_work import UnitOfWorkFactory

log = logging.getLogger(__name__)
BATCH = 200


def scrub_batch(rows: list[WaitingText]) -> list[tuple[WaitingText, str, list[str]]]:
    """(waiting text, scrubbed text, kinds found), with the model and the structure name."""
    scrubbed = scrub_many(
        [row.text for row in rows],
        use_model=True,
        structure_names=[(row.structure_name,) if row.structure_name else () for row in rows],
    )
    return [
        (row, result.text, sorted(result.found)) for row, result in zip(rows, scrubbed, strict=True)
    ]


async def scrub_pending(
    session_factory: UnitOfWorkFactory,
    questionnaire: Questionnaire,
    default_locale: str,
) -> int:
    """Scrub every waiting revision with the model, a batch at a time; returns how many. An
    author is told, once, what the model masks that the patterns had not (a person's name,
    their structure's name), through the outbox."""
    done = 0
    while True:
        async with session_factory() as session:
            rows = await AnswerRepo(session).awaiting_scrub(BATCH, SCRUBBER_VERSION)
        if not rows:
            return done
        results = await asyncio.to_thread(scrub_batch, rows)
        async with session_factory() as session, session.begin():
            repo = AnswerRepo(session)
            outbox = Outbox(session)
            for row, text, kinds in results:
                await repo.set_scrubbed(row.answer_id, text, kinds, SCRUBBER_VERSION)
                news = frozenset(kinds) - frozenset(row.told_kinds or ())
                if news and row.is_current:
                    with use_locale(row.author_language, default_locale):
                        outbox.text(
                            row.author_id,
                            masked_later_notice(news, questionnaire, row),
                            kind="notice",
                            group=f"masked:{row.answer_id}",
                        )
        done += len(results)
        log.info("scrubbed %s answer revision(s) with the model", len(results))


def masked_later_notice(
    kinds: frozenset[str], questionnaire: Questionnaire, row: WaitingText
) -> str:
    theme = questionnaire.theme(row.theme_key)
    if theme is None or theme.question(row.question_key) is None:
        return messages.masked_notice(kinds)
    question = theme.index_of(row.question_key) + 1
    return messages.masked_later_notice(kinds, theme.number, question)
