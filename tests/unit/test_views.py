from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.questionnaire import default_questionnaire
from bot.i18n import format_day, format_number, pick_locale, use_locale
from bot.views import messages
from bot.views.spreadsheets import sheet_title

PARIS = ZoneInfo("Europe/Paris")


def test_split_keeps_every_chunk_under_the_limit_without_cutting_words() -> None:
    paragraph = " ".join(f"mot{i}" for i in range(3000))
    text = "<b>Titre</b>\n\n" + paragraph + "\n\nfin"
    chunks = messages.split_for_telegram(text, limit=4096)
    assert len(chunks) > 1
    assert all(len(chunk) <= 4096 for chunk in chunks)
    words = " ".join(chunks).replace("\n", " ").split()
    assert words == text.replace("\n", " ").split()  # nothing lost, no word cut


def _balanced(chunk: str) -> bool:
    import re

    stack = []
    for closing, name in re.findall(r"<(/?)([a-z]+)[^>]*>", chunk):
        if closing:
            if not stack or stack.pop() != name:
                return False
        else:
            stack.append(name)
    return not stack


def test_split_never_cuts_a_tag_or_an_entity_and_reopens_what_spans_a_cut() -> None:
    long_italic = "<i>" + " ".join(f"l&apos;idée{i} &amp; co" for i in range(900)) + "</i>"
    text = "<b>Synthèse</b>\n\n" + long_italic + '\n\n<a href="https://x.fr/?a=1&amp;b=2">lien</a>'
    chunks = messages.split_for_telegram(text, limit=4096)
    assert len(chunks) > 2
    for chunk in chunks:
        assert len(chunk) <= 4096
        assert _balanced(chunk), chunk[-80:]
        assert not chunk.rstrip().endswith("&") and "&amp" not in chunk.replace("&amp;", "")
    assert chunks[1].startswith("<i>")  # the italic run goes on, reopened
    assert chunks[-1].endswith("</a>")


def test_split_prefers_a_blank_line_to_a_space() -> None:
    blocks = [f"<b>Bloc {i}</b>\n" + "mot " * 150 for i in range(30)]
    chunks = messages.split_for_telegram("\n\n".join(blocks), limit=4096)
    assert all(chunk.startswith("<b>Bloc ") for chunk in chunks)


def test_split_returns_text_unchanged_when_short() -> None:
    assert messages.split_for_telegram("court") == ["court"]


def test_user_text_is_escaped_when_rendered_as_html() -> None:
    assert messages.escape("<script>&") == "&lt;script&gt;&amp;"
    assert messages.escape("l'AI") == "l'AI"


def test_dates_are_written_in_full_french_when_locale_is_fr() -> None:
    assert format_day(date(2025, 3, 5), "fr", PARIS) == "mercredi 5 mars 2025"
    assert format_day(date(2025, 3, 5), "en", PARIS) == "Wednesday, March 5, 2025"


def test_dates_use_paris_time_when_utc_is_late_evening() -> None:
    late = datetime(2025, 3, 5, 23, 30, tzinfo=UTC)  # already the 6th in Paris
    assert format_day(late, "fr", PARIS) == "jeudi 6 mars 2025"


def test_numbers_use_french_grouping_when_locale_is_fr() -> None:
    assert format_number(12345, "fr") == "12\u202f345"
    assert format_number(12345, "en") == "12,345"


@pytest.mark.parametrize(("count", "expected"), [(1, "1 contribution."), (3, "3 contributions.")])
def test_plurals_follow_the_count_when_listing_contributions(count: int, expected: str) -> None:
    with use_locale("fr"):
        assert expected in messages.my_contributions_text(count)


@pytest.mark.parametrize(
    ("code", "locale"), [("en-GB", "en"), ("fr", "fr"), ("de", "fr"), (None, "fr")]
)
def test_telegram_language_maps_to_a_supported_locale(code, locale) -> None:
    assert pick_locale(code) == locale


def test_sheet_names_are_the_short_title_or_the_title_cut_at_a_word_within_31() -> None:
    theme = default_questionnaire().theme("entry")
    assert sheet_title(theme, "fr") == "1. Repérage et entrée en IAE"
    untitled = replace(theme, short_title=None)  # "1. Repérage, entrée en IAE et levée…"
    assert sheet_title(untitled, "fr") == "1. Repérage, entrée en IAE et"
    assert all(
        len(sheet_title(t, locale)) <= 31
        for t in default_questionnaire().themes
        for locale in ("fr", "en")
    )
