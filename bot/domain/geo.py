"""French departments and regions, and lenient resolution of what users type.

The table below lists the 101 departments (96 metropolitan + 5 overseas) and the
18 regions, keyed by their official INSEE codes (Code officiel géographique,
regions as redrawn on 1 January 2016). It is built in so the bot needs no
network access or data file to know where a contribution comes from.

Field staff type departments in many ways on a phone keyboard: "38", "isere",
"ISÈRE", "Côtes-d’Armor" with a typographic apostrophe, a postal code, a typo.
Names are therefore compared after normalisation (case, accents, hyphens,
apostrophes and spaces removed) and codes after removing spaces, so that all of
these land on the same department, with close-match suggestions as a fallback.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

__all__ = [
    "Department",
    "DepartmentMatch",
    "Region",
    "all_departments",
    "all_regions",
    "department_label",
    "get_department",
    "get_region",
    "is_overseas",
    "regions_for_display",
    "resolve_department",
    "resolve_region",
]


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class Department:
    code: str
    name: str
    region: Region


@dataclass(frozen=True, slots=True)
class DepartmentMatch:
    """Result of :func:`resolve_department`.

    ``department`` is set when the input designates exactly one department; otherwise
    ``suggestions`` holds up to three candidates, best first (possibly none).
    """

    department: Department | None
    suggestions: tuple[Department, ...] = ()


# INSEE region code -> name.
_REGIONS: dict[str, str] = {
    "01": "Guadeloupe",
    "02": "Martinique",
    "03": "Guyane",
    "04": "La Réunion",
    "06": "Mayotte",
    "11": "Île-de-France",
    "24": "Centre-Val de Loire",
    "27": "Bourgogne-Franche-Comté",
    "28": "Normandie",
    "32": "Hauts-de-France",
    "44": "Grand Est",
    "52": "Pays de la Loire",
    "53": "Bretagne",
    "75": "Nouvelle-Aquitaine",
    "76": "Occitanie",
    "84": "Auvergne-Rhône-Alpes",
    "93": "Provence-Alpes-Côte d'Azur",
    "94": "Corse",
}

# (INSEE department code, name, INSEE region code), in official code order
# (2A and 2B sit where the former code 20 was, between 19 and 21).
_DEPARTMENTS: tuple[tuple[str, str, str], ...] = (
    ("01", "Ain", "84"),
    ("02", "Aisne", "32"),
    ("03", "Allier", "84"),
    ("04", "Alpes-de-Haute-Provence", "93"),
    ("05", "Hautes-Alpes", "93"),
    ("06", "Alpes-Maritimes", "93"),
    ("07", "Ardèche", "84"),
    ("08", "Ardennes", "44"),
    ("09", "Ariège", "76"),
    ("10", "Aube", "44"),
    ("11", "Aude", "76"),
    ("12", "Aveyron", "76"),
    ("13", "Bouches-du-Rhône", "93"),
    ("14", "Calvados", "28"),
    ("15", "Cantal", "84"),
    ("16", "Charente", "75"),
    ("17", "Charente-Maritime", "75"),
    ("18", "Cher", "24"),
    ("19", "Corrèze", "75"),
    ("2A", "Corse-du-Sud", "94"),
    ("2B", "Haute-Corse", "94"),
    ("21", "Côte-d'Or", "27"),
    ("22", "Côtes-d'Armor", "53"),
    ("23", "Creuse", "75"),
    ("24", "Dordogne", "75"),
    ("25", "Doubs", "27"),
    ("26", "Drôme", "84"),
    ("27", "Eure", "28"),
    ("28", "Eure-et-Loir", "24"),
    ("29", "Finistère", "53"),
    ("30", "Gard", "76"),
    ("31", "Haute-Garonne", "76"),
    ("32", "Gers", "76"),
    ("33", "Gironde", "75"),
    ("34", "Hérault", "76"),
    ("35", "Ille-et-Vilaine", "53"),
    ("36", "Indre", "24"),
    ("37", "Indre-et-Loire", "24"),
    ("38", "Isère", "84"),
    ("39", "Jura", "27"),
    ("40", "Landes", "75"),
    ("41", "Loir-et-Cher", "24"),
    ("42", "Loire", "84"),
    ("43", "Haute-Loire", "84"),
    ("44", "Loire-Atlantique", "52"),
    ("45", "Loiret", "24"),
    ("46", "Lot", "76"),
    ("47", "Lot-et-Garonne", "75"),
    ("48", "Lozère", "76"),
    ("49", "Maine-et-Loire", "52"),
    ("50", "Manche", "28"),
    ("51", "Marne", "44"),
    ("52", "Haute-Marne", "44"),
    ("53", "Mayenne", "52"),
    ("54", "Meurthe-et-Moselle", "44"),
    ("55", "Meuse", "44"),
    ("56", "Morbihan", "53"),
    ("57", "Moselle", "44"),
    ("58", "Nièvre", "27"),
    ("59", "Nord", "32"),
    ("60", "Oise", "32"),
    ("61", "Orne", "28"),
    ("62", "Pas-de-Calais", "32"),
    ("63", "Puy-de-Dôme", "84"),
    ("64", "Pyrénées-Atlantiques", "75"),
    ("65", "Hautes-Pyrénées", "76"),
    ("66", "Pyrénées-Orientales", "76"),
    ("67", "Bas-Rhin", "44"),
    ("68", "Haut-Rhin", "44"),
    ("69", "Rhône", "84"),
    ("70", "Haute-Saône", "27"),
    ("71", "Saône-et-Loire", "27"),
    ("72", "Sarthe", "52"),
    ("73", "Savoie", "84"),
    ("74", "Haute-Savoie", "84"),
    ("75", "Paris", "11"),
    ("76", "Seine-Maritime", "28"),
    ("77", "Seine-et-Marne", "11"),
    ("78", "Yvelines", "11"),
    ("79", "Deux-Sèvres", "75"),
    ("80", "Somme", "32"),
    ("81", "Tarn", "76"),
    ("82", "Tarn-et-Garonne", "76"),
    ("83", "Var", "93"),
    ("84", "Vaucluse", "93"),
    ("85", "Vendée", "52"),
    ("86", "Vienne", "75"),
    ("87", "Haute-Vienne", "75"),
    ("88", "Vosges", "44"),
    ("89", "Yonne", "27"),
    ("90", "Territoire de Belfort", "27"),
    ("91", "Essonne", "11"),
    ("92", "Hauts-de-Seine", "11"),
    ("93", "Seine-Saint-Denis", "11"),
    ("94", "Val-de-Marne", "11"),
    ("95", "Val-d'Oise", "11"),
    ("971", "Guadeloupe", "01"),
    ("972", "Martinique", "02"),
    ("973", "Guyane", "03"),
    ("974", "La Réunion", "04"),
    ("976", "Mayotte", "06"),
)

_REGIONS_BY_CODE: dict[str, Region] = {
    code: Region(code, name) for code, name in sorted(_REGIONS.items())
}
_DEPARTMENTS_BY_CODE: dict[str, Department] = {
    code: Department(code, name, _REGIONS_BY_CODE[region]) for code, name, region in _DEPARTMENTS
}

# Words dropped from the start of a typed name when it does not match as is:
# "le Rhône", "la Gironde", "l'Isère", "département du Nord", "la réunion"...
_LEADING_WORDS = frozenset({"departement", "dept", "de", "du", "des", "d", "le", "la", "les", "l"})
# Common short or abbreviated names (normalised keys) -> department code.
_ALIASES: dict[str, str] = {
    "belfort": "90",
    "seinestdenis": "93",
    "guyanefrancaise": "973",
}
# Typed names that designate several departments rather than one.
_AMBIGUOUS_NAMES: dict[str, tuple[str, ...]] = {"corse": ("2A", "2B")}
# Former code of Corsica, split into 2A and 2B in 1976.
_AMBIGUOUS_CODES: dict[str, tuple[str, ...]] = {"20": ("2A", "2B")}
# Postal codes under 971 that belong to overseas collectivities, not to Guadeloupe.
_NON_DEPARTMENT_POSTAL_CODES = frozenset({"97133", "97150"})  # Saint-Barthélemy, Saint-Martin
_SUGGESTION_CUTOFF = 0.75
_MAX_SUGGESTIONS = 3

_CODE_RE = re.compile(r"\d{1,3}|2[AB]")
_LABEL_RE = re.compile(r"^(?P<name>.*?)\s*\((?P<code>[^()]*)\)$")


def _words(text: str) -> list[str]:
    """Lower-case, accent-free words of ``text``; any punctuation separates words."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.findall(r"[a-z0-9]+", bare.replace("œ", "oe").replace("æ", "ae"))


