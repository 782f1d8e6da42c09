from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from bot.domain.questionnaire import (
    DEFAULT_PATH,
    QuestionnaireError,
    load_questionnaire,
    parse_questionnaire,
)

RAW = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))


def test_shipped_questionnaire_has_three_themes_of_four_to_six_questions() -> None:
    questionnaire = load_questionnaire()
    assert [t.key for t in questionnaire.themes] == ["entry", "pathway", "territory"]
    for theme in questionnaire.themes:
        assert 4 <= len(theme.questions) <= 6
        assert sum(q.proposal for q in theme.questions) == 1
        assert {q.kind for q in theme.questions} <= {"text", "single", "multi", "scale"}
        assert all(q.prompt.get("fr") and q.prompt.get("en") for q in theme.questions)


def test_every_kind_of_question_is_used_when_shipped() -> None:
    kinds = {q.kind for t in load_questionnaire().themes for q in t.questions}
    assert kinds == {"text", "single", "multi", "scale"}


def broken(mutate) -> dict:
    raw = copy.deepcopy(RAW)
    mutate(raw)
    return raw


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda r: r.pop("version"), "'version'"),
        (
            lambda r: r["themes"][1]["questions"][0].update(kind="essay"),
            "theme 'pathway', question 'path_what_works': 'kind'",
        ),
        (lambda r: r["themes"][0]["questions"][1]["options"].pop(), None),  # still valid: 7 options
        (
            lambda r: r["themes"][2]["questions"][0]["prompt"].pop("en"),
            "theme 'territory', question 'terr_sectors': 'prompt' is missing its 'en' text",
        ),
        (
            lambda r: r["themes"][0]["questions"][1].update(max_choices=20),
            "question 'entry_top_barriers': 'max_choices'",
        ),
        (
            lambda r: r["themes"][0]["questions"][2].pop("scale"),
            "question 'entry_prescription': a scale question needs",
        ),
        (
            lambda r: r["themes"][1]["questions"][0].update(key="entry_barriers"),
            "question 'entry_barriers': key already used",
        ),
        (
            lambda r: r["themes"][0]["questions"][0].update(optional="yes"),
            "'optional' must be true or false",
        ),
        (lambda r: r["themes"][0].update(key="Entry Theme"), "theme #1: 'key'"),
        (
            lambda r: r["themes"][0]["short_title"].update(fr="Repérage, entrée, freins, IAE"),
            "theme 'entry': 'short_title' 'fr' is longer than 26 characters",
        ),
        (lambda r: r["themes"][0].pop("short_title"), None),  # optional
    ],
)
def test_invalid_file_is_refused_with_file_theme_and_question_named(mutate, expected) -> None:
    raw = broken(mutate)
    if expected is None:
        parse_questionnaire(raw, source="q.yaml")
        return
    with pytest.raises(QuestionnaireError) as error:
        parse_questionnaire(raw, source="q.yaml")
    assert str(error.value).startswith("q.yaml: ")
    assert expected in str(error.value)


def test_file_errors_name_the_path_when_yaml_is_malformed(tmp_path: Path) -> None:
    path = tmp_path / "questionnaire.yaml"
    path.write_text("version: 1\nthemes: [unclosed\n", encoding="utf-8")
    with pytest.raises(QuestionnaireError, match=r"questionnaire\.yaml: not valid YAML"):
        load_questionnaire(path)
