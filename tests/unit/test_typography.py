"""French typography in the catalog and the questionnaire; English stays English; dates and times.

French (Imprimerie nationale's Lexique, see `bot/i18n.py`): a narrow no-break space (U+202F)
before ; ! ?, a no-break space (U+00A0) before : and inside « », before % a no-break space (or
Babel's narrow one), "1er" for the first of the month, times "9 h 30". Not punctuation, so left
alone: HTML tags, <code> and <pre> blocks, {placeholders}, URLs, HTML entities and times typed
as input ("09:30", "HH:MM").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from babel.messages.pofile import read_po

from bot.domain.questionnaire import default_questionnaire
from bot.i18n import LOCALES_DIR, format_day, format_moment, format_time, use_locale
from bot.services.reminders import PlannedSend
from bot.views import meetings as meetings_view

NBSP, NNBSP = "\u00a0", "\u202f"
PARIS = ZoneInfo("Europe/Paris")
NOT_PUNCTUATION = re.compile(
    r"<code>.*?</code>|<pre>.*?</pre>|<[^>]+>|\{\w*\}|https?://\S+|&#?\w+;"
    r"|\b\d{1,2}:\d{2}\b|\bHH:MM\b",
    re.S,
)
BREAKS = re.compile(r"[ \u00a0\u202f]")


def _masked(text: str) -> str:
    """The text with what is not punctuation replaced by "x" (same length, same positions)."""
    return NOT_PUNCTUATION.sub(lambda m: "x" * len(m.group(0)), text)


def french_problems(text: str) -> list[str]:
    """What breaks French typography in `text`, each with the characters around it."""
    masked, found = _masked(text), []

    def report(position: int, rule: str) -> None:
        found.append(f"{rule}: …{text[max(0, position - 12) : position + 4]!r}…")

    for match in re.finditer(r"\b\d{1,2}:\d{2}[ \u00a0\u202f]?:", text):
        report(match.end() - 1, "English-style colon after a time")
    for match in re.finditer(r"[;!?:%«»]", masked):
        position, sign = match.start(), match.group(0)
        before = masked[position - 1] if position else "\n"
        after = masked[position + 1] if position + 1 < len(masked) else "\n"
        if sign == "«":
            if after != NBSP:
                report(position, "« not followed by a no-break space")
        elif sign == "»":
            if before != NBSP:
                report(position, "» not preceded by a no-break space")
        elif before == "\n" or (sign in ";!?" and before in ";!?"):
            continue  # at the start of a line; the second sign of "?!"
        elif sign == ":" and before != NBSP:
            report(position, "':' not preceded by a no-break space (U+00A0)")
        elif sign in ";!?" and before != NNBSP:
            report(position, f"{sign!r} not preceded by a narrow no-break space (U+202F)")
        elif sign == "%" and before not in (NBSP, NNBSP):
            report(position, "'%' not preceded by a no-break space")
    return found


def english_problems(text: str) -> list[str]:
    masked = _masked(text)
    return [
        f"space before {m.group(0)[-1]!r}: …{text[max(0, m.start() - 12) : m.end() + 4]!r}…"
        for m in re.finditer(r"[ \u00a0\u202f][;!?:]|«|»|[\u00a0\u202f]%", masked)
    ]


def catalog_strings(locale: str) -> Iterator[tuple[str, str]]:
    """(msgid, msgstr) for every entry and plural form."""
    with (LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    for message in catalog:
        if not message.id:
            continue
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            yield msgid, string


def questionnaire_texts(locale: str) -> Iterator[tuple[str, str]]:
    """(where, text) for every title, description, prompt, hint, option and scale label."""
    for theme in default_questionnaire().themes:
        yield f"{theme.key}.title", theme.title.get(locale)
        yield f"{theme.key}.description", theme.description.get(locale)
        if theme.short_title:
            yield f"{theme.key}.short_title", theme.short_title.get(locale)
        for question in theme.questions:
            where = f"{theme.key}.{question.key}"
            yield f"{where}.prompt", question.prompt.get(locale)
            if question.hint:
                yield f"{where}.hint", question.hint.get(locale)
            for option in question.options:
                yield f"{where}.{option.key}", option.label.get(locale)
            for name, label in (("min", question.scale_min), ("max", question.scale_max)):
                if label:
                    yield f"{where}.scale_{name}", label.get(locale)


def _listing(problems: list[tuple[str, list[str]]]) -> str:
    return "\n".join(f"- {where!r}:\n    " + "\n    ".join(found) for where, found in problems)


def test_french_catalog_entries_follow_french_typography() -> None:
    problems = [
        (msgid, found) for msgid, text in catalog_strings("fr") if (found := french_problems(text))
    ]
    assert not problems, f"{len(problems)} French catalog entries to fix:\n" + _listing(problems)


def test_french_questionnaire_texts_follow_french_typography() -> None:
    problems = [
        (where, found)
        for where, text in questionnaire_texts("fr")
        if (found := french_problems(text))
    ]
    assert not problems, "bot/domain/questionnaire.yaml, French texts to fix:\n" + _listing(
        problems
    )


def test_english_entries_and_questionnaire_keep_english_style() -> None:
    texts = [*catalog_strings("en"), *questionnaire_texts("en")]
    problems = [(where, found) for where, text in texts if (found := english_problems(text))]
    assert not problems, "English texts with French spacing:\n" + _listing(problems)


def test_questions_speak_of_the_structure_not_only_of_associations_intermediaires() -> None:
    """The profile offers ACI, EI, ETTI, GEIQ, networks and State services too."""
    french = [where for where, text in questionnaire_texts("fr") if "votre AI" in text]
    english = [where for where, text in questionnaire_texts("en") if "your association" in text]
    catalog = [msgid for msgid, text in catalog_strings("fr") if "votre AI" in text]
    assert (french, english, catalog) == ([], [], [])


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("Thème : x", "':' not preceded"),
        ("Thème: x", "':' not preceded"),
        ("Prêt ?", "'?' not preceded"),
        ("Prêt\u00a0?", "'?' not preceded"),
        ("Arrêté ; fini", "';' not preceded"),
        ("Bravo !", "'!' not preceded"),
        ("« autre\u00a0»", "« not followed"),
        ("«\u00a0autre »", "» not preceded"),
        ("50 %", "'%' not preceded"),
        ("Rappel, 10:00\u00a0: prévu", "English-style colon after a time"),
        ("Rappel, 10:00: prévu", "English-style colon after a time"),
    ],
)
def test_the_rules_catch_english_spacing_in_french(text: str, rule: str) -> None:
    assert any(found.startswith(rule) for found in french_problems(text)), french_problems(text)


@pytest.mark.parametrize(
    "text",
    [
        "Thème\u00a0: x\u202f; «\u00a0autre\u00a0» ?!".replace(" ?", "\u202f?"),
        "Voir https://example.org/a?b=1 et <code>python -m bot meetings import F.csv</code>",
        "Tapez une heure comme 09:30 ou HH:MM",
        "{label}\u00a0: {count}, 12\u202f%",
        "Et maintenant…\u202f?",
        ":\u00a0au début d'une ligne\n: aussi",
    ],
)
def test_the_rules_leave_correct_french_and_what_is_not_punctuation_alone(text: str) -> None:
    assert french_problems(text) == []


def test_english_style_is_checked_too() -> None:
    assert english_problems("Theme: x; ok? yes!") == []
    assert english_problems("Theme\u00a0: x") and english_problems("Ready ?")


@pytest.mark.parametrize(
    ("value", "locale", "expected"),
    [
        (time(9, 30), "fr", "9\u00a0h\u00a030"),
        (time(10, 0), "fr", "10\u00a0h\u00a000"),
        (time(0, 5), "fr", "0\u00a0h\u00a005"),
        (time(9, 30, 59), "fr", "9\u00a0h\u00a030"),  # never seconds
        (time(9, 30), "en", "09:30"),
        (time(18, 5, 7), "en", "18:05"),
    ],
)
def test_format_time_writes_french_hours_and_english_clock_times(
    value: time, locale: str, expected: str
) -> None:
    assert format_time(value, locale) == expected


def test_format_time_uses_the_configured_time_zone() -> None:
    moment = datetime(2025, 7, 1, 7, 30, tzinfo=UTC)  # summer: UTC+2 in Paris
    assert format_time(moment, "fr", PARIS) == "9\u00a0h\u00a030"
    assert format_time(moment, "en", PARIS) == "09:30"


@pytest.mark.parametrize(
    ("locale", "form", "expected"),
    [
        ("fr", "full", "lundi 1er décembre 2025"),
        ("fr", "long", "1er décembre 2025"),
        ("fr", "medium", "1er déc. 2025"),
        ("fr", "MMMEd", "lun. 1er déc."),
        ("fr", "short", "01/12/2025"),  # figures only: no "er"
        ("en", "full", "Monday, December 1, 2025"),
        ("en", "MMMEd", "Mon, Dec 1"),
    ],
)
def test_format_day_writes_1er_for_the_first_of_the_month_in_french(
    locale: str, form: str, expected: str
) -> None:
    assert format_day(date(2025, 12, 1), locale, format=form) == expected


def test_format_day_leaves_other_days_and_quoted_letters_alone() -> None:
    assert format_day(date(2025, 12, 2), "fr") == "mardi 2 décembre 2025"
    assert format_day(date(2025, 12, 11), "fr", format="medium") == "11 déc. 2025"
    assert format_day(date(2025, 12, 1), "fr", format="'le' d MMMM") == "le 1er décembre"
    # 23:30 UTC on 30 November is already 1 December in Paris
    late = datetime(2025, 11, 30, 23, 30, tzinfo=UTC)
    assert format_day(late, "fr", PARIS) == "lundi 1er décembre 2025"


def test_format_moment_joins_day_and_time_without_seconds() -> None:
    moment = datetime(2025, 12, 1, 8, 30, 45, tzinfo=UTC)
    assert format_moment(moment, "fr", PARIS) == "1er décembre 2025 à 9\u00a0h\u00a030"
    assert format_moment(moment, "en", PARIS) == "December 1, 2025 at 09:30"
    assert format_moment(moment, "fr", PARIS, format="EEEE") == "lundi à 9\u00a0h\u00a030"


def test_the_meeting_screen_writes_french_times_without_an_english_colon() -> None:
    plan = [
        PlannedSend(7, datetime(2025, 11, 24, 9, 0, tzinfo=UTC), "planned"),
        PlannedSend(None, datetime(2025, 12, 1, 9, 0, tzinfo=UTC), "sent", recipients=3),
    ]
    with use_locale("fr"):
        french = meetings_view.entry(4, "", plan, "fr", PARIS)
    with use_locale("en"):
        english = meetings_view.entry(4, "", plan, "en", PARIS)
    assert "• Rappel J-7, lun. 24 nov. à 10\u00a0h\u00a000\u00a0: prévu" in french
    assert "lun. 1er déc. à 10\u00a0h\u00a000\u00a0: envoyé à 3 personnes" in french
    assert not re.search(r"\d:\d\d", french) and french_problems(french) == []
    assert "• Reminder D-7, Mon, Nov 24 at 10:00: planned" in english


def test_charts_read_month_names_in_the_readers_language() -> None:
    from bot.i18n import month_abbreviations

    assert month_abbreviations("fr")[:2] == ("janv.", "févr.")
    assert month_abbreviations("en")[:2] == ("Jan", "Feb")