def _strip_leading_words(words: list[str]) -> list[str]:
    index = 0
    while index < len(words) - 1 and words[index] in _LEADING_WORDS:
        index += 1
    return words[index:]


def _name_keys(text: str) -> list[str]:
    """Comparison keys for a name: as typed, then without a leading article."""
    words = _words(text)
    keys = ["".join(words)]
    stripped = "".join(_strip_leading_words(words))
    if stripped != keys[0]:
        keys.append(stripped)
    return [key for key in keys if key]


_DEPARTMENTS_BY_KEY: dict[str, Department] = {}
for _dept in _DEPARTMENTS_BY_CODE.values():
    for _key in _name_keys(_dept.name):
        _DEPARTMENTS_BY_KEY.setdefault(_key, _dept)
for _key, _code in _ALIASES.items():
    _DEPARTMENTS_BY_KEY.setdefault(_key, _DEPARTMENTS_BY_CODE[_code])
del _dept, _key, _code


def get_region(code: str) -> Region | None:
    """Region with this exact INSEE code ("84"), or None."""
    return _REGIONS_BY_CODE.get(code)


def get_department(code: str) -> Department | None:
    """Department with this exact INSEE code ("38", "2A", "971"), or None."""
    return _DEPARTMENTS_BY_CODE.get(code)


