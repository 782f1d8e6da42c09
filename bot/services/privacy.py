"""What organisers may see: small groups merged into "other", coarse attributions.

Pure functions. A group (a region, a department, a role, a type of structure) with fewer than
`threshold` contributors is merged into "other", so nobody can be singled out from a table.
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


def suppress_small_groups(groups: Iterable[Group], threshold: int) -> list[Group]:
    """Merge every group under `threshold` contributors (and unknown keys) into OTHER.

    If the merged "other" group is itself under the threshold but not empty, it is still shown:
    it cannot be attributed to any one group. Largest groups first, "other" last.
    """
    kept: list[Group] = []
    other_people = other_contributions = 0
    for group in groups:
        if group.key is None or group.contributors < threshold:
            other_people += group.contributors
            other_contributions += group.contributions
        else:
            kept.append(group)
    kept.sort(key=lambda g: (-g.contributions, g.key or ""))
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
