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

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.scrub import SCRUBBER_VERSION, scrub_many
from storage.repositories import AnswerRepo

log = logging.getLogger(__name__)
BATCH = 200


def scrub_batch(rows: list[tuple[int, str, str | None]]) -> list[tuple[int, str, list[str]]]:
    """(answer id, scrubbed text, kinds found) for each (answer id, text, structure name)."""
    scrubbed = scrub_many(
        [text for _, text, _ in rows],
        use_model=True,
        structure_names=[(name,) if name else () for _, _, name in rows],
    )
    return [
        (answer_id, result.text, sorted(result.found))
        for (answer_id, _, _), result in zip(rows, scrubbed, strict=True)
    ]


async def scrub_pending(session_factory: async_sessionmaker[AsyncSession]) -> int:
    """Scrub every waiting revision with the model, a batch at a time; returns how many."""
    done = 0
    while True:
        async with session_factory() as session:
            rows = await AnswerRepo(session).awaiting_scrub(BATCH, SCRUBBER_VERSION)
        if not rows:
            return done
        results = await asyncio.to_thread(scrub_batch, rows)
        async with session_factory() as session, session.begin():
            repo = AnswerRepo(session)
            for answer_id, text, kinds in results:
                await repo.set_scrubbed(answer_id, text, kinds, SCRUBBER_VERSION)
        done += len(results)
        log.info("scrubbed %s answer revision(s) with the model", len(results))
