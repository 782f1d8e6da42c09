"""The synthesis (bot/services/synthesis.py) written out: as JSON for other tools, as plain text
for a terminal, in the current gettext locale (call inside `use_locale`).

JSON shape (`python -m bot synthesis --format json`):
{"themes": [{"theme": KEY, "contributors": N or null, "workshop_notes": N,
             "closed": [{"question": KEY, "respondents": N, "median": x or null,
                         "options": [{"key": KEY, "label": ..., "count": N or null,
                                      "share": 0.xx or null, "at_least": N or null}]}],
             "groups": [{"question": KEY, "terms": [...], "size": N, "authors": N,
                         "members": [references], "quotes": [...]}]}]}
A count the small-group rule hides is null: "at_least" then says how many at least when
nearly everyone chose the option, else it is "fewer than" the threshold (`"threshold"` at the
top). Members are contribution references (C-…) and workshop notes (W-…).
"""

from __future__ import annotations

from typing import Any

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from babel.numbers import format_decimal, format_percent

from bot.domain.grouping import ProposalGroup
from bot.domain.tallies import Tally
from bot.i18n import format_number
from bot.services.synthesis import QuestionGroups, Synthesis, ThemeSynthesis
from bot.views.digest import shorten
from bot.views.messages import count_text, fewer_than, option_label, small_scope_sentence

QUOTE_LENGTH = 220


def synthesis_json(synthesis: Synthesis, locale: str) -> dict[str, Any]:
    return {
        "threshold": synthesis.threshold,
        "themes": [_theme_json(theme, locale) for theme in synthesis.themes],
    }


def _theme_json(theme: ThemeSynthesis, locale: str) -> dict[str, Any]:
    return {
        "theme": theme.theme.key,
        "contributors": theme.contributors,
        "workshop_notes": len(theme.notes),
        "notes": [
            {"reference": note.reference, "region": note.region_code, "text": note.text}
            for note in theme.notes
        ],
        "closed": [_tally_json(theme, tally, locale) for tally in theme.tallies],
        "groups": [
            {
                "question": groups.question.key,
                "terms": list(group.terms),
                "size": group.size,
                "authors": group.authors,
                "members": list(group.members),
                "quotes": [quote.text for quote in group.quotes],
            }
            for groups in theme.groups
            for group in groups.grouping.groups
        ],
        "ungrouped": [ref for groups in theme.groups for ref in groups.grouping.ungrouped],
        "not_grouped": theme.too_many,  # question -> answers: too many to group
    }


def _tally_json(theme: ThemeSynthesis, tally: Tally, locale: str) -> dict[str, Any]:
    question = theme.theme.question(tally.question)
    return {
        "question": tally.question,
        "respondents": tally.respondents,
        "median": tally.median,
        "options": [
            {
                "key": option.key,
                "label": tally_option_label(question, option.key, locale),
                "count": option.people,
                "share": None
                if option.people is None
                else round(option.people / tally.respondents, 2),
                "at_least": option.at_least,
            }
            for option in tally.options
        ],
    }


def tally_option_label(question, key: str | None, locale: str) -> str:
    if key is None:
        return _("other answers (small groups merged)")
    return option_label(question, key, locale) if question else key


def synthesis_text(synthesis: Synthesis, locale: str) -> str:
    """Plain text for a terminal: every theme, its tallies in full, its groups with quotes."""
    lines: list[str] = []
    if not synthesis.people_shown:
        lines += [small_scope_sentence(synthesis.threshold), ""]
    if not synthesis.themes:
        lines.append(_("Nothing to show for this selection."))
        return "\n".join(lines)
    for theme in synthesis.themes:
        lines += [*theme_text(theme, synthesis.threshold, locale), ""]
    return "\n".join(lines).rstrip() + "\n"


def theme_text(theme: ThemeSynthesis, threshold: int, locale: str) -> list[str]:
    title = f"{theme.theme.number}. {theme.theme.title.get(locale)}"
    lines = [title, "=" * len(title)]
    people = count_text(theme.contributors, threshold, locale)
    lines.append(_("Contributors: {count}").format(count=people))
    if theme.notes:
        lines.append(
            ngettext("{count} workshop note", "{count} workshop notes", len(theme.notes)).format(
                count=format_number(len(theme.notes), locale)
            )
        )
    for tally in theme.tallies:
        question = theme.theme.question(tally.question)
        if question is None:
            continue
        number = f"{theme.theme.number}.{theme.theme.index_of(question.key) + 1}"
        lines += ["", f"{number} {question.prompt.get(locale)}"]
        lines.append(
            "   "
            + ngettext("{count} respondent", "{count} respondents", tally.respondents).format(
                count=format_number(tally.respondents, locale)
            )
            + (
                " · "
                + _("median {value}").format(value=format_decimal(tally.median, locale=locale))
                if tally.median is not None
                else ""
            )
        )
        for option in tally.options:
            label = tally_option_label(question, option.key, locale)
            figure = option_text(option, tally, threshold, locale)
            lines.append("   - " + _("{label}: {count}").format(label=label, count=figure))
    for key, count in theme.too_many.items():
        question = theme.theme.question(key)
        if question is not None:
            lines += ["", too_many_text(question.prompt.get(locale), count, locale)]
    for groups in theme.groups:
        lines += ["", group_heading(groups, locale)]
        for group in groups.grouping.groups:
            lines += group_lines(group, locale)
        notes = {note.reference: note for note in theme.notes}
        for reference in groups.grouping.ungrouped:
            if reference in notes:  # a workshop note is shown whole, grouped or not
                text = _("“{quote}”").format(quote=shorten(notes[reference].text, QUOTE_LENGTH))
                lines.append(f"   • {text} {reference}")
        others = [ref for ref in groups.grouping.ungrouped if ref not in notes]
        if others:
            lines.append(
                "   "
                + ngettext(
                    "{count} other answer in no group",
                    "{count} other answers in no group",
                    len(others),
                ).format(count=format_number(len(others), locale))
            )
    return lines


def too_many_text(question: str, count: int, locale: str) -> str:
    return _("{count} answers to “{question}”: too many to group here.").format(
        count=format_number(count, locale), question=shorten(question, 90)
    )


def option_text(option, tally: Tally, threshold: int, locale: str) -> str:
    """ "12 (40 %)", "at least 21" or "fewer than 5"."""
    if option.people is not None:
        share = format_percent(option.people / tally.respondents, locale=locale)
        return f"{format_number(option.people, locale)} ({share})"
    if option.at_least:
        return _("at least {count}").format(count=format_number(option.at_least, locale))
    return fewer_than(threshold)


def group_heading(groups: QuestionGroups, locale: str) -> str:
    return _("Answers to “{question}” ({count}), grouped").format(
        question=shorten(groups.question.prompt.get(locale), 90),
        count=format_number(groups.texts, locale),
    )


def group_lines(group: ProposalGroup, locale: str) -> list[str]:
    lines = [
        "   • "
        + " · ".join(group.terms)
        + " — "
        + ngettext("{count} answer", "{count} answers", group.size).format(
            count=format_number(group.size, locale)
        )
    ]
    for quote in group.quotes:
        repeated = (
            " "
            + ngettext(
                "(repeated by {count} person)", "(repeated by {count} people)", quote.repeated_by
            ).format(count=format_number(quote.repeated_by, locale))
            if quote.repeated_by > 1
            else ""
        )
        text = _("“{quote}”").format(quote=shorten(quote.text, QUOTE_LENGTH))
        lines.append(f"     {text}{repeated} {quote.reference}")
    return lines
