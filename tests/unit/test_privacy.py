from __future__ import annotations

from bot.domain.privacy import (
    OTHER,
    Group,
    PeopleCounts,
    attribute,
    disclosable,
    suppress_small_groups,
    visible_count,
)


def test_groups_under_threshold_are_merged_into_other_when_suppressing() -> None:
    groups = [Group("84", 12, 20), Group("75", 4, 9), Group("11", 1, 1), Group("53", 5, 5)]
    result = suppress_small_groups(groups, threshold=5)
    assert result == [Group("84", 12, 20), Group("53", 5, 5), Group(OTHER, 5, 10)]


def test_unknown_key_goes_to_other_when_profile_has_no_value() -> None:
    assert suppress_small_groups([Group(None, 7, 7)], 5) == [Group(OTHER, 7, 7)]


def test_nothing_is_merged_when_every_group_is_large_enough() -> None:
    groups = [Group("a", 5, 5), Group("b", 6, 8)]
    assert suppress_small_groups(groups, 5) == [Group("b", 6, 8), Group("a", 5, 5)]


def test_threshold_is_configurable_when_set_to_two() -> None:
    groups = [Group("a", 3, 3), Group("b", 2, 2), Group("c", 1, 1), Group("d", 1, 1)]
    assert suppress_small_groups(groups, 2) == [
        Group("a", 3, 3),
        Group("b", 2, 2),
        Group(OTHER, 2, 2),
    ]


def test_smallest_groups_join_other_when_other_alone_would_be_too_small() -> None:
    # Total 21 - 12 - 6 would give the lone region's exact count: 6 joins "other".
    groups = [Group("84", 12, 14), Group("75", 6, 6), Group("11", 1, 1)]
    assert suppress_small_groups(groups, 5) == [Group("84", 12, 14), Group(OTHER, 7, 7)]


def test_everything_merges_into_other_when_no_group_can_stand_alone() -> None:
    groups = [Group("84", 5, 5), Group("11", 1, 1)]
    assert suppress_small_groups(groups, 5) == [Group(OTHER, 6, 6)]


def test_result_set_is_disclosable_only_from_the_threshold_on() -> None:
    assert not disclosable(4, 5)
    assert disclosable(5, 5)


def test_counts_are_withheld_below_threshold_zero_included() -> None:
    assert visible_count(12, 5, 5) == 12
    assert visible_count(4, 4, 5) is None
    assert visible_count(0, 0, 5) is None
    assert visible_count(9, 3, 5) is None  # nine contributions by three people


def counts(dept=None, region_role=None, region=None, by_type=None) -> PeopleCounts:
    return PeopleCounts(dept or {}, region_role or {}, region or {}, by_type or {})


def test_attribution_keeps_department_when_five_people_share_it() -> None:
    who = attribute("ai", "38", "84", "cip", counts(dept={("ai", "38", "cip"): 5}), 5)
    assert (who.place, who.place_is_region, who.role) == ("38", False, "cip")


def test_attribution_falls_back_to_region_then_drops_role_when_groups_are_small() -> None:
    people = counts(
        dept={("ai", "38", "cip"): 1},
        region_role={("ai", "84", "cip"): 6, ("ai", "84", "director"): 1},
        region={("ai", "84"): 7},
    )
    cip = attribute("ai", "38", "84", "cip", people, 5)
    assert (cip.place, cip.place_is_region, cip.role) == ("84", True, "cip")
    director = attribute("ai", "38", "84", "director", people, 5)
    assert (director.place, director.place_is_region, director.role) == ("84", True, None)


def test_attribution_drops_even_the_structure_type_when_fewer_than_five_share_it() -> None:
    lonely = counts(region={("etti", "76"): 1}, by_type={("etti",): 1})
    who = attribute("etti", "48", "76", "director", lonely, 5)
    assert (who.structure_type, who.place, who.role) == (None, None, None)
    common = counts(by_type={("ai",): 9})
    assert attribute("ai", "48", "76", "director", common, 5).structure_type == "ai"
