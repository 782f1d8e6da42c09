"""`python -m bot synthesis` and `python -m bot brief`, run as an organiser would (a subprocess on
a SQLite file)."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

from pypdf import PdfReader

from storage.engine import create_engine, create_session_factory
from storage.migrate import upgrade_to_head
from storage.models import Meeting
from tests.e2e.test_workshop_cli import run_cli
from tests.storage.test_synthesis import CHILDCARE, END, MOBILITY, seed_entry


async def seed(url: str) -> None:
    engine = create_engine(url, inline=False)
    try:
        await upgrade_to_head(engine)
        async with create_session_factory(engine)() as session, session.begin():
            await seed_entry(session, MOBILITY + CHILDCARE)
            session.add(Meeting(starts_at=END + timedelta(days=3), city="Lyon", regions=["84"]))
    finally:
        await engine.dispose()


def test_synthesis_prints_json_of_the_documented_shape_and_text(tmp_path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/relais.sqlite3"
    asyncio.run(seed(url))
    notes = tmp_path / "atelier.csv"
    notes.write_text("id,theme,region,text\nA1,1,84,Des places en crèche pour les salariés\n")
    assert run_cli("workshop", "import", str(notes), url=url, cwd=tmp_path).returncode == 0

    result = run_cli("synthesis", "--format", "json", "--region", "84", url=url, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    shape = json.loads(result.stdout)
    [theme] = shape["themes"]
    assert theme["theme"] == "entry" and theme["contributors"] == 9
    assert {"question", "options"} <= set(theme["closed"][0])
    assert {"label", "count", "share"} <= set(theme["closed"][0]["options"][0])
    members = {m for group in theme["groups"] for m in group["members"]} | set(theme["ungrouped"])
    assert "W-A1" in members and any(m.startswith("C-") for m in members)

    text = run_cli("synthesis", "--theme", "entry", url=url, cwd=tmp_path)
    assert text.returncode == 0, text.stderr
    assert "1. Repérage, entrée en IAE et levée des freins" in text.stdout
    mobility = next(line for line in text.stdout.splitlines() if "- Mobilité" in line)
    assert "9 (100" in mobility  # nine people, everyone

    unknown = run_cli("synthesis", "--theme", "logement", url=url, cwd=tmp_path)
    assert unknown.returncode == 2 and "Unknown theme: logement" in unknown.stderr


def test_brief_writes_a_pdf_of_the_meeting(tmp_path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/relais.sqlite3"
    asyncio.run(seed(url))
    output = tmp_path / "lyon.pdf"

    result = run_cli("brief", "--meeting", "1", "--output", str(output), url=url, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"written to {output}" in result.stdout
    text = " ".join(page.extract_text() for page in PdfReader(output).pages)
    assert "Dossier de l'atelier de Lyon" in text and "Participation" in text

    missing = run_cli("brief", "--meeting", "9", "--output", str(output), url=url, cwd=tmp_path)
    assert missing.returncode == 2 and "No meeting 9" in missing.stderr
