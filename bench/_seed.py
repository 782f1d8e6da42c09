"""Bulk data for the organiser benchmarks, written with sqlite3 directly (seconds, not minutes)."""

from __future__ import annotations

import random
import sqlite3
from datetime import UTC, datetime, timedelta

from bot.domain.questionnaire import default_questionnaire

ANSWERS_PER_CONTRIBUTION = 5


def seed_sqlite(
    path: str,
    answers: int,
    days: int = 60,
    end: datetime | None = None,
    *,
    field_texts: bool = False,
) -> int:
    """Submitted contributions spread over `days` before `end`, 5 answers each; returns how
    many contributions were written. People: one per 3 contributions, over 101 departments.
    `field_texts`: text answers are the labelled proposals of bench/data (varied, scrubbed as
    organisers read them, so that grouping has real work), instead of one sentence waiting for
    the scrubbing worker."""
    from bot.domain.geo import all_departments

    end = end or datetime.now(UTC)
    rng = random.Random(7)
    questionnaire = default_questionnaire()
    departments = all_departments()
    contributions = answers // ANSWERS_PER_CONTRIBUTION
    people = max(1, contributions // 3)
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=OFF")
    stamp = lambda moment: moment.strftime("%Y-%m-%d %H:%M:%S.%f")  # noqa: E731
    now = stamp(end)
    connection.executemany(
        "INSERT INTO users (id, language, consented_at, privacy_version, structure_type, "
        "structure_name, department_code, region_code, role, is_active, is_organiser, "
        "created_at, updated_at) VALUES (?, 'fr', ?, 1, 'ai', 'AI', ?, ?, ?, 1, 0, ?, ?)",
        (
            (
                100_000 + i,
                now,
                d.code,
                d.region.code,
                rng.choice(("cip", "supervisor", "director")),
                now,
                now,
            )
            for i in range(people)
            for d in [departments[rng.randrange(len(departments))]]
        ),
    )
    themes = questionnaire.themes

    def contribution_rows():
        for i in range(contributions):
            moment = end - timedelta(seconds=rng.randrange(days * 86400))
            theme = themes[i % len(themes)]
            yield (
                i + 1,
                f"C-B{i:08d}",
                100_000 + rng.randrange(people),
                theme.key,
                1,
                "submitted",
                None,
                0,
                stamp(moment),
                None,
                stamp(moment),
                stamp(moment),
            )

    connection.executemany(
        "INSERT INTO contributions (id, public_id, user_id, theme_key, questionnaire_version, "
        "status, cursor, in_focus, submitted_at, withdrawn_at, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        contribution_rows(),
    )

    proposals = _labelled_texts() if field_texts else []

    def answer_rows():
        for i in range(contributions):
            theme = themes[i % len(themes)]
            for question in theme.questions[:ANSWERS_PER_CONTRIBUTION]:
                text = choices = scale = None
                if question.kind == "text" and proposals:
                    # A labelled proposal and a number: as many distinct texts as rows.
                    text = f"{proposals[rng.randrange(len(proposals))]} ({rng.randrange(50)})"
                elif question.kind == "text":
                    text = "Une réponse de terrain, avec quelques détails sur le parcours. " * 2
                elif question.kind == "scale":
                    scale = rng.randint(1, 5)
                else:
                    choices = f'["{question.options[0].key}"]'
                scrubbed = text if proposals and text else None
                scrubbed_with = "model" if scrubbed else None  # storage.models.SCRUBBED_FULLY
                yield (
                    i + 1, question.key, 1, 1, 1, 0, text, scrubbed, scrubbed_with,
                    choices, scale, now,
                )  # fmt: skip

    connection.executemany(
        "INSERT INTO answers (contribution_id, question_key, questionnaire_version, revision, "
        "is_current, skipped, text_value, scrubbed_text, scrubbed_with, choice_keys, "
        "scale_value, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        answer_rows(),
    )
    connection.commit()
    connection.execute("ANALYZE")
    connection.close()
    return contributions


def _labelled_texts() -> list[str]:
    import csv
    from pathlib import Path

    path = Path(__file__).parent / "data" / "proposals_labelled.csv"
    with path.open(encoding="utf-8") as handle:
        return [row["text"] for row in csv.DictReader(handle)]
