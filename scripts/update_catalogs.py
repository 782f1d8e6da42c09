"""Extract messages, update the catalogs, and fill the English one (msgids are English).

Usage: python scripts/update_catalogs.py   (or `make catalogs`). Then translate the new or
changed French entries (marked fuzzy or empty) in locales/fr/LC_MESSAGES/messages.po.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"
PYBABEL = [sys.executable, "-m", "babel.messages.frontend"]
EXTRACT = [
    "extract",
    "-F",
    "babel.cfg",
    "-k",
    "_",
    "-k",
    "__",
    "-k",
    "ngettext:1,2",
    "-k",
    "lazy_gettext",
    "-k",
    "N_",
    "-o",
    "locales/messages.pot",
    "--no-location",
    "--omit-header",
    "--sort-output",
    ".",
]


def main() -> None:
    subprocess.run([*PYBABEL, *EXTRACT], cwd=ROOT, check=True)
    subprocess.run(
        [
            *PYBABEL,
            "update",
            "-i",
            "locales/messages.pot",
            "-d",
            "locales",
            "-D",
            "messages",
            "--no-fuzzy-matching",
            "--ignore-obsolete",
        ],
        cwd=ROOT,
        check=True,
    )
    english = LOCALES / "en" / "LC_MESSAGES" / "messages.po"
    with english.open("rb") as handle:
        catalog = read_po(handle, locale="en")
    for message in catalog:
        if message.id and isinstance(message.id, tuple):
            message.string = (message.id[0], message.id[1])
        elif message.id:
            message.string = message.id
        message.flags.discard("fuzzy")
    with english.open("wb") as handle:
        write_po(handle, catalog, sort_output=True)


if __name__ == "__main__":
    main()
