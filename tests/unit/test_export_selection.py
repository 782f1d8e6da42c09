"""The export screen's selection, kept in its buttons: every tap checked, nothing stored."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.geo import all_regions
from bot.domain.questionnaire import default_questionnaire
from bot.services.export import ExportSelection

QUESTIONNAIRE = default_questionnaire()
NOW = datetime(2025, 3, 5, 12, tzinfo=UTC)


def test_unticking_a_theme_of_all_keeps_the_others_and_ticking_it_back_means_all() -> None:
    one_less = ExportSelection().toggle_theme(0, QUESTIONNAIRE)
    assert one_less is not None and one_less.themes == 0b110
    assert one_less.toggle_theme(0, QUESTIONNAIRE) == ExportSelection()


def test_the_last_ticked_theme_cannot_be_unticked() -> None:
    assert ExportSelection(themes=0b001).toggle_theme(0, QUESTIONNAIRE) is None


def test_a_forged_selection_is_refused_when_a_value_no_button_offers_is_in_it() -> None:
    assert ExportSelection(themes=1 << len(QUESTIONNAIRE.themes)).checked(QUESTIONNAIRE) is None
    assert ExportSelection(regions=-1).checked(QUESTIONNAIRE) is None
    assert ExportSelection(period="365").checked(QUESTIONNAIRE) is None
    assert ExportSelection().toggle_region(len(all_regions()), QUESTIONNAIRE) is None
    assert ExportSelection().toggle_theme(-1, QUESTIONNAIRE) is None


def test_the_scope_names_the_ticked_themes_and_regions_over_the_period() -> None:
    selection = ExportSelection(themes=0b010, period="7").toggle_region(0, QUESTIONNAIRE)
    assert selection is not None
    scope = selection.scope(QUESTIONNAIRE, NOW)
    assert scope.themes == (QUESTIONNAIRE.themes[1].key,)
    assert scope.regions == (all_regions()[0].code,)
    assert (scope.start, scope.end) == (NOW - timedelta(days=7), NOW)
    assert ExportSelection().scope(QUESTIONNAIRE, NOW).start is None
