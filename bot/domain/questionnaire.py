"""The questionnaire: a versioned YAML file, loaded once and validated before the bot starts.

Every error names the file, the theme and the question, so whoever edits `questionnaire.yaml`
knows which line to fix. Answers are stored with the questionnaire `version` and the question
`key`; a key is never reused for a different question.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import yaml

from bot.config import SUPPORTED_LOCALES

DEFAULT_PATH = Path(__file__).resolve().parent / "questionnaire.yaml"
QuestionKind = Literal["text", "single", "multi", "scale"]
KINDS: tuple[str, ...] = ("text", "single", "multi", "scale")
SCALE_VALUES = (1, 2, 3, 4, 5)
SHORT_TITLE_MAX = 26  # + "N. " within Excel's 31 characters for a sheet name
MAX_TEXT_LENGTH = 3500  # leaves room for the prompt around an answer in a 4096-char message
_KEY = re.compile(r"^[a-z0-9_]+$")


class QuestionnaireError(ValueError):
    """The questionnaire file is invalid; the message says where."""


@dataclass(frozen=True)
class Localized:
    """One text in every supported language (the questionnaire gives each; see `_localized`)."""

    texts: Mapping[str, str]

    def get(self, locale: str) -> str:
        return self.texts.get(locale) or self.texts[SUPPORTED_LOCALES[0]]


@dataclass(frozen=True)
class Option:
    key: str
    label: Localized


@dataclass(frozen=True)
class Question:
    key: str
    kind: QuestionKind
    prompt: Localized
    optional: bool = False
    proposal: bool = False
    hint: Localized | None = None
    max_length: int = 2000
    options: tuple[Option, ...] = ()
    max_choices: int | None = None
    scale_min: Localized | None = None
    scale_max: Localized | None = None

    def option(self, key: str) -> Option | None:
        return next((o for o in self.options if o.key == key), None)

    def labels(self, keys: list[str] | tuple[str, ...], locale: str) -> str:
        """Chosen options as text ("Mobilité, Logement"); unknown keys are left out."""
        return ", ".join(o.label.get(locale) for key in keys if (o := self.option(key)))


@dataclass(frozen=True)
class Theme:
    key: str
    number: int
    title: Localized
    description: Localized
    questions: tuple[Question, ...]
    # For a spreadsheet's tab (Excel allows 31 characters, "N. " included); optional.
    short_title: Localized | None = None

    def question(self, key: str) -> Question | None:
        return next((q for q in self.questions if q.key == key), None)

    def index_of(self, key: str) -> int:
        return next(i for i, q in enumerate(self.questions) if q.key == key)


@dataclass(frozen=True)
class Questionnaire:
    version: int
    themes: tuple[Theme, ...]
    source: str = field(default="", compare=False)

    def theme(self, key: str) -> Theme | None:
        return next((t for t in self.themes if t.key == key), None)


def load_questionnaire(path: Path | str = DEFAULT_PATH) -> Questionnaire:
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise QuestionnaireError(f"{path}: cannot read the file ({exc.strerror}).") from None
    except yaml.YAMLError as exc:
        raise QuestionnaireError(f"{path}: not valid YAML ({exc}).") from None
    return parse_questionnaire(raw, source=str(path))


@cache
def default_questionnaire() -> Questionnaire:
    return load_questionnaire(DEFAULT_PATH)


def parse_questionnaire(raw: Any, source: str = "<questionnaire>") -> Questionnaire:
    if not isinstance(raw, dict):
        raise QuestionnaireError(f"{source}: the top level must be a mapping.")
    version = raw.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise QuestionnaireError(f"{source}: 'version' must be a positive integer.")
    themes_raw = raw.get("themes")
    if not isinstance(themes_raw, list) or not themes_raw:
        raise QuestionnaireError(f"{source}: 'themes' must be a non-empty list.")
    themes: list[Theme] = []
    seen_questions: set[str] = set()
    for number, theme_raw in enumerate(themes_raw, start=1):
        theme = _parse_theme(theme_raw, number, f"{source}: theme #{number}", seen_questions)
        if any(t.key == theme.key for t in themes):
            raise QuestionnaireError(f"{source}: theme '{theme.key}': duplicate theme key.")
        themes.append(theme)
    return Questionnaire(version=version, themes=tuple(themes), source=source)


def _parse_theme(raw: Any, number: int, where: str, seen: set[str]) -> Theme:
    if not isinstance(raw, dict):
        raise QuestionnaireError(f"{where}: must be a mapping.")
    key = _key(raw.get("key"), where, max_len=32)
    where = where.rsplit(":", 1)[0] + f": theme '{key}'"
    questions_raw = raw.get("questions")
    if not isinstance(questions_raw, list) or not questions_raw:
        raise QuestionnaireError(f"{where}: 'questions' must be a non-empty list.")
    questions = []
    for position, question_raw in enumerate(questions_raw, start=1):
        question = _parse_question(question_raw, f"{where}, question #{position}")
        if question.key in seen:
            raise QuestionnaireError(
                f"{where}, question '{question.key}': key already used elsewhere in the file."
            )
        seen.add(question.key)
        questions.append(question)
    return Theme(
        key=key,
        number=number,
        title=_localized(raw.get("title"), f"{where}: 'title'", max_len=60),
        description=_localized(raw.get("description"), f"{where}: 'description'", max_len=400),
        questions=tuple(questions),
        short_title=(
            _localized(raw["short_title"], f"{where}: 'short_title'", max_len=SHORT_TITLE_MAX)
            if "short_title" in raw
            else None
        ),
    )


def _parse_question(raw: Any, where: str) -> Question:
    if not isinstance(raw, dict):
        raise QuestionnaireError(f"{where}: must be a mapping.")
    key = _key(raw.get("key"), where, max_len=24)
    where = where.rsplit(", ", 1)[0] + f", question '{key}'"
    kind = raw.get("kind")
    if kind not in KINDS:
        raise QuestionnaireError(f"{where}: 'kind' must be one of {', '.join(KINDS)}.")
    options: tuple[Option, ...] = ()
    if kind in ("single", "multi"):
        options = _parse_options(raw.get("options"), where)
    elif "options" in raw:
        raise QuestionnaireError(f"{where}: only single and multi questions take 'options'.")
    max_choices = raw.get("max_choices")
    if max_choices is not None and (
        kind != "multi" or not isinstance(max_choices, int) or not 1 <= max_choices <= len(options)
    ):
        raise QuestionnaireError(
            f"{where}: 'max_choices' is for multi questions, between 1 and the number of options."
        )
    max_length = raw.get("max_length", 2000)
    if not isinstance(max_length, int) or not 1 <= max_length <= MAX_TEXT_LENGTH:
        raise QuestionnaireError(f"{where}: 'max_length' must be between 1 and {MAX_TEXT_LENGTH}.")
    scale_min = scale_max = None
    if kind == "scale":
        scale = raw.get("scale")
        if not isinstance(scale, dict):
            raise QuestionnaireError(f"{where}: a scale question needs 'scale: {{min, max}}'.")
        scale_min = _localized(scale.get("min"), f"{where}: 'scale.min'", max_len=30)
        scale_max = _localized(scale.get("max"), f"{where}: 'scale.max'", max_len=30)
    hint = raw.get("hint")
    return Question(
        key=key,
        kind=kind,
        prompt=_localized(raw.get("prompt"), f"{where}: 'prompt'", max_len=300),
        optional=_flag(raw, "optional", where),
        proposal=_flag(raw, "proposal", where),
        hint=None if hint is None else _localized(hint, f"{where}: 'hint'", max_len=200),
        max_length=max_length,
        options=options,
        max_choices=max_choices,
        scale_min=scale_min,
        scale_max=scale_max,
    )


def _parse_options(raw: Any, where: str) -> tuple[Option, ...]:
    if not isinstance(raw, list) or not 2 <= len(raw) <= 10:
        raise QuestionnaireError(f"{where}: 'options' must list 2 to 10 options.")
    options: list[Option] = []
    for position, option_raw in enumerate(raw, start=1):
        at = f"{where}, option #{position}"
        if not isinstance(option_raw, dict):
            raise QuestionnaireError(f"{at}: must be a mapping with 'key' and 'label'.")
        key = _key(option_raw.get("key"), at, max_len=16)
        if any(o.key == key for o in options):
            raise QuestionnaireError(f"{at}: duplicate option key '{key}'.")
        options.append(Option(key, _localized(option_raw.get("label"), f"{at}: 'label'", 40)))
    return tuple(options)


def _key(value: Any, where: str, max_len: int) -> str:
    if not isinstance(value, str) or not _KEY.match(value) or len(value) > max_len:
        raise QuestionnaireError(
            f"{where}: 'key' must be lowercase letters, digits or _ (at most {max_len})."
        )
    return value


def _localized(value: Any, where: str, max_len: int) -> Localized:
    if not isinstance(value, dict):
        raise QuestionnaireError(
            f"{where} must give a text for each of: {', '.join(SUPPORTED_LOCALES)}."
        )
    texts = {}
    for locale in SUPPORTED_LOCALES:
        text = value.get(locale)
        if not isinstance(text, str) or not text.strip():
            raise QuestionnaireError(f"{where} is missing its '{locale}' text.")
        if len(text) > max_len:
            raise QuestionnaireError(f"{where} '{locale}' is longer than {max_len} characters.")
        texts[locale] = text.strip()
    return Localized(MappingProxyType(texts))


def _flag(raw: dict[str, Any], name: str, where: str) -> bool:
    value = raw.get(name, False)
    if not isinstance(value, bool):
        raise QuestionnaireError(f"{where}: '{name}' must be true or false.")
    return value
