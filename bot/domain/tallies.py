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


class TallyCounter:
    """Counts one closed question's answers as they stream in, one person at a time, keeping
    only counts (never the answers, never who): 100,000 contributions tally in a few kB.
    Feed it with `add_person` once per person, whatever number of contributions they have."""

    def __init__(self, question: Question) -> None:
        if question.kind not in CLOSED_KINDS:
            raise ValueError(f"{question.key} is not a closed question")
        self.question = question
        self.known = {option.key for option in question.options}
        self.counts: dict[str, int] = {}  # option key (a scale value as text) -> people
        self.respondents = 0

    def add_person(self, answers: Iterable[ClosedAnswer]) -> None:
        """One person's answers to this question (several if they answered it twice), oldest
        first: each option they chose counts once; a scale counts their latest value."""
        keys: set[str] = set()
        scale = None
        for answer in answers:
            if self.question.kind == "scale":
                scale = answer.scale if answer.scale in SCALE_VALUES else scale
            else:  # an option removed from the questionnaire since is left out
                keys.update(key for key in answer.choices if key in self.known)
        if scale is not None:
            keys = {str(scale)}
        if not keys:
            return
        self.respondents += 1
        for key in keys:
            self.counts[key] = self.counts.get(key, 0) + 1

    def result(self, threshold: int) -> Tally | None:
        """The tally organisers may see, or None when fewer than `threshold` people answered."""
        question, total = self.question, self.respondents
        if total < threshold:
            return None
        if question.kind == "multi":
            counts = dict.fromkeys(self.known, 0)  # an option nobody ticked: "fewer than N"
            counts.update(self.counts)
            options = _each_option(counts, total, threshold)
        else:
            options = _partition(self.counts, threshold)
        median = _median(self.counts) if question.kind == "scale" else None
        return Tally(question.key, question.kind, total, options, median)


def _median(counts: dict[str, int]) -> float:
    """The median of a scale's answers, from how many people gave each value."""
    values = sorted((int(key), count) for key, count in counts.items())
    return statistics.median(value for value, count in values for _ in range(count))


def tally(question: Question, answers: Iterable[ClosedAnswer], threshold: int) -> Tally | None:
    """The tally organisers may see, or None when fewer than `threshold` people answered.
    `answers` in any order (in memory: the service streams them person by person instead)."""
    counter = TallyCounter(question)
    by_person: dict[int, list[ClosedAnswer]] = {}
    for answer in answers:
        by_person.setdefault(answer.person, []).append(answer)
    for person_answers in by_person.values():
        counter.add_person(person_answers)
    return counter.result(threshold)


def _partition(counts: dict[str, int], threshold: int) -> tuple[OptionCount, ...]:
    groups = suppress_small_groups(
        [Group(key, people, people) for key, people in counts.items()], threshold
    )
    return tuple(OptionCount(group.key, group.contributors) for group in groups)


def _each_option(
    counts: dict[str, int], respondents: int, threshold: int
) -> tuple[OptionCount, ...]:
    lines = []
    for key, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        left_out = respondents - count
        if count < threshold:
            lines.append(OptionCount(key, None))
        elif 0 < left_out < threshold:
            lines.append(OptionCount(key, None, at_least=respondents - threshold + 1))
        else:
            lines.append(OptionCount(key, count))
    return tuple(lines)
