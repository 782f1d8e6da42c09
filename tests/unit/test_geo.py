"""Tests for the built-in department/region table and lenient department resolution."""

import dataclasses
from collections import Counter

import pytest

from bot.domain.geo import (
    Department,
    DepartmentMatch,
    Region,
    all_departments,
    all_regions,
    department_label,
    get_department,
    get_region,
    resolve_department,
)


def codes(departments: tuple[Department, ...]) -> list[str]:
    return [dept.code for dept in departments]


def resolved_code(text: str) -> str | None:
    match = resolve_department(text)
    return match.department.code if match.department else None


# --- Table -------------------------------------------------------------------------------------


def test_table_has_101_departments_when_listing_all():
    departments = all_departments()
    assert len(departments) == 101
    assert len({dept.code for dept in departments}) == 101
    assert len({dept.name for dept in departments}) == 101


def test_table_has_18_regions_when_listing_all():
    regions = all_regions()
    assert len(regions) == 18
    assert len({region.code for region in regions}) == 18


def test_regions_are_in_code_order_when_listing_all():
    assert [region.code for region in all_regions()] == [
        "01", "02", "03", "04", "06", "11", "24", "27", "28",
        "32", "44", "52", "53", "75", "76", "84", "93", "94",
    ]  # fmt: skip


def test_departments_are_in_insee_order_when_listing_all():
    listed = codes(all_departments())
    assert listed[:3] == ["01", "02", "03"]
    assert listed[18:22] == ["19", "2A", "2B", "21"]
    assert listed[-6:] == ["95", "971", "972", "973", "974", "976"]


def test_every_region_has_a_department_when_grouping_departments():
    per_region = Counter(dept.region.code for dept in all_departments())
    assert set(per_region) == {region.code for region in all_regions()}
    assert per_region["84"] == 12
    assert per_region["76"] == 13
    assert per_region["75"] == 12
    assert per_region["44"] == 10
    assert per_region["11"] == 8
    assert per_region["27"] == 8
    assert per_region["94"] == 2
    assert per_region["04"] == 1


def test_region_objects_are_shared_when_departments_are_in_same_region():
    assert get_department("38").region is get_region("84")


def test_metropolitan_region_names_are_current_when_looked_up():
    assert get_region("84").name == "Auvergne-Rhône-Alpes"
    assert get_region("93").name == "Provence-Alpes-Côte d'Azur"
    assert get_region("44").name == "Grand Est"
    assert get_region("24").name == "Centre-Val de Loire"
    assert get_region("27").name == "Bourgogne-Franche-Comté"
    assert get_region("32").name == "Hauts-de-France"
    assert get_region("11").name == "Île-de-France"
    assert get_region("28").name == "Normandie"
    assert get_region("75").name == "Nouvelle-Aquitaine"
    assert get_region("76").name == "Occitanie"
    assert get_region("52").name == "Pays de la Loire"
    assert get_region("53").name == "Bretagne"
    assert get_region("94").name == "Corse"


def test_overseas_region_names_are_correct_when_looked_up():
    assert get_region("01").name == "Guadeloupe"
    assert get_region("02").name == "Martinique"
    assert get_region("03").name == "Guyane"
    assert get_region("04").name == "La Réunion"
    assert get_region("06").name == "Mayotte"


@pytest.mark.parametrize(
    ("dept_code", "dept_name", "region_code"),
    [
        ("01", "Ain", "84"),
        ("07", "Ardèche", "84"),
        ("13", "Bouches-du-Rhône", "93"),
        ("2A", "Corse-du-Sud", "94"),
        ("2B", "Haute-Corse", "94"),
        ("22", "Côtes-d'Armor", "53"),
        ("28", "Eure-et-Loir", "24"),
        ("29", "Finistère", "53"),
        ("33", "Gironde", "75"),
        ("38", "Isère", "84"),
        ("44", "Loire-Atlantique", "52"),
        ("50", "Manche", "28"),
        ("57", "Moselle", "44"),
        ("59", "Nord", "32"),
        ("66", "Pyrénées-Orientales", "76"),
        ("79", "Deux-Sèvres", "75"),
        ("90", "Territoire de Belfort", "27"),
        ("93", "Seine-Saint-Denis", "11"),
        ("95", "Val-d'Oise", "11"),
        ("971", "Guadeloupe", "01"),
        ("972", "Martinique", "02"),
        ("973", "Guyane", "03"),
        ("974", "La Réunion", "04"),
        ("976", "Mayotte", "06"),
    ],
)
def test_department_has_expected_name_and_region_when_looked_up_by_code(
    dept_code, dept_name, region_code
):
    dept = get_department(dept_code)
    assert dept is not None
    assert dept.code == dept_code
    assert dept.name == dept_name
    assert dept.region.code == region_code


