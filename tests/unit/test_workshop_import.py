"""Workshop notes' CSV: parsing and validation (pure, no database)."""

from __future__ import annotations

import pytest

from bot.domain.questionnaire import default_questionnaire
from bot.services.workshop_notes import ImportProblem, parse_notes, resolve_theme

Q = default_questionnaire()
HEADER = "id,theme,region,text\n"
BAD_ID = "use letters, digits, '.', '_', '-' or '/' (40 characters at most)"


def parse(content: str | bytes):
    return parse_notes(content, Q)


def problems(content: str | bytes) -> list[tuple[int, str]]:
    return [(p.line, p.message) for p in parse(content).problems]


def test_every_row_is_read_when_the_file_is_valid() -> None:
    parsed = parse(HEADER + "A1,entry,84,Les bus ne passent pas.\nA2,pathway,,Tutorat utile\n")
    assert parsed.problems == ()
    assert [(d.line, d.given_id, d.theme_key, d.region_code, d.text) for d in parsed.drafts] == [
        (2, "A1", "entry", "84", "Les bus ne passent pas."),
        (3, "A2", "pathway", None, "Tutorat utile"),
    ]


def test_every_problem_is_reported_with_its_line_and_nothing_is_kept_when_rows_are_wrong() -> None:
    parsed = parse(
        HEADER
        + "1,entry,84,bon\n"
        + "2,logement,84,texte\n"
        + "3,entry,Atlantide,texte\n"
        + "4,territory,53,bon aussi\n"
        + "5,logement,Atlantide,   \n"
    )
    assert [(p.line, p.message) for p in parsed.problems] == [
        (3, "unknown theme 'logement' (entry, pathway, territory or 1, 2, 3)"),
        (4, "unknown region 'Atlantide' (a name or an INSEE code like 84)"),
        (6, "unknown theme 'logement' (entry, pathway, territory or 1, 2, 3)"),
        (6, "unknown region 'Atlantide' (a name or an INSEE code like 84)"),
        (6, "the text is missing"),
    ]
    # The valid rows are parsed, but the service imports nothing while a problem remains.
    assert [d.line for d in parsed.drafts] == [2, 5]


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("1", "entry"),
        ("2", "pathway"),
        (" 3 ", "territory"),
        ("ENTRY", "entry"),
        ("Repérage et entrée en IAE", "entry"),
        ("reperage et entree en iae", "entry"),
        ("Parcours et accès à l'emploi durable", "pathway"),
        ("3. Territoire et activités", "territory"),
        ("Territory and activities", "territory"),
    ],
)
def test_theme_is_found_when_given_by_key_number_or_title(typed: str, key: str) -> None:
    assert resolve_theme(typed, Q).key == key


def test_theme_number_out_of_range_is_an_unknown_theme() -> None:
    assert problems(HEADER + "1,4,84,texte\n") == [
        (2, "unknown theme '4' (entry, pathway, territory or 1, 2, 3)")
    ]


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("84", "84"),
        ("Auvergne-Rhône-Alpes", "84"),
        ("auvergne rhone alpes", "84"),
        ("AUVERGNE-RHONE-ALPES", "84"),
        ("ile de france", "11"),
        ("Provence-Alpes-Côte d’Azur", "93"),
        ("1", "01"),
        ("", None),
        ("national", None),
    ],
)
def test_region_is_found_when_given_by_code_or_name_with_or_without_accents(
    typed: str, code: str | None
) -> None:
    (draft,) = parse(f'{HEADER}1,entry,"{typed}",texte\n').drafts
    assert draft.region_code == code


def test_a_bom_and_semicolons_are_read_when_french_excel_saved_the_file() -> None:
    content = "\ufeffid;theme;region;text\n7;1;Bretagne;Une phrase, avec une virgule\n"
    (draft,) = parse(content.encode("utf-8")).drafts
    assert (draft.given_id, draft.theme_key, draft.region_code) == ("7", "entry", "53")
    assert draft.text == "Une phrase, avec une virgule"


def test_columns_are_read_in_any_order_and_any_case_when_the_header_says_so() -> None:
    (draft,) = parse("Text;Région;THEME\nBonne idée;84;2\n").drafts
    assert (draft.given_id, draft.theme_key, draft.region_code, draft.text) == (
        None,
        "pathway",
        "84",
        "Bonne idée",
    )


