from __future__ import annotations

from bot.services.privacy import OTHER, Group, attribute, suppress_small_groups, visible_keys


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
    assert suppress_small_groups([Group("a", 2, 2), Group("b", 1, 1)], 2) == [
        Group("a", 2, 2),
        Group(OTHER, 1, 1),
    ]


def test_visible_keys_exclude_small_and_empty_groups() -> None:
    assert visible_keys({"38": 5, "33": 4, None: 10}, 5) == {"38"}


def test_attribution_keeps_department_when_five_people_share_it() -> None:
    who = attribute("ai", "38", "84", "cip", {("ai", "38", "cip"): 5}, {}, {}, 5)
    assert (who.place, who.place_is_region, who.role) == ("38", False, "cip")


def test_attribution_falls_back_to_region_then_drops_role_when_groups_are_small() -> None:
    by_dept = {("ai", "38", "cip"): 1}
    by_region_role = {("ai", "84", "cip"): 6, ("ai", "84", "director"): 1}
    by_region = {("ai", "84"): 7}
    cip = attribute("ai", "38", "84", "cip", by_dept, by_region_role, by_region, 5)
    assert (cip.place, cip.place_is_region, cip.role) == ("84", True, "cip")
    director = attribute("ai", "38", "84", "director", by_dept, by_region_role, by_region, 5)
    assert (director.place, director.place_is_region, director.role) == ("84", True, None)
    alone = attribute(
        "aci", "48", "76", "director", {}, {("aci", "76", "director"): 1}, {("aci", "76"): 1}, 5
    )
    assert (alone.place, alone.role) == (None, None)