@pytest.mark.parametrize("code", ["", "1", "20", "2a", "975", "00", "38000", " 38"])
def test_get_department_returns_none_when_code_is_not_exact(code):
    assert get_department(code) is None


def test_get_region_returns_none_when_code_is_unknown():
    assert get_region("05") is None
    assert get_region("84 ") is None


def test_dataclasses_are_frozen_when_mutated():
    dept = get_department("38")
    with pytest.raises(dataclasses.FrozenInstanceError):
        dept.name = "Isere"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        dept.region.name = "Rhône-Alpes"  # type: ignore[misc]
    match = resolve_department("38")
    with pytest.raises(dataclasses.FrozenInstanceError):
        match.department = None  # type: ignore[misc]


def test_dataclasses_compare_by_value_when_built_equal():
    region = Region("84", "Auvergne-Rhône-Alpes")
    assert get_department("38") == Department("38", "Isère", region)
    assert resolve_department("38") == DepartmentMatch(Department("38", "Isère", region), ())


def test_label_shows_name_and_code_when_formatting_department():
    assert department_label(get_department("38")) == "Isère (38)"
    assert department_label(get_department("2A")) == "Corse-du-Sud (2A)"
    assert department_label(get_department("974")) == "La Réunion (974)"


# --- Resolution by code ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("38", "38"),
        ("01", "01"),
        ("1", "01"),
        ("9", "09"),
        ("  75 ", "75"),
        ("2A", "2A"),
        ("2a", "2A"),
        ("2 A", "2A"),
        ("2b", "2B"),
        ("971", "971"),
        ("976", "976"),
    ],
)
def test_resolves_department_when_text_is_a_code(text, expected):
    match = resolve_department(text)
    assert match.department is not None
    assert match.department.code == expected
    assert match.suggestions == ()


def test_suggests_both_corsican_departments_when_old_code_20_is_given():
    match = resolve_department("20")
    assert match.department is None
    assert codes(match.suggestions) == ["2A", "2B"]


def test_suggests_both_corsican_departments_when_name_corse_is_given():
    match = resolve_department("Corse")
    assert match.department is None
    assert codes(match.suggestions) == ["2A", "2B"]


@pytest.mark.parametrize("text", ["00", "99", "975", "977", "100", "038", "2C"])
def test_returns_nothing_when_number_is_not_a_department_code(text):
    assert resolve_department(text) == DepartmentMatch(None, ())


# --- Resolution by postal code -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("38000", "38"),
        ("01000", "01"),
        ("75011", "75"),
        ("33000", "33"),
        ("97400", "974"),
        ("97100", "971"),
        ("97300", "973"),
        ("97600", "976"),
        ("20000", "2A"),
        ("20100", "2A"),
        ("20167", "2A"),
        ("20200", "2B"),
        ("20600", "2B"),
        ("20290", "2B"),
        ("38 000", "38"),
        ("1000", "01"),
    ],
)
def test_resolves_department_when_text_is_a_postal_code(text, expected):
    assert resolved_code(text) == expected


@pytest.mark.parametrize("text", ["00100", "20700", "20900", "97500", "97133", "97150", "98000"])
def test_returns_nothing_when_postal_code_is_not_in_a_department(text):
    assert resolve_department(text) == DepartmentMatch(None, ())


@pytest.mark.parametrize("text", ["380000", "3800 0 0", "38-000"])
def test_returns_no_department_when_postal_code_is_malformed(text):
    assert resolve_department(text).department is None