def test_ids_are_optional_when_the_column_or_the_value_is_missing() -> None:
    assert [d.given_id for d in parse("theme,region,text\n1,84,a\n2,84,b\n").drafts] == [
        None,
        None,
    ]
    assert [d.given_id for d in parse(HEADER + ",entry,84,a\nX,entry,84,b\n").drafts] == [
        None,
        "X",
    ]


def test_a_duplicate_id_is_an_error_on_its_second_line() -> None:
    assert problems(HEADER + "A,entry,84,a\nB,entry,84,b\nA,pathway,84,c\n") == [
        (4, "id 'A' is already on line 2")
    ]


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("a b", f"bad id 'a b': {BAD_ID}"),
        (
            "x" * 41,
            f"bad id '{'x' * 41}': {BAD_ID}",
        ),
        ("auto-3", "id 'auto-3' is reserved: ids starting with 'auto-' are made up here"),
        ("AUTO-3", "id 'AUTO-3' is reserved: ids starting with 'auto-' are made up here"),
    ],
)
def test_an_id_that_could_be_confused_is_refused(given: str, message: str) -> None:
    assert problems(f'{HEADER}"{given}",entry,84,a\n') == [(2, message)]


def test_a_text_of_4000_characters_is_kept_and_one_more_is_refused() -> None:
    assert problems(f"{HEADER}1,entry,84,{'a' * 4000}\n") == []
    assert problems(f"{HEADER}1,entry,84,{'a' * 4001}\n") == [
        (2, "the text is longer than 4000 characters (4001)")
    ]


def test_an_empty_text_is_refused_when_only_spaces_remain() -> None:
    assert problems(HEADER + '1,entry,84,"  \t "\n') == [(2, "the text is missing")]


def test_a_text_written_over_several_lines_counts_as_one_row_when_quoted() -> None:
    parsed = parse(HEADER + '1,entry,84,"ligne un\nligne deux"\n2,entry,84,suite\n')
    assert parsed.problems == ()
    assert [(d.line, d.text) for d in parsed.drafts] == [
        (2, "ligne un\nligne deux"),
        (3, "suite"),
    ]


def test_header_problems_are_on_line_1_when_a_column_is_unknown_missing_or_doubled() -> None:
    expected = "(the columns are id, theme, region and text; id is optional)"
    assert problems("id,theme,region,text,auteur\n1,entry,84,a,Jean\n") == [
        (1, f"unknown column 'auteur' {expected}")
    ]
    assert problems("id,theme,text\n1,entry,a\n") == [(1, f"missing column 'region' {expected}")]
    assert problems("theme,region,text,Theme\n1,84,a,2\n") == [(1, "column 'theme' is given twice")]


def test_a_row_with_too_many_values_says_to_quote_when_a_delimiter_is_in_the_text() -> None:
    assert problems("id;theme;region;text\n1;entry;84;a; b\n") == [
        (2, "5 values for 4 columns (a text holding ';' or a line break must be in double quotes)")
    ]


def test_blank_rows_are_skipped_but_still_counted_when_a_spreadsheet_leaves_them() -> None:
    assert problems(HEADER + "\n,,,\n1,logement,84,a\n , ,,\n") == [
        (4, "unknown theme 'logement' (entry, pathway, territory or 1, 2, 3)")
    ]


def test_a_file_without_notes_or_in_another_encoding_is_refused_as_a_whole() -> None:
    assert problems("") == [(0, "no note found (the file is empty)")]
    assert problems(HEADER) == [(0, "no note found (only a header)")]
    latin1 = (HEADER + "1,entry,84,ok\n2,entry,84,Repérage\n").encode("cp1252")
    assert parse(latin1).problems == (
        ImportProblem(3, "not UTF-8 text: save the file as 'CSV UTF-8'"),
    )


def test_a_note_is_read_as_written_and_scrubbed_only_when_imported() -> None:
    # Scrubbing (patterns and the name model, in one batch) happens at import:
    # tests/storage/test_workshop_notes.py checks what is stored.
    (draft,) = parse(HEADER + '1,entry,84,"Rappeler au 06 12 34 56 78, merci"\n').drafts
    assert draft.text == "Rappeler au 06 12 34 56 78, merci"


def test_control_characters_are_removed_and_the_text_trimmed_when_read() -> None:
    (draft,) = parse(HEADER + '1,entry,84,"  Idée utile\x07  "\n').drafts
    assert draft.text == "Idée utile"


def test_an_unclosed_double_quote_is_reported_on_its_row() -> None:
    assert problems(HEADER + '1,entry,84,ok\n2,entry,84,"pas fermé\n') == [
        (3, "unreadable CSV (unexpected end of data): check the double quotes")
    ]
