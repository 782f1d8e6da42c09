"""What organisers may see: the small-group rule, in one place, for every output.

Pure functions; docs/privacy.md explains the rule and the threat it answers (an honest but
curious organiser who combines filters).

1. A *result set* (what one digest, export, pre-read, chart or voice replay covers, after every
   filter: regions, departments, themes, period, subscription, meeting) is shown only if at
   least `threshold` distinct people are behind it (`disclosable`); otherwise the output is
   refused with one sentence asking to widen the scope.
2. Inside a result set that may be shown, every count backed by fewer than `threshold` people
   is shown as "fewer than N", never as its value (`visible_count`).
3. A breakdown (by region, department...) merges its small groups into "other"; if "other" is
   still small, the smallest shown groups join it until it is not (`suppress_small_groups`),
   so no small group can be recovered by subtracting the others from the total.
4. Each excerpt or row is attributed with a description (type · place · role) that at least
   `threshold` contributors share (`attribute`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

OTHER = None  # the merged group's key; rendered as "other" in the reader's language


@dataclass(frozen=True)
class Group:
    key: str | None
    contributors: int
    contributions: int


def disclosable(contributors: int, threshold: int) -> bool:
    """May a result set backed by `contributors` distinct people be shown at all?"""
    return contributors >= threshold


def visible_count(count: int, contributors: int, threshold: int) -> int | None:
    """`count` as organisers may see it: None ("fewer than N") when fewer than `threshold`
    people are behind it, zero included (an exact 0 tells as much as an exact 1)."""
    return count if contributors >= threshold else None


def suppress_small_groups(groups: Iterable[Group], threshold: int) -> list[Group]:
    """Merge every group under `threshold` contributors (and unknown keys) into OTHER.

    If "other" is then non-empty but still under the threshold, the smallest kept groups join it
    until it reaches the threshold (or nothing is left to merge): otherwise the total minus the
    shown groups would give a small group's exact size. Largest groups first, "other" last.
    People are counted per group, so a person in two merged groups counts twice in "other":
    that can only overstate it, never reveal a smaller group.
    """
    kept: list[Group] = []
    other_people = other_contributions = 0
    for group in groups:
        if group.key is None or group.contributors < threshold:
            other_people += group.contributors
            other_contributions += group.contributions
        else:
            kept.append(group)
    kept.sort(key=lambda g: (-g.contributions, -g.contributors, g.key or ""))
    while other_contributions and other_people < threshold and kept:
        smallest = kept.pop()
        other_people += smallest.contributors
        other_contributions += smallest.contributions
    if other_contributions:
        kept.append(Group(OTHER, other_people, other_contributions))
    return kept


@dataclass(frozen=True)
class Attribution:
    structure_type: str | None
    place: str | None  # a department code, or a region code when the department is too small
    place_is_region: bool
    role: str | None


@dataclass(frozen=True)
class PeopleCounts:
    """Contributors per profile combination, for `attribute`."""

    by_department: Mapping[tuple, int]  # (structure_type, department, role)
    by_region_role: Mapping[tuple, int]  # (structure_type, region, role)
    by_region: Mapping[tuple, int]  # (structure_type, region)
    by_type: Mapping[tuple, int]  # (structure_type,)


def attribute(
    structure_type: str | None,
    department: str | None,
    region: str | None,
    role: str | None,
    people: PeopleCounts,
    threshold: int,
) -> Attribution:
    """ "structure type · department · role", coarsened until at least `threshold` people share
    the whole description: the department becomes its region, then the role goes, then the
    place, then the type of structure."""
    if people.by_department.get((structure_type, department, role), 0) >= threshold:
        return Attribution(structure_type, department, False, role)
    if people.by_region_role.get((structure_type, region, role), 0) >= threshold:
        return Attribution(structure_type, region, True, role)
    if people.by_region.get((structure_type, region), 0) >= threshold:
        return Attribution(structure_type, region, True, None)
    if people.by_type.get((structure_type,), 0) >= threshold:
        return Attribution(structure_type, None, False, None)
    return Attribution(None, None, False, None)
