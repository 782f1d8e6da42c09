"""The newcomer's path: the terminal sandbox with piped input, and the CLI's start-up errors."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import load_settings
from bot.devtools.sandbox import run_sandbox
from storage.migrate import head_revision

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """/start
1
1
1
AI du Grésivaudan
38
1
1
1
Les horaires de bus ne collent pas aux missions.
1
2
9
4
1
:sticker
:voice 20
1
6
"""


async def test_sandbox_completes_a_contribution_in_french_when_input_is_piped(
    tmp_path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load_settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/sandbox.sqlite3")
    out = io.StringIO()
    await run_sandbox(settings, stdin=io.StringIO(SCRIPT), stdout=out)
    screen = out.getvalue()

    assert "   [1] ✅ J'accepte" in screen
    assert "Thème 1 · Question 1/5" in screen
    assert "<b>" not in screen and "&lt;" not in screen  # HTML rendered as plain text
    assert "vous › :sticker" in screen and "message vocal" in screen
    assert "reconnaître votre voix" in screen  # asked before the voice note is kept
    assert "Merci, votre contribution a bien été envoyée" in screen
    assert screen.rstrip().endswith("(end of the sandbox session)")


def run_cli(
    *args: str, env: dict[str, str] | None = None, cwd: Path
) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in {"BOT_TOKEN", "DATABASE_URL"}}
    environment.update(env or {})
    environment["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        input="",
    )


def test_run_explains_how_to_get_a_token_when_none_is_set(tmp_path) -> None:
    result = run_cli("run", cwd=tmp_path)
    assert result.returncode == 2
    assert "BOT_TOKEN is not set" in result.stderr and "sandbox" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_setting_stops_start_up_with_one_sentence_when_invalid(tmp_path) -> None:
    result = run_cli("migrate", env={"TIMEZONE": "Europe/Atlantis"}, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "Configuration error: Invalid TIMEZONE: unknown time zone 'Europe/Atlantis' "
        "(e.g. Europe/Paris)."
    )


def test_migrate_brings_a_new_database_to_head_when_run(tmp_path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/fresh.sqlite3"
    result = run_cli("migrate", env={"DATABASE_URL": url}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"Database at revision {head_revision()}" in result.stdout


@pytest.mark.parametrize("command", ["sandbox"])
def test_sandbox_uses_its_own_database_when_database_url_is_unset(tmp_path, command) -> None:
    result = run_cli(command, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "data" / "sandbox.sqlite3").exists()
    assert not (tmp_path / "data" / "relais.sqlite3").exists()


def test_meetings_csv_is_imported_then_listed_when_every_row_is_valid(tmp_path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/meetings.sqlite3"
    csv_file = tmp_path / "meetings.csv"
    csv_file.write_text(
        "date,time,city,regions,theme,venue\n"
        "2099-03-12,09:30,Grenoble,Auvergne-Rhône-Alpes,entry,Maison des associations\n"
        "2099-04-03,10:00,Bordeaux,75,,\n",
        encoding="utf-8",
    )
    result = run_cli("meetings", "import", str(csv_file), env={"DATABASE_URL": url}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "2 meetings imported." in result.stdout
    listed = run_cli("meetings", "list", env={"DATABASE_URL": url}, cwd=tmp_path)
    lines = listed.stdout.strip().splitlines()
    assert "2099-03-12 09:30  Grenoble  [Auvergne-Rhône-Alpes]  entry" in lines[0]
    assert "Bordeaux  [Nouvelle-Aquitaine]" in lines[1]


def test_meetings_import_refuses_everything_when_a_row_is_wrong(tmp_path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/meetings.sqlite3"
    csv_file = tmp_path / "meetings.csv"
    csv_file.write_text(
        "date,time,city,regions\n2099-03-12,09:30,Grenoble,84\n2001-01-01,10:00,Lyon,Atlantide\n",
        encoding="utf-8",
    )
    result = run_cli("meetings", "import", str(csv_file), env={"DATABASE_URL": url}, cwd=tmp_path)
    assert result.returncode == 2
    assert "line 3: 2001-01-01 10:00 is in the past." in result.stderr
    assert "line 3: unknown region 'Atlantide'" in result.stderr
    assert "Nothing was imported." in result.stderr
    listed = run_cli("meetings", "list", env={"DATABASE_URL": url}, cwd=tmp_path)
    assert listed.stdout.strip() == "No upcoming meeting."


def test_grant_makes_an_admin_or_an_organiser_of_someone_who_started_the_bot(tmp_path) -> None:
    import asyncio

    from bot.services.roles import Role, role_of
    from storage.engine import create_engine, create_session_factory
    from storage.models import User
    from tests.seed import Person, add_people

    url = f"sqlite+aiosqlite:///{tmp_path}/grant.sqlite3"
    assert run_cli("migrate", env={"DATABASE_URL": url}, cwd=tmp_path).returncode == 0
    missing = run_cli("grant", "--admin", "777", env={"DATABASE_URL": url}, cwd=tmp_path)
    assert missing.returncode == 1 and "must send /start" in missing.stderr

    async def add_and_read(user_id: int | None = None):
        engine = create_engine(url)
        async with create_session_factory(engine)() as session, session.begin():
            if user_id is None:
                await add_people(session, [Person(777), Person(778)])
                result = None
            else:
                result = await session.get(User, user_id)
        await engine.dispose()
        return result

    asyncio.run(add_and_read())
    admin = run_cli("grant", "--admin", "777", env={"DATABASE_URL": url}, cwd=tmp_path)
    organiser = run_cli("grant", "--organiser", "778", env={"DATABASE_URL": url}, cwd=tmp_path)
    assert "777 is an admin." in admin.stdout and "778 is an organiser." in organiser.stdout
    settings = load_settings(database_url=url, admin_ids="")
    assert role_of(777, asyncio.run(add_and_read(777)), settings) == Role.ADMIN
    assert role_of(778, asyncio.run(add_and_read(778)), settings) == Role.ORGANISER
    removed = run_cli(
        "grant", "--admin", "777", "--remove", env={"DATABASE_URL": url}, cwd=tmp_path
    )
    assert "777 is no longer an admin." in removed.stdout
    assert role_of(777, asyncio.run(add_and_read(777)), settings) == Role.MEMBER
    both = run_cli(
        "grant", "--admin", "1", "--organiser", "2", env={"DATABASE_URL": url}, cwd=tmp_path
    )
    assert both.returncode == 2  # one role at a time
