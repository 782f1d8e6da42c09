from __future__ import annotations

import pytest

from bot.domain import flows
from bot.domain.questionnaire import default_questionnaire

THEME = default_questionnaire().theme("entry")
MULTI = THEME.question("entry_top_barriers")  # 8 options, at most 3
TEXT = THEME.question("entry_barriers")


def keys(question) -> str | None:
    return question.key if question else None


def test_next_question_is_the_first_when_nothing_is_answered() -> None:
    assert keys(flows.next_question(THEME, set())) == "entry_barriers"


def test_next_question_skips_answered_ones_when_resuming() -> None:
    answered = {"entry_barriers", "entry_top_barriers"}
    assert keys(flows.next_question(THEME, answered)) == "entry_prescription"


def test_next_question_wraps_to_earlier_gaps_when_last_is_answered() -> None:
    answered = {q.key for q in THEME.questions} - {"entry_top_barriers"}
    assert (
        keys(flows.next_question(THEME, answered, after="entry_proposal")) == "entry_top_barriers"
    )


def test_next_question_is_none_when_everything_is_answered() -> None:
    assert flows.next_question(THEME, {q.key for q in THEME.questions}) is None


def test_previous_question_is_none_when_on_the_first() -> None:
    assert flows.previous_question(THEME, "entry_barriers") is None
    assert keys(flows.previous_question(THEME, "entry_prescription")) == "entry_top_barriers"


def test_toggle_refuses_when_it_would_exceed_max_choices() -> None:
    mask = 0
    for index in (0, 1, 2):
        mask = flows.toggle_choice(MULTI, mask, index)
    assert mask == 0b111
    assert flows.toggle_choice(MULTI, mask, 3) is None
    assert flows.toggle_choice(MULTI, mask, 1) == 0b101  # unticking is always allowed


def test_toggle_rejects_an_index_when_out_of_range() -> None:
    with pytest.raises(ValueError):
        flows.toggle_choice(MULTI, 0, 8)


@pytest.mark.parametrize(
    ("mask", "valid"), [(0, True), (0b111, True), (0b1111, False), (1 << 8, False), (-1, False)]
)
def test_mask_validity_when_forged(mask: int, valid: bool) -> None:
    assert flows.mask_is_valid(MULTI, mask) is valid


def test_keys_and_mask_round_trip_when_converting() -> None:
    assert flows.keys_from_mask(MULTI, 0b101) == ("mobility", "childcare")
    assert flows.mask_from_keys(MULTI, ["mobility", "childcare"]) == 0b101


def test_check_text_trims_and_accepts_when_within_limit() -> None:
    check = flows.check_text(TEXT, "  une réponse  ", 2000)
    assert check.ok and check.value == "une réponse"


def test_check_text_reports_overflow_when_over_the_stricter_limit() -> None:
    check = flows.check_text(TEXT, "a" * 1501, 1500)
    assert not check.ok and check.too_long_by == 1
    assert flows.text_limit(TEXT, 5000) == TEXT.max_length


def test_check_text_flags_empty_when_only_whitespace() -> None:
    assert flows.check_text(TEXT, " \n ", 2000).empty


@pytest.mark.parametrize(("value", "valid"), [(1, True), (5, True), (0, False), (6, False)])
def test_scale_accepts_only_one_to_five(value: int, valid: bool) -> None:
    assert flows.is_valid_scale(value) is valid


SINGLE = THEME.question("entry_outreach")  # 6 options
SCALE = THEME.question("entry_prescription")
OPTIONAL = default_questionnaire().theme("pathway").question("path_after_exit")


def test_a_tapped_button_answers_its_question_when_its_values_fit() -> None:
    assert flows.option_answer(SINGLE, 5).choices == (SINGLE.options[5].key,)
    assert flows.scale_answer(SCALE, 4).scale == 4
    assert flows.choices_answer(MULTI, 0b101).choices == (
        MULTI.options[0].key,
        MULTI.options[2].key,
    )
    assert flows.skip_answer(OPTIONAL).skipped is True


@pytest.mark.parametrize(
    "answer",
    [
        lambda: flows.option_answer(SINGLE, 6),  # past the last option
        lambda: flows.option_answer(SINGLE, -1),
        lambda: flows.option_answer(MULTI, 0),  # not a single-choice question
        lambda: flows.option_answer(None, 0),
        lambda: flows.scale_answer(SCALE, 6),
        lambda: flows.scale_answer(SINGLE, 3),
        lambda: flows.choices_answer(MULTI, 0b1111),  # four ticked, at most three
        lambda: flows.choices_answer(MULTI, 1 << 8),  # an option that does not exist
        lambda: flows.choices_answer(SINGLE, 1),
        lambda: flows.skip_answer(TEXT),  # not optional
    ],
)
def test_a_tapped_button_answers_nothing_when_forged_or_drawn_for_another_question(
    answer,
) -> None:
    assert answer() is None


def test_toggling_says_too_many_past_the_limit_and_none_when_the_button_cannot_fit() -> None:
    assert flows.toggled_mask(MULTI, 0b011, 2) == 0b111
    assert flows.toggled_mask(MULTI, 0b111, 0) == 0b110  # unticking is always allowed
    assert flows.toggled_mask(MULTI, 0b111, 3) == flows.TOO_MANY
    assert flows.toggled_mask(MULTI, 0, 8) is None
    assert flows.toggled_mask(MULTI, 0b1111, 5) is None  # a selection no keyboard can hold
    assert flows.toggled_mask(SINGLE, 0, 1) is None
