"""Tallies of the closed questions: how many people chose each option, under the small-group rule.

Counted in people, not contributions (someone who answered a theme twice counts once per option
they chose). A multiple-choice question is tallied per option, never per combination: three
people who ticked "Mobilité" and "Logement" count three times, once under each.

What organisers may see (bot/domain/privacy.py has the rule; docs/privacy.md the threat):
- a question fewer than `threshold` people answered is not tallied at all;
- single choice and scale (each person in exactly one option): the options form a partition,
  so small options are merged into "other", and "other" absorbs the smallest shown options
  until it is large enough (`suppress_small_groups`): no small option can be recovered by
  subtracting the others from the respondents;
- multiple choice (a person in several options): each option on its own. A count under the
  threshold reads "fewer than N"; so does its complement: when only 1 to N−1 respondents did
  *not* choose an option, its count reads "at least respondents − N + 1", never the exact
  value (which would tell who, among few, did not);
- the scale's median is shown with its distribution (it is one of the answered values).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass

from bot.domain.privacy import OTHER, Group, suppress_small_groups
from bot.domain.questionnaire import SCALE_VALUES, Question

CLOSED_KINDS = ("single", "multi", "scale")


@dataclass(frozen=True)
class ClosedAnswer:
    """One person's current answer to a closed question."""

    person: int
    choices: tuple[str, ...] = ()  # single and multiple choice: the option keys
    scale: int | None = None


@dataclass(frozen=True)
class OptionCount:
    """One line of a tally. `key` is an option key, a scale value as text, or OTHER (the small
    options merged). `people` is exact, or None: then `at_least` is set when the option was
    chosen by nearly everyone, else it reads "fewer than N"."""

    key: str | None
    people: int | None
    at_least: int | None = None

    def share(self, respondents: int) -> float | None:
        return None if self.people is None else self.people / respondents


@dataclass(frozen=True)
class Tally:
    question: str
    kind: str
    respondents: int
    options: tuple[OptionCount, ...]  # the most chosen first; OTHER last
    median: float | None = None  # scale questions only

    def leading(self, count: int) -> tuple[OptionCount, ...]:
        """The `count` most chosen options with a figure to show, exact or "at least" (for a
        digest's line); "other" and the small ones are left to the spreadsheet."""
        return tuple(o for o in self.options if o.key is not OTHER and (o.people or o.at_least))[
            :count
        ]


def tally(question: Question, answers: Iterable[ClosedAnswer], threshold: int) -> Tally | None:
    """The tally organisers may see, or None when fewer than `threshold` people answered."""
    if question.kind not in CLOSED_KINDS:
        raise ValueError(f"{question.key} is not a closed question")
    chosen: dict[str, set[int]] = {}
    respondents: set[int] = set()
    scale_values: dict[int, int] = {}  # person -> their value (their latest, if several)
    known = {option.key for option in question.options}
    for answer in answers:
        if question.kind == "scale":
            keys = (str(answer.scale),) if answer.scale in SCALE_VALUES else ()
        else:  # an option removed from the questionnaire since is left out
            keys = tuple(key for key in answer.choices if key in known)
        if not keys:
            continue
        respondents.add(answer.person)
        for key in keys:
            chosen.setdefault(key, set()).add(answer.person)
        if answer.scale is not None:
            scale_values[answer.person] = answer.scale
    if len(respondents) < threshold:
        return None
    total = len(respondents)
    if question.kind == "multi":
        for option in question.options:  # an option nobody ticked reads "fewer than N" too
            chosen.setdefault(option.key, set())
        options = _each_option(chosen, total, threshold)
    else:
        options = _partition(chosen, threshold)
    median = statistics.median(scale_values.values()) if question.kind == "scale" else None
    return Tally(question.key, question.kind, total, options, median)


def _partition(chosen: dict[str, set[int]], threshold: int) -> tuple[OptionCount, ...]:
    groups = suppress_small_groups(
        [Group(key, len(people), len(people)) for key, people in chosen.items()], threshold
    )
    return tuple(OptionCount(group.key, group.contributors) for group in groups)


def _each_option(
    chosen: dict[str, set[int]], respondents: int, threshold: int
) -> tuple[OptionCount, ...]:
    lines = []
    for key, people in sorted(chosen.items(), key=lambda item: (-len(item[1]), item[0])):
        count, left_out = len(people), respondents - len(people)
        if count < threshold:
            lines.append(OptionCount(key, None))
        elif 0 < left_out < threshold:
            lines.append(OptionCount(key, None, at_least=respondents - threshold + 1))
        else:
            lines.append(OptionCount(key, count))
    return tuple(lines)
