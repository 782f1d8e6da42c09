"""Pure rules of the questionnaire flow: which question comes next, what input is acceptable.

No aiogram, no database: data in, data out, unit-tested on their own.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection
from dataclasses import dataclass

from bot.domain.questionnaire import SCALE_VALUES, Question, Theme


@dataclass(frozen=True)
class AnswerValue:
    """What a person gave for one question (exactly one of the fields, or skipped)."""

    text: str | None = None
    choices: tuple[str, ...] | None = None
    scale: int | None = None
    voice_file_id: str | None = None
    voice_duration: int | None = None
    voice_mime: str | None = None
    skipped: bool = False


def next_question(
    theme: Theme, answered: Collection[str], after: str | None = None
) -> Question | None:
    """The first unanswered question after `after` (wrapping to the start); None means review."""
    questions = theme.questions
    start = 0 if after is None else theme.index_of(after) + 1
    for question in (*questions[start:], *questions[:start]):
        if question.key not in answered:
            return question
    return None


def previous_question(theme: Theme, key: str) -> Question | None:
    index = theme.index_of(key)
    return theme.questions[index - 1] if index > 0 else None


@dataclass(frozen=True)
class TextCheck:
    ok: bool
    value: str = ""
    too_long_by: int = 0
    empty: bool = False


def check_text(question: Question, raw: str, global_limit: int) -> TextCheck:
    """Trim and bound a free-text answer; the limit is the stricter of question and settings.
    An answer with nothing visible in it (spaces, zero-width or control characters) is empty."""
    value = raw.strip()
    if not has_visible_text(value):
        return TextCheck(ok=False, empty=True)
    limit = text_limit(question, global_limit)
    if len(value) > limit:
        return TextCheck(ok=False, value=value, too_long_by=len(value) - limit)
    return TextCheck(ok=True, value=value)


# Letters that render as nothing (Hangul fillers, the braille blank...), used to fake an answer.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f\u17b4\u17b5")


def has_visible_text(text: str) -> bool:
    """Something a reader would see: not only separators, format or control characters, nor
    the letters that render as blanks. Unassigned characters count as visible: a recent emoji
    is unknown to this Python's Unicode tables but shows on a phone."""
    return any(
        unicodedata.category(char) not in ("Zs", "Zl", "Zp", "Cc", "Cf")
        and char not in _BLANK_LETTERS
        for char in text
    )


def text_limit(question: Question, global_limit: int) -> int:
    return min(question.max_length, global_limit)


def toggle_choice(question: Question, mask: int, index: int) -> int | None:
    """Flip option `index` in the selection bit mask; None if that would exceed max_choices."""
    if not 0 <= index < len(question.options):
        raise ValueError("option index out of range")
    new_mask = mask ^ (1 << index)
    if question.max_choices is not None and bin(new_mask).count("1") > question.max_choices:
        return None
    return new_mask


def mask_is_valid(question: Question, mask: int) -> bool:
    if mask < 0 or mask >= (1 << len(question.options)):
        return False
    return question.max_choices is None or bin(mask).count("1") <= question.max_choices


def keys_from_mask(question: Question, mask: int) -> tuple[str, ...]:
    return tuple(o.key for i, o in enumerate(question.options) if mask & (1 << i))


def mask_from_keys(question: Question, keys: Collection[str]) -> int:
    return sum(1 << i for i, o in enumerate(question.options) if o.key in keys)


def is_valid_scale(value: int) -> bool:
    return value in SCALE_VALUES


# --- What a tapped button answers ---------------------------------------------------------------
# Each returns None when the button cannot answer this question (forged, or drawn for another
# version of it): the handler then says "this button has expired".


def option_answer(question: Question | None, index: int) -> AnswerValue | None:
    """Option `index` of a single-choice question."""
    if question is None or question.kind != "single" or not 0 <= index < len(question.options):
        return None
    return AnswerValue(choices=(question.options[index].key,))


def scale_answer(question: Question | None, value: int) -> AnswerValue | None:
    if question is None or question.kind != "scale" or not is_valid_scale(value):
        return None
    return AnswerValue(scale=value)


def choices_answer(question: Question | None, mask: int) -> AnswerValue | None:
    """The options ticked on a multi-choice keyboard (`mask`), validated."""
    if question is None or question.kind != "multi" or not mask_is_valid(question, mask):
        return None
    return AnswerValue(choices=keys_from_mask(question, mask))


def skip_answer(question: Question | None) -> AnswerValue | None:
    if question is None or not question.optional:
        return None
    return AnswerValue(skipped=True)


TOO_MANY = -1  # `toggled_mask`: ticking this option would exceed the question's max_choices


def toggled_mask(question: Question | None, mask: int, index: int) -> int | None:
    """The multi-choice selection after ticking or unticking option `index`; TOO_MANY past the
    question's limit; None if the button cannot belong to this question."""
    if question is None or question.kind != "multi" or not 0 <= index < len(question.options):
        return None
    if not mask_is_valid(question, mask):
        return None
    toggled = toggle_choice(question, mask, index)
    return TOO_MANY if toggled is None else toggled