def all_regions() -> tuple[Region, ...]:
    """The 18 regions, ordered by INSEE code (overseas regions 01–06 first)."""
    return tuple(_REGIONS_BY_CODE.values())


def is_overseas(region: Region) -> bool:
    """Guadeloupe, Martinique, Guyane, La Réunion, Mayotte (INSEE codes 01–06)."""
    return region.code < "10"


def _collation_key(name: str) -> str:
    """French dictionary order: accents, case and punctuation ignored ("Île-de-France" under I)."""
    return " ".join(_words(name))


def regions_for_display() -> tuple[Region, ...]:
    """The 18 regions in the order people look for them: the 13 metropolitan regions in
    alphabetical order, then the 5 overseas ones (alphabetical too). Only for showing them:
    positions in `all_regions()` are packed in callback data (bit masks, indexes) and must not
    move."""
    ordered = sorted(all_regions(), key=lambda region: _collation_key(region.name))
    return (
        *(region for region in ordered if not is_overseas(region)),
        *(region for region in ordered if is_overseas(region)),
    )


def all_departments() -> tuple[Department, ...]:
    """The 101 departments in official INSEE order (01…19, 2A, 2B, 21…95, 971…976)."""
    return tuple(_DEPARTMENTS_BY_CODE.values())


def department_label(dept: Department) -> str:
    """Human label such as "Isère (38)"."""
    return f"{dept.name} ({dept.code})"


def _departments(codes: tuple[str, ...]) -> tuple[Department, ...]:
    return tuple(_DEPARTMENTS_BY_CODE[code] for code in codes)


def _department_code_from_postal(postal: str) -> str | None:
    if postal in _NON_DEPARTMENT_POSTAL_CODES:
        return None
    if postal.startswith("97"):
        return postal[:3]
    if postal.startswith("20"):
        if postal[2] in "01":
            return "2A"
        if postal[2] in "23456":
            return "2B"
        return None
    return postal[:2]