# --- Resolution by name ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Isère", "38"),
        ("isere", "38"),
        ("ISÈRE", "38"),
        ("  isère  ", "38"),
        ("cotes d armor", "22"),
        ("Côtes-d’Armor", "22"),
        ("Côtes-d'Armor", "22"),
        ("COTES DARMOR", "22"),
        ("val d oise", "95"),
        ("Val-d’Oise", "95"),
        ("valdoise", "95"),
        ("seine saint denis", "93"),
        ("Seine-St-Denis", "93"),
        ("bouches du rhone", "13"),
        ("Puy de Dome", "63"),
        ("territoire de belfort", "90"),
        ("Belfort", "90"),
        ("corse du sud", "2A"),
        ("haute-corse", "2B"),
        ("Loire", "42"),
        ("Loiret", "45"),
        ("Loir et Cher", "41"),
        ("paris", "75"),
    ],
)
def test_resolves_department_when_name_is_typed_loosely(text, expected):
    match = resolve_department(text)
    assert match.department is not None
    assert match.department.code == expected
    assert match.suggestions == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("La Réunion", "974"),
        ("la reunion", "974"),
        ("reunion", "974"),
        ("Réunion", "974"),
        ("guadeloupe", "971"),
        ("MARTINIQUE", "972"),
        ("Guyane", "973"),
        ("Guyane française", "973"),
        ("mayotte", "976"),
    ],
)
def test_resolves_overseas_department_when_name_is_typed(text, expected):
    assert resolved_code(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("le Rhône", "69"),
        ("la Gironde", "33"),
        ("les Landes", "40"),
        ("l'Isère", "38"),
        ("l’Ain", "01"),
        ("les Hautes-Alpes", "05"),
        ("département du Nord", "59"),
        ("departement de la Manche", "50"),
    ],
)
def test_resolves_department_when_name_has_leading_article(text, expected):
    assert resolved_code(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Isère (38)", "38"), ("Corse-du-Sud (2A)", "2A"), ("La Réunion (974)", "974")],
)
def test_resolves_department_when_text_is_a_label(text, expected):
    assert resolved_code(text) == expected


def test_resolution_round_trips_when_given_any_department_name_code_or_label():
    for dept in all_departments():
        assert resolve_department(dept.name).department == dept
        assert resolve_department(dept.code).department == dept
        assert resolve_department(department_label(dept)).department == dept


# --- Suggestions -------------------------------------------------------------------------------


def test_suggests_isere_first_when_name_has_a_typo():
    match = resolve_department("Iser")
    assert match.department is None
    assert match.suggestions[0].code == "38"
    assert len(match.suggestions) <= 3


def test_suggests_gironde_when_name_is_truncated():
    match = resolve_department("Girond")
    assert match.department is None
    assert codes(match.suggestions) == ["33"]


@pytest.mark.parametrize(
    ("text", "expected_first"),
    [
        ("Finistere", "29"),  # typed without accent but still exact
        ("Finistèr", "29"),
        ("hautes pyrennees", "65"),
        ("bouche du rhone", "13"),
        ("Ardeche", "07"),
        ("Ardech", "07"),
        ("Morbian", "56"),
        ("la reunon", "974"),
    ],
)
def test_finds_or_suggests_department_when_name_is_misspelled(text, expected_first):
    match = resolve_department(text)
    found = match.department.code if match.department else match.suggestions[0].code
    assert found == expected_first


def test_suggestions_are_unique_and_capped_when_many_names_are_close():
    match = resolve_department("haute")
    assert match.department is None
    assert len(match.suggestions) <= 3
    assert len(set(match.suggestions)) == len(match.suggestions)


# --- Empty and garbage input -------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\t\n"])
def test_returns_empty_match_when_input_is_blank(text):
    assert resolve_department(text) == DepartmentMatch(None, ())


@pytest.mark.parametrize(
    "text", ["azertyuiop", "hello world", "xyz", "!!!", "le", "()", "Foo (99)", "🙂"]
)
def test_returns_empty_match_when_input_is_garbage(text):
    assert resolve_department(text) == DepartmentMatch(None, ())
