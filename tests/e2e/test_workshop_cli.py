"""`python -m bot workshop import|list`, run as an organiser would (a subprocess, a SQLite file)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: str, url: str, cwd: Path) -> subprocess.CompletedProcess:
    """As tests/e2e/test_sandbox_and_cli.py runs commands (not imported: it loads the sandbox)."""
    environment = {k: v for k, v in os.environ.items() if k not in {"BOT_TOKEN", "DATABASE_URL"}}
    environment.update(DATABASE_URL=url, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        input="",
    )


def test_workshop_notes_are_checked_imported_once_and_listed_when_the_file_is_valid(
    tmp_path,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/workshop.sqlite3"
    notes = tmp_path / "atelier-lyon.csv"
    notes.write_bytes(
        (
            "\ufeffid;thème;région;text\n"
            + "L-1;1;auvergne rhone alpes;Les bus ne passent pas avant 7 h. Tél. 06 12 34 56 78\n"
            + ";Territoire et activités;84;Le BTP recrute\n"
            + ";2;;Tutorat en entreprise\n"
        ).encode("utf-8")
    )

    checked = run_cli("workshop", "import", "--dry-run", str(notes), url=url, cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert "3 workshop notes are valid" in checked.stdout
    assert "Nothing was imported (--dry-run)." in checked.stdout

    imported = run_cli("workshop", "import", str(notes), url=url, cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.strip() == (
        "3 workshop notes imported: 1 in 1. Repérage et entrée en IAE, "
        "1 in 2. Parcours et emploi durable, 1 in 3. Territoire et activités."
    )

    again = run_cli("workshop", "import", str(notes), url=url, cwd=tmp_path)
    assert again.returncode == 2
    assert f"{notes}, line 2: id 'L-1' was already imported (as W-L-1)." in again.stderr
    assert again.stderr.rstrip().endswith("Nothing was imported.")

    listed = run_cli("workshop", "list", url=url, cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.strip().splitlines()
    assert lines[0].startswith("W-L-1  entry  [Auvergne-Rhône-Alpes]  Les bus ne passent pas")
    assert "06 12" not in listed.stdout  # only the scrubbed text is stored
    assert lines[1:] == [
        "W-auto-1  territory  [Auvergne-Rhône-Alpes]  Le BTP recrute",
        "W-auto-2  pathway  [national]  Tutorat en entreprise",
    ]
    regional = run_cli("workshop", "list", "--region", "84", "--theme", "3", url=url, cwd=tmp_path)
    assert regional.stdout.strip().splitlines() == lines[1:2]


def test_workshop_import_refuses_everything_and_says_why_when_rows_are_wrong(tmp_path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/workshop.sqlite3"
    notes = tmp_path / "atelier.csv"
    notes.write_text(
        "id,theme,region,text\n1,entry,84,Bonne idée\n2,logement,Atlantide,\n1,3,53,Encore\n",
        encoding="utf-8",
    )
    result = run_cli("workshop", "import", str(notes), url=url, cwd=tmp_path)
    assert result.returncode == 2
    assert [line for line in result.stderr.splitlines() if line.startswith(str(notes))] == [
        f"{notes}, line 3: unknown theme 'logement' (entry, pathway, territory or 1, 2, 3).",
        f"{notes}, line 3: unknown region 'Atlantide' (a name or an INSEE code like 84).",
        f"{notes}, line 3: the text is missing.",
        f"{notes}, line 4: id '1' is already on line 2.",
    ]
    assert result.stderr.rstrip().endswith("Nothing was imported.")
    listed = run_cli("workshop", "list", url=url, cwd=tmp_path)
    assert listed.stdout.strip() == "No workshop note."