def _resolve_code(compact: str) -> DepartmentMatch | None:
    """Resolve a department code or postal code; None if ``compact`` is not numeric-like."""
    if compact.isdigit() and len(compact) in (4, 5):
        # Postal code; a 4-digit one is a postal code that lost its leading zero
        # (typical of spreadsheets: "1000" for 01000 Bourg-en-Bresse).
        code = _department_code_from_postal(compact.zfill(5))
        dept = get_department(code) if code else None
        return DepartmentMatch(dept)
    if not _CODE_RE.fullmatch(compact):
        return None
    code = compact.zfill(2) if compact.isdigit() and len(compact) < 3 else compact
    if code in _AMBIGUOUS_CODES:
        return DepartmentMatch(None, _departments(_AMBIGUOUS_CODES[code]))
    return DepartmentMatch(get_department(code))


def _resolve_name(text: str) -> DepartmentMatch:
    keys = _name_keys(text)
    for key in keys:
        if key in _AMBIGUOUS_NAMES:
            return DepartmentMatch(None, _departments(_AMBIGUOUS_NAMES[key]))
        if key in _DEPARTMENTS_BY_KEY:
            return DepartmentMatch(_DEPARTMENTS_BY_KEY[key])
    scored: dict[Department, float] = {}
    for key in keys:
        for candidate in difflib.get_close_matches(
            key, _DEPARTMENTS_BY_KEY, n=_MAX_SUGGESTIONS * 2, cutoff=_SUGGESTION_CUTOFF
        ):
            dept = _DEPARTMENTS_BY_KEY[candidate]
            ratio = difflib.SequenceMatcher(None, key, candidate).ratio()
            scored[dept] = max(scored.get(dept, 0.0), ratio)
    ranked = sorted(scored, key=lambda dept: -scored[dept])  # stable: ties keep table order
    return DepartmentMatch(None, tuple(ranked[:_MAX_SUGGESTIONS]))


def resolve_department(text: str) -> DepartmentMatch:
    """Find the department a user means, leniently.

    Accepted input (surrounding and inner spaces ignored):

    * a department code: "38", "01", "1" (read as "01"), "2A", "2a", "2 A", "971";
    * the former Corsica code "20", and the name "Corse": ambiguous, so no department
      and suggestions (Corse-du-Sud, Haute-Corse);
    * a 5-digit postal code: "38000" → Isère, "97400" → La Réunion; for Corsica
      200xx–201xx → 2A and 202xx–206xx → 2B. A 4-digit number is read as a postal
      code whose leading zero was lost ("1000" → Ain). The postal prefix is the
      usual approximation: a handful of communes have a neighbouring department's
      prefix. 97133 (Saint-Barthélemy) and 97150 (Saint-Martin) are not in
      Guadeloupe and give no department;
    * a name, ignoring case, accents, hyphens, apostrophes (straight or curly) and
      spaces, optionally preceded by an article or "département du/de la…":
      "isere", "ISÈRE", "cotes d armor", "reunion", "le Rhône", "l'Isère"; a few
      common short forms are accepted too ("Belfort", "Seine-St-Denis");
    * a label as produced by :func:`department_label`: "Isère (38)".

    A name that matches nothing exactly yields up to three close names as
    suggestions ("Iser" → Isère). A number that is no department code ("00", "99",
    "975", "20900") yields neither a department nor suggestions: numbers near
    each other are not related departments, so guessing would only mislead.
    Empty or blank input yields an empty match.
    """
    text = text.strip()
    if not text:
        return DepartmentMatch(None)
    label = _LABEL_RE.match(text)
    if label:
        by_code = _resolve_code(re.sub(r"\s+", "", label["code"]).upper())
        if by_code is not None and (by_code.department or by_code.suggestions):
            return by_code
        text = label["name"]
    by_code = _resolve_code(re.sub(r"\s+", "", text).upper())
    if by_code is not None:
        return by_code
    return _resolve_name(text)


_REGIONS_BY_KEY: dict[str, Region] = {
    "".join(_words(region.name)): region for region in _REGIONS_BY_CODE.values()
}


def resolve_region(text: str) -> Region | None:
    """A region from its INSEE code ("84") or its name, typed loosely ("auvergne rhone alpes")."""
    compact = text.strip()
    if compact.isdigit():
        return _REGIONS_BY_CODE.get(compact.zfill(2))
    return _REGIONS_BY_KEY.get("".join(_words(compact)))
