"""Tallies of closed questions: per option, never per combination; in people; small ones hidden."""

from __future__ import annotations

import pytest

from bot.domain.privacy import OTHER
from bot.domain.questionnaire import default_questionnaire
from bot.domain.tallies import ClosedAnswer, OptionCount, Tally, tally
from bot.services.digest import _leader

ENTRY = default_questionnaire().theme("entry")
MULTI = ENTRY.question("entry_top_barriers")  # mobility, housing, childcare, health...
SINGLE = ENTRY.question("entry_outreach")  # 6 channels
SCALE = ENTRY.question("entry_prescription")
K = 5


def people(count: int, start: int = 0, **answer) -> list[ClosedAnswer]:
    return [ClosedAnswer(person=start + i, **answer) for i in range(count)]


def by_key(result) -> dict:
    return {o.key: o for o in result.options}


def test_multiple_choice_counts_each_option_not_each_combination() -> None:
    answers = people(6, choices=("mobility", "housing")) + people(
        6, start=100, choices=("mobility",)
    )
    result = tally(MULTI, answers, K)
    assert result.respondents == 12
    assert by_key(result)["mobility"] == OptionCount("mobility", 12)
    assert by_key(result)["housing"] == OptionCount("housing", 6)
    assert result.options[0].key == "mobility"  # the most chosen first
    assert by_key(result)["housing"].share(result.respondents) == 0.5


def test_a_person_counts_once_per_option_even_with_two_contributions() -> None:
    answers = people(5, choices=("mobility",)) + people(5, choices=("mobility", "health"))
    result = tally(MULTI, answers, K)
    assert result.respondents == 5
    assert by_key(result)["mobility"].people == 5
    assert by_key(result)["health"].people == 5


def test_small_options_and_untouched_options_read_fewer_than_k_when_multiple_choice() -> None:
    answers = people(8, choices=("mobility",)) + people(2, start=50, choices=("health",))
    result = tally(MULTI, answers, K)
    assert by_key(result)["health"] == OptionCount("health", None)
    assert by_key(result)["childcare"] == OptionCount("childcare", None)  # nobody: not "0"


def test_an_option_nearly_everyone_chose_hides_how_many_did_not() -> None:
    # 10 respondents, 8 chose mobility: "2 did not" would single out two people.
    answers = people(8, choices=("mobility",)) + people(2, start=50, choices=("housing",))
    mobility = by_key(tally(MULTI, answers, K))["mobility"]
    assert mobility.people is None and mobility.at_least == 10 - K + 1
    everyone = by_key(tally(MULTI, people(7, choices=("mobility",)), K))["mobility"]
    assert everyone.people == 7  # all of them: nobody is singled out


def test_single_choice_merges_small_options_so_none_can_be_subtracted() -> None:
    answers = (
        people(9, choices=("france_travail",))
        + people(6, start=20, choices=("word_of_mouth",))
        + people(2, start=40, choices=("outreach",))
    )
    result = tally(SINGLE, answers, K)
    # "outreach" (2) alone would be 17 − 9 − 6: it joins "other" with the smallest shown option.
    assert [(o.key, o.people) for o in result.options] == [("france_travail", 9), (OTHER, 8)]


def test_scale_has_its_distribution_and_median() -> None:
    answers = people(5, scale=4) + people(5, start=10, scale=2) + people(1, start=30, scale=5)
    result = tally(SCALE, answers, K)
    assert result.respondents == 11 and result.median == 4
    # The lone "5" is merged into "other", which takes a shown value with it to reach k.
    assert [(o.key, o.people) for o in result.options] == [("2", 5), (OTHER, 6)]


@pytest.mark.parametrize("question", [MULTI, SINGLE, SCALE])
def test_no_tally_when_fewer_than_k_people_answered(question) -> None:
    answer = {"scale": 3} if question.kind == "scale" else {"choices": (question.options[0].key,)}
    assert tally(question, people(K - 1, **answer), K) is None
    assert tally(question, people(K, **answer), K) is not None


def test_the_same_answers_give_the_same_tally_in_any_order() -> None:
    answers = people(7, choices=("mobility", "housing")) + people(5, start=9, choices=("health",))
    assert tally(MULTI, answers, K) == tally(MULTI, list(reversed(answers)), K)


def test_options_the_questionnaire_no_longer_has_are_not_tallied() -> None:
    answers = people(6, choices=("mobility", "teleportation"))
    assert "teleportation" not in by_key(tally(MULTI, answers, K))


def test_no_leader_is_named_when_an_option_reads_at_least() -> None:
    nearly_all = Tally(
        "q", "multi", 100, (OptionCount("a", None, at_least=96), OptionCount("b", 50))
    )
    assert _leader(nearly_all) is None  # "a" leads, though its count is hidden
    clear = Tally("q", "multi", 100, (OptionCount("b", 50), OptionCount("a", 20)))
    assert _leader(clear) == "b"
