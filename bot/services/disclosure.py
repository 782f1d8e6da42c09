"""The small-group rule applied to one output's scope, with the queries it needs.

`bot/domain/privacy.py` holds the rule as pure functions; this module asks the database what
they need. An output may be shown when `scope_is_disclosable`:

1. at least `threshold` people are behind its result set;
2. each region and each theme it names has at least `threshold` people in it (else the
   difference between two selections, one with and one without that value, shows them);
3. what it leaves out, among the regions or themes, is empty or has at least `threshold` people
   (else the difference between "everything" and the selection shows them).

Inside a disclosable scope, excerpts and voice notes come only from the themes that at least
`threshold` people answered in it (`themes_to_show`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from bot.domain.privacy import PeopleCounts, disclosable
from storage.reports import ReportRepo, Scope


async def scope_is_disclosable(reports: ReportRepo, scope: Scope, threshold: int) -> bool:
    if not disclosable(await reports.contributors(scope), threshold):
        return False
    for field, left_out in (("regions", "not_regions"), ("themes", "not_themes")):
        chosen: tuple[str, ...] = getattr(scope, field)
        if not chosen:
            continue
        if len(chosen) > 1:
            for value in chosen:
                one = replace(scope, **{field: (value,)})
                if not disclosable(await reports.contributors(one), threshold):
                    return False
        rest = await reports.contributors(replace(scope, **{field: (), left_out: chosen}))
        if rest and not disclosable(rest, threshold):
            return False
    return True


async def themes_to_show(reports: ReportRepo, scope: Scope, threshold: int) -> dict[str, int]:
    """{theme: contributions} for the themes that at least `threshold` people answered in the
    scope."""
    return {
        theme: group.contributions
        for theme, group in (await reports.by_theme(scope)).items()
        if disclosable(group.contributors, threshold)
    }


async def voice_scope(reports: ReportRepo, scope: Scope, threshold: int) -> Scope | None:
    """The part of `scope` whose voice notes may be heard, or None: the scope may be shown,
    only its themes that enough people answered, and at least `threshold` people behind the
    voice notes themselves."""
    if not await scope_is_disclosable(reports, scope, threshold):
        return None
    themes = tuple(await themes_to_show(reports, scope, threshold))
    if not themes:
        return None
    heard = replace(scope, themes=themes)
    if not disclosable(await reports.voice_contributors(heard), threshold):
        return None
    return heard


async def people_counts(
    reports: ReportRepo, rows: Sequence[tuple] | None = None, scope: Scope | None = None
):
    """The four combination counts `privacy.attribute` needs, among the people of `scope` (an
    output's result set: a description must be shared within what is shown, not only in the
    whole consultation); `rows` (structure_type, department, region, role) limits them to the
    descriptions about to be shown."""

    def only(picker):
        return None if rows is None else [picker(r) for r in rows]

    def groups(columns, picker):
        return reports.profile_groups(columns, only(picker), scope)

    return PeopleCounts(
        by_department=await groups(
            ("structure_type", "department_code", "role"), lambda r: (r[0], r[1], r[3])
        ),
        by_region_role=await groups(
            ("structure_type", "region_code", "role"), lambda r: (r[0], r[2], r[3])
        ),
        by_region=await groups(("structure_type", "region_code"), lambda r: (r[0], r[2])),
        by_type=await groups(("structure_type",), lambda r: (r[0],)),
    )
