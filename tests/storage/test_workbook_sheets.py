"""The workbook's newer sheets read back with openpyxl: tallies per region, groups, workshop
notes, and a sheet that reaches Excel's row limit."""

from __future__ import annotations

import io
from zoneinfo import ZoneInfo

import openpyxl

from bot.domain.questionnaire import default_questionnaire
from bot.i18n import use_locale
from bot.jobs.outputs import export_xlsx
from bot.views import spreadsheets
from storage.reports import Scope
from tests.storage.test_synthesis import CHILDCARE, END, MOBILITY, import_notes, seed_entry

PARIS = ZoneInfo("Europe/Paris")


async def workbook_of(session, scope: Scope) -> openpyxl.Workbook:
    with use_locale("fr"):
        content = await export_xlsx(session, default_questionnaire(), scope, 5, "fr", PARIS)
    assert content is not None
    return openpyxl.load_workbook(io.BytesIO(content))


async def test_the_workbook_has_tallies_per_region_groups_and_workshop_notes(session) -> None:
    await seed_entry(session, MOBILITY + CHILDCARE)  # 9 people in Auvergne-Rhône-Alpes
    await seed_entry(session, MOBILITY[:5], first_id=300, region="75")  # 5 in Nouvelle-Aquitaine
    await seed_entry(session, MOBILITY[:5], first_id=400, region="53")  # 5 in Bretagne
    await import_notes(
        session,
        "N-1,1,75,Un garage solidaire à Pau : appeler le 06 12 34 56 78\n"
        'N-2,1,75,"=HYPERLINK(""http://x.example"";""clic"")"\n',
    )

    workbook = await workbook_of(session, Scope(end=END))

    assert workbook.sheetnames[-3:] == ["Décomptes par région", "Groupes", "Notes d'atelier"]
    by_region = list(workbook["Décomptes par région"].iter_rows(values_only=True))
    assert by_region[0][:4] == ("Région", "Thème", "Question", "Réponse")
    mobility = {row[0]: row[4] for row in by_region[1:] if row[3] == "Mobilité"}
    assert mobility == {"Auvergne-Rhône-Alpes": 9, "Bretagne": 5, "Nouvelle-Aquitaine": 5}

    groups = list(workbook["Groupes"].iter_rows(values_only=True))
    members = {ref for row in groups[1:] for ref in (row[6] or "").split(", ")}
    assert "W-N-1" in members  # the note among the answers it joins
    assert sum(row[3] for row in groups[1:] if row[1].startswith("1.5")) == 19 + 2  # + notes

    notes = list(workbook["Notes d'atelier"].iter_rows(values_only=True))
    assert notes[0] == ("Référence", "Thème", "Région", "Importée le", "Texte")
    assert notes[1][:3] == ("W-N-1", 1, "Nouvelle-Aquitaine")
    assert "[téléphone]" in notes[1][4] and "06 12" not in notes[1][4]
    assert notes[2][4].startswith("'=")  # a note is never read as a formula


async def test_a_sheet_at_excel_row_limit_says_the_rest_is_in_the_csv(session, monkeypatch) -> None:
    monkeypatch.setattr(spreadsheets, "EXCEL_ROWS", 20)  # the real limit, scaled down
    await seed_entry(session, MOBILITY + CHILDCARE)

    workbook = await workbook_of(session, Scope(end=END))

    answers = list(workbook["Réponses"].iter_rows(values_only=True))
    assert len(answers) == 20
    assert "limite" in answers[-1][0] and "CSV" in answers[-1][0]
