"""Every catalog is complete, and every string in the code is in the catalogs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.i18n import LOCALES_DIR

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "__": None, "gettext": None, "lazy_gettext": None, "ngettext": (1, 2)}


def catalog(locale: str):
    with (LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=locale)


def code_messages() -> set[str]:
    found: set[str] = set()
    for folder in ("bot", "handlers"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / folder, method_map=[("**.py", "python")], keywords=KEYWORDS
        ):
            found.add(message[0] if isinstance(message, tuple) else message)
    return found


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_catalog_has_no_untranslated_or_fuzzy_entry(locale: str) -> None:
    problems = []
    for message in catalog(locale):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            problems.append(message.id)
    assert problems == []


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_every_string_in_the_code_is_in_the_catalog(locale: str) -> None:
    ids = {m.id[0] if isinstance(m.id, tuple) else m.id for m in catalog(locale) if m.id}
    missing = code_messages() - ids
    assert missing == set(), "run `make catalogs` and translate the new entries"


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_translations_keep_placeholders_and_tags(locale: str) -> None:
    for message in catalog(locale):
        if not message.id:
            continue
        source = message.id[-1] if isinstance(message.id, tuple) else message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(re.findall(r"\{\w+\}", source))
        tags = sorted(re.findall(r"</?\w+>", source))
        for translated in strings:
            assert set(re.findall(r"\{\w+\}", translated)) == expected, message.id
            assert sorted(re.findall(r"</?\w+>", translated)) == tags, message.id


def test_french_is_the_language_people_see_by_default() -> None:
    from bot.i18n import use_locale
    from bot.views import messages

    with use_locale("fr"):
        assert messages.button_expired() == (
            "Ce bouton a expiré. Merci d'utiliser le message le plus récent."
        )
