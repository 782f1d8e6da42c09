"""Adding a language is data: in a copy of the project, a German catalog and German texts in the
questionnaire make the bot offer and speak German, with no code changed (the README recipe)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml
from babel.messages.pofile import read_po, write_po

from bot.domain.profile_options import STRUCTURE_TYPES
from tests.e2e.test_delivery_crash import ROOT

DEUTSCH = len(STRUCTURE_TYPES) + 1  # the number of its button


def add_german(copy: Path) -> None:
    source = copy / "locales" / "en" / "LC_MESSAGES" / "messages.po"
    with source.open("rb") as handle:
        catalog = read_po(handle, locale="de")
    catalog.locale = "de"
    for message in catalog:  # untranslated German falls back to the English msgids...
        if message.id == "What type of structure do you work for?":
            message.string = "Für welche Art von Struktur arbeiten Sie?"  # ...but not this one
    target = copy / "locales" / "de" / "LC_MESSAGES"
    target.mkdir(parents=True)
    with (target / "messages.po").open("wb") as handle:
        write_po(handle, catalog)

    path = copy / "bot" / "domain" / "questionnaire.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))

    def walk(node):
        if isinstance(node, dict):
            if "fr" in node and "en" in node and isinstance(node["en"], str):
                node["de"] = node["en"]  # untranslated, but present: what the loader checks
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_a_third_language_is_offered_and_spoken_when_its_catalog_and_texts_exist(
    tmp_path: Path,
) -> None:
    copy = tmp_path / "relais"
    copy.mkdir()
    for part in ("bot", "handlers", "storage", "locales"):
        shutil.copytree(
            ROOT / part, copy / part, ignore=shutil.ignore_patterns("__pycache__", "*.mo")
        )
    add_german(copy)
    env = {
        **os.environ,
        "PYTHONPATH": str(copy),
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/de.sqlite3",
        "BOT_TOKEN": "",
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot", "sandbox"],
        cwd=copy,
        env=env,
        # Accept the notice; the first question (in French, Telegram's language) ends with a
        # one-tap switch to each other language: Deutsch comes after the structure types.
        input=f"/start\n1\n{DEUTSCH}\n:quit\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    screen = result.stdout
    assert result.returncode == 0, result.stderr
    assert f"[{DEUTSCH}] 🌐 Deutsch" in screen and f"[{DEUTSCH + 1}] 🌐 English" in screen
    assert "Für welche Art von Struktur arbeiten Sie?" in screen
