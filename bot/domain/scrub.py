r"""Replace direct identifiers in free-text contributions with neutral placeholders.

Organisers of the consultation only ever read the *scrubbed* text; the author of a
contribution keeps the original in their own conversation. This module is pure (no aiogram,
no database) and has two speeds (figures from ``bench/scrub_quality.py`` on the 2-core VM):

* ``scrub(text)`` / ``scrub(text, use_model=False)``: patterns and checksum libraries only,
  ~20 µs for an ordinary sentence, ~50 µs on average over notes full of identifiers (most
  of it in ``phonenumbers``' matcher); for the reply path. ``scrub_text`` and
  ``contains_pii`` are the same, kept for existing callers.
* ``scrub(text, use_model=True)``: the same plus spaCy's small French pipeline
  (``fr_core_news_sm``, NER component only) for person names written without a civility;
  ~1.3 ms per text, ~0.45 ms in batches with ``scrub_many``; loading takes ~2.5 s and adds
  ~150 MB of RSS (~120 MB in the bot's process, where numpy is already imported). For a
  background worker. spaCy is imported and the pipeline loaded on the first call that needs
  it (``load_model``), never at import time, never by a patterns-only call.

``scrub`` returns a ``Scrubbed(text, found)``: ``found`` holds the kinds replaced ("phone",
"email", "nir", "iban", "name", "address", "birth_date", "structure"), so the author can be
told once what organisers will not see. ``detect`` returns the spans instead.
``clean_input`` (below) strips control and bidi characters from input as it arrives.

Normalisation first
-------------------
Detection runs on, and the function returns, a normalised text: Unicode NFKC (full-width
digits and letters, ``＠``, ligatures become ASCII), every format character (category Cf:
zero-width space/joiner/non-joiner, word joiner, soft hyphen, BOM, bidi controls) removed,
every space separator (no-break, narrow no-break, thin, figure, ideographic...) turned
into a plain space, every hyphen and dash (``‐ ‑ ‒ – — ― −``) turned into ``-``, and a line
break between two digits (with the spaces around it) into one space. So ``06\u200b12 34 56
78``, ``０６ １２ ３４ ５６ ７８``, ``06–12–34–56–78``, ``06 12\n34 56 78`` or a number written
with thin spaces are the same string as ``06 12 34 56 78`` (or ``06-12-34-56-78``) before
any rule sees them. A blank line between digits (two line breaks) is left alone.
A few typographic characters that no identifier is written with are kept as they are
rather than NFKC'd (``…``, ``²``, ``½``, ``ᵉ``...). Side effects organisers may notice:
ligatures become letters (``ﬁ`` -> ``fi``), full-width punctuation becomes ASCII, en and em
dashes become ``-``, a line break between two numbers becomes a space (``2023\n2024`` ->
``2023 2024``), emoji sequences joined with ZWJ fall apart into their pieces.

What is replaced, and how
-------------------------
* ``[e-mail]``: addresses by pattern, including simple obfuscations of the ``@`` and the
  dots: ``[at]``, ``(at)``, ``{at}``, ``(a)``, ``[@]``, ``(arobase)``, `` arobase ``,
  `` at ``, a spaced `` @ ``, ``[dot]``, ``(point)``, `` dot ``, `` point `` (also inside the
  local part: ``prenom point nom arobase ...``). In the domain a dot may have spaces before
  it (``gmail .com``), or after it when a usual top-level domain follows (``orange. fr``).
  The domain must still end in ``.letters`` (real or obfuscated dot), so ``rendez-vous @ la
  mission locale``, ``@compte`` or ``marie@orange. Elle a répondu`` are left alone.
* ``[IBAN]``: ``python-stdnum`` validates the ISO 13616 checksum and the country's length,
  compact or in groups separated by spaces or hyphens, any country. A French-shaped IBAN
  (``FR`` + 25 characters with the French BBAN layout) whose check digits are wrong is
  masked too: a typo does not make a bank account less personal.
* ``[n° sécu]``: NIR, 13 digits or 15 with the key, ``2A``/``2B`` accepted, with spaces,
  ``-`` or ``.`` as separators. Structure is always checked (sex digit 1/2/3/4/7/8, month
  01-12, 20-42 or 50-99). **Key policy**: when the key is present and right (checked with
  ``stdnum.fr.nir``) any grouping is accepted (``1850 5780 0608 491``); when it is
  wrong, the number is still masked if its separators stand only at canonical places
  (1-2-2-2-3-3-2, some or all of them: ``185057800608436``, ``1 85 05 78 006 084 36``,
  ``185 05 78006 084 36``), because a mistyped NIR is still somebody's NIR, while an odd
  grouping with a wrong key is more likely some other number. 13-digit NIRs (no key)
  need separators at canonical places only.
* ``[téléphone]``: ``phonenumbers.PhoneNumberMatcher`` with region ``FR`` and leniency
  ``VALID`` (the number must be a valid, allocated number: any grouping, spaces, dots,
  hyphens, ``+33``, ``0033``, ``+33 (0)6``, any foreign ``+CC``), plus a second pass for
  what the matcher cannot see: national overseas numbers (``0692 ...``, ``0690 ...``:
  valid for Réunion, Mayotte, Guadeloupe, Martinique, Guyane but not for region FR),
  numbers separated by slashes, and numbers in five pairs with one separator throughout
  (space, dot, hyphen, underscore, comma, slash: ``06_12_34_56_78``, ``06,12,34,56,78``);
  in that shape a mobile number (06, 07) is masked even in a range not allocated yet
  (``07 12 34 56 78``), other numbers only when valid, and with commas or slashes only
  mobile numbers (``codes 01,02,03,04,05`` is a list). A national number must start with 0
  and not touch other digits, so years, amounts (``1 500 €``), postal codes (``38000``),
  dates (``05/03/2025``, also when a number follows: ``le 05/03/2025 12 salariés``),
  percentages, SIREN and SIRET are never phones.
* ``[date de naissance]``: a date (``12/03/1985``, ``12.03.85``, ``12-03-1985``, ``3 mars
  1990``, ``1er janvier 1969``, ``mars 1990``; with spaces, ``12 03 1985``, or compact,
  ``12031985``, ``120385``, when day and month are possible) right after a birth cue
  (``né``, ``née``, ``né(e)``, ``naissance``, ``date de naissance``, ``naiss.``, ``DDN``,
  ``D.D.N``), possibly with a birthplace in between (``né à Alger le ...``). Only the date
  is replaced. Other dates (``le 5 mars``, ``depuis le 01/09/2024``, ``réunion du 12 03
  2025``) are left alone, and so is a year alone (``né en 1985``, an age is often what the
  note is about).
* ``[adresse]``: a house number (``12``, ``3 bis``, ``14,``) + a street type (rue, avenue,
  bd, boulevard, chemin, allée, impasse, place, quai, route, cours, square, passage...) +
  its name, or ``lieu-dit`` + name, optionally followed by a postcode and a city
  (``38000 Grenoble``). Without a number, a street is masked only after a residence cue
  (``habite``, ``vit``, ``domicilié``, ``hébergé``, ``adresse :``...): the field mentions
  streets as places (``la rue Victor Hugo était bloquée``). For place/route/cours/quai the
  name must be capitalised (``5 cours de français`` is not an address). A postcode + city
  alone (``à Grenoble (38000)``) is a place, not an address, and is kept.
* ``[nom]``: a civility (M., M, Mr, Mme, Mlle, Melle, Monsieur, Madame, Mademoiselle, Dr,
  Docteur, Pr; upper case too, and lower case except ``m`` and ``pr``, a unit and "pour";
  glued to the name after its dot: ``M.Dupont``, ``Mme.Martin``) followed by a capitalised or
  upper-case name of up to four words, particles included (``Mme Martin``, ``mme Martin``,
  ``Monsieur Jean Dupont``, ``Madame Le Goff``, ``Mme de la Fontaine``, ``Mme DA SILVA``,
  ``M. Moreau Jean-Claude``); the civility stays. Not after a function (``M. le maire``,
  ``Madame la directrice``), and an initial alone (``Mme D.``, ``M. K.``, ``Mr. X``) is
  already a pseudonym and is kept. With the model: spaCy's ``PER`` entities, filtered
  because the small model over-fires on capitalised words: civilities are trimmed, as are
  heading words (``Entretien``, ``Contact``, ``Permanence``, ``Dossier``...), common words
  capitalised because they start a sentence (``Décision``) unless they are a first name
  or precede one (``Pierre Martin``, ``Dupont Jean``), and field terms (acronyms and
  institutions: France Travail, PASS IAE, SIAE, CIP, PMSMP, Pôle emploi, Mission locale,
  Cap emploi, DREETS, DDETS, RSA, CAF, CPAM, ACI, EI, ETTI, GEIQ..., months, days, network
  names such as Emmaüs or Envie) with what follows them (``Sophie Durand de France Travail``
  -> ``Sophie Durand``; one word is kept only when a particle linked it: ``Sophie de la
  CAF``, not ``Grenoble CCAS``). An entity is dropped when a word is not capitalised (``Pôle
  emploi``), holds a digit or ``@``, is a single acronym (5 capitals at most), a single
  common French word (the word lists of the model's lemmatiser: ``Fontaine``) that is not a
  first name (first names that are everyday words, ``Rose``, ``Claire``, only away from a
  sentence start), only common words (``Cuisine Solidaire``), starts with a city or a short
  acronym (``Grenoble Habitat``, ``SNCF Connect``), holds ``Saint`` (``Saint Martin
  d'Hères``, ``Saint-Bruno``), is a region, department or large city, or comes right after a
  street or building word (``rue Victor Hugo``, ``lycée Jean Moulin``). Names the model
  labels as something else are taken in the shapes ``NOM Prénom`` (``BENALI Karim``), two
  to four name words holding a frequent first name or right after a heading word
  (``Entretien Karima Haddad``, ``NADIA BOUZID``), or a single frequent first name not after
  an article (``Ousmane``, not ``la Marine``); and, with the model on, a run of two or three
  upper-case words holding a frequent first name, the others neither common words nor field
  terms (``KARIM BENALI``, ``BOUZID NADIA``), which the model tends to split.
* ``[structure]``: the author's own structure names, passed by the caller, matched case-,
  accent-, apostrophe- and whitespace-insensitively. Names shorter than 3 characters or
  made only of generic words (``AI``, ``ACI``, ``Association``) are ignored.

When spans overlap, the stronger evidence wins: e-mail, IBAN, NIR, phone, structure,
birth date, address, then name (so ``0612345678@sfr.fr`` is one e-mail and a NIR is never
partly eaten as a phone).

What is *not* caught
--------------------
First names alone without the model, and with it whenever the small model sees no entity
at all (``Aïcha m'a appelée``, ``Bravo à Yanis``) or they are everyday words at a sentence
start (``Rose``, ``Claire``, ``Pierre a signé``); the first-name list is short (a few hundred
frequent names), so rarer ones rely on the model alone; names in an all upper-case sentence
(``JEAN DUPONT EST ABSENT``) or next to a common-word surname in upper case (``DUPONT
JEAN``); several names after one civility (``MM. Dupont et Durand``: the second);
surnames in lower case; nicknames; phone numbers spelled out in words or with letters for
digits (``O6``), split by a blank line, or written in odd groups with underscores or commas;
e-mails without any dot in the domain, or with a space after the dot before an unusual
top-level domain; streets without a number and without a residence cue; birthplaces,
ages, employers, CAF or France Travail file numbers, PASS IAE numbers, licence plates and
other quasi-identifiers. Over-masking is possible on purpose for NIR-shaped 13/15-digit
numbers (an EAN-13 barcode, say), for a list of five two-digit numbers starting with 0
(``départements 01 03 07 15 26`` reads as a valid phone), and with the model for company
or place names that look like person names (``Leroy Merlin``, ``Pierre Fabre``, ``centre
social Jean Macé``).

Bump ``SCRUBBER_VERSION`` whenever a rule changes, so stored scrubbed texts can be redone.
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import phonenumbers
from stdnum import iban as _iban
from stdnum.fr import nir as _nir

__all__ = [
    "KINDS",
    "PLACEHOLDERS",
    "SCRUBBER_VERSION",
    "Scrubbed",
    "Span",
    "clean_input",
    "contains_pii",
    "detect",
    "load_model",
    "model_loaded",
    "normalize",
    "scrub",
    "scrub_many",
    "scrub_text",
]

SCRUBBER_VERSION = 3

PLACEHOLDERS: Mapping[str, str] = MappingProxyType(
    {
        "address": "[adresse]",
        "birth_date": "[date de naissance]",
        "email": "[e-mail]",
        "iban": "[IBAN]",
        "name": "[nom]",
        "nir": "[n° sécu]",
        "phone": "[téléphone]",
        "structure": "[structure]",
    }
)

# Overlap resolution order: stronger evidence first.
KINDS: tuple[str, ...] = (
    "email",
    "iban",
    "nir",
    "phone",
    "structure",
    "birth_date",
    "address",
    "name",
)
_PRIORITY = {kind: rank for rank, kind in enumerate(KINDS)}

MODEL_NAME = "fr_core_news_sm"


@dataclass(frozen=True, slots=True)
class Span:
    """``text[start:end]`` of the *normalised* text is an identifier of ``kind``."""

    start: int
    end: int
    kind: str


@dataclass(frozen=True, slots=True)
class Scrubbed:
    """The normalised text with placeholders, and the kinds that were replaced."""

    text: str
    found: frozenset[str]


# --- normalisation ----------------------------------------------------------------------

# Invisible characters that are not in category Cf but are used to pad or split text.
_INVISIBLE_EXTRA = frozenset("\u034f\u115f\u1160\u3164\uffa0")
_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


# Kept as written: NFKC would turn them into ASCII look-alikes that organisers would notice
# ("…" -> "...", "m²" -> "m2", "½" -> "1⁄2") and that no identifier is written with.
_KEEP_RE = re.compile("([…¹²³½¼¾ᵉ])")


# A line break between two digits ("06 12\n34 56 78") would cut a number in two.
_DIGIT_BREAK_RE = re.compile(r"(?<=\d)[ \t]*(?:\r\n|[\n\r\v\f\x85\u2028\u2029])[ \t]*(?=\d)")
_LINE_BREAKS = frozenset("\n\r\v\f\x85\u2028\u2029")
# Hyphens and dashes that numbers are written with: all become "-" (U+2011 is NFKC'd to
# U+2010 first; U+FE58, U+FE63 and U+FF0D are NFKC'd to one of these or to "-").
_DASHES = frozenset("\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2212")


def normalize(text: str) -> str:
    """NFKC, format characters removed, space separators turned into plain spaces, dashes
    turned into ``-``, line breaks between two digits into a space."""
    if not _LINE_BREAKS.isdisjoint(text):
        text = _DIGIT_BREAK_RE.sub(" ", text)
    if _KEEP_RE.search(text):
        text = "".join(
            part if _KEEP_RE.fullmatch(part) else unicodedata.normalize("NFKC", part)
            for part in _KEEP_RE.split(text)
        )
    else:
        text = unicodedata.normalize("NFKC", text)
    if text.isascii():
        return text
    out = []
    for char in text:
        if char.isascii():
            out.append(char)
            continue
        category = unicodedata.category(char)
        if category == "Cf" or char in _INVISIBLE_EXTRA:
            continue
        out.append(" " if category == "Zs" else "-" if char in _DASHES else char)
    return "".join(out)


def clean_input(text: str) -> str:
    """Remove C0/C1 control characters (except newline and tab) and bidi controls.

    Meant for input as it arrives (before storage): unlike :func:`normalize` it keeps the
    author's characters otherwise untouched. ``\\r\\n`` and a lone ``\\r`` become ``\\n``.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(
        char
        for char in text
        if char in "\n\t"
        or not (char < "\x20" or "\x7f" <= char <= "\x9f" or char in _BIDI_CONTROLS)
    )


# --- shared vocabulary ------------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text`` (vocabulary lists below)."""
    return frozenset(text.split())


def _names(text: str) -> frozenset[str]:
    """The ``|``-separated names of ``text``, lower-cased (names may contain spaces)."""
    return frozenset(" ".join(name.split()).lower() for name in text.split("|"))


_UP = "A-ZÀ-ÖØ-ÞŒ"
_LOW = "a-zß-öø-ÿœ"
_CAP_WORD = rf"[{_UP}][{_LOW}]+(?:['’\-][{_UP}]?[{_LOW}]+)*"
_CAPS_WORD = rf"[{_UP}]{{2,}}(?:['’\-][{_UP}]{{2,}})*"
_NAME_WORD = rf"(?:{_CAP_WORD}|{_CAPS_WORD})"

_MONTHS = (
    "janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|"
    "novembre|décembre|decembre|janv\\.?|févr?\\.?|fevr?\\.?|avr\\.?|juil\\.?|sept\\.?|"
    "oct\\.?|nov\\.?|déc\\.?|dec\\.?"
)

# Words of the field that are capitalised without being people (lower case, compared to
# lower-cased words): acronyms, institutions, networks, abbreviations.
_FIELD_WORDS = _words(
    """
    ai aci ei eti etti geiq siae iae cip pmsmp rsa caf cpam cnam msa dreets ddets direccte dgefp
    unai coorace fei chantier chantiers cdi cdd cddi cdpi pec cui cej ccas cias spip siao epide
    e2c qpv rqth cdaph mdph fse fse+ fle caces advf btp rome naf ape siret siren nir iban rib
    pass etp smic apl ars urssaf cse rh drh asp cdiae ctf cta ppae epci afpa greta opco cfa ase
    pmi sdf dalo ssiap pse vae tp rdv rdv. tél tel tél. tel. cv mail email e-mail sms dossier
    pôle pole emploi emplois france travail mission missions locale locales cap conseil conseils
    départemental departemental départementale département departement région region préfecture
    prefecture sous-préfecture mairie ville métropole metropole agglo agglomération communauté
    commune cité état etat ministère ministere insee cnil inclusion plateforme emmaüs emmaus
    envie relais tissons croix-rouge secours restos cocagne régie regie réseau reseau fédération
    federation union association asso entreprise entreprises structure structures atelier
    ateliers agence direction service tribunal prud'hommes spe apec ofii cada huda cph crous
    lundi mardi mercredi jeudi vendredi samedi dimanche noël noel pâques paques toussaint
    janvier février fevrier mars avril mai juin juillet août aout septembre octobre novembre
    décembre decembre
    """
)

# Regions, departments, and the prefectures and largest cities (lower case).
_PLACES = _names(
    """
    France|Auvergne-Rhône-Alpes|Bourgogne-Franche-Comté|Bretagne|Centre-Val de Loire|Corse|
    Grand Est|Hauts-de-France|Île-de-France|Normandie|Nouvelle-Aquitaine|Occitanie|
    Pays de la Loire|Provence-Alpes-Côte d'Azur|PACA|Auvergne|Rhône-Alpes|Alsace|Lorraine|
    Picardie|Limousin|Aquitaine|Bourgogne|Franche-Comté|Champagne|Languedoc|Roussillon|
    Midi-Pyrénées|Poitou-Charentes|Dauphiné|Savoie|Provence|Ain|Aisne|Allier|
    Alpes-de-Haute-Provence|Hautes-Alpes|Alpes-Maritimes|Ardèche|Ardennes|Ariège|Aube|Aude|
    Aveyron|Bouches-du-Rhône|Calvados|Cantal|Charente|Charente-Maritime|Cher|Corrèze|
    Corse-du-Sud|Haute-Corse|Côte-d'Or|Côtes-d'Armor|Creuse|Dordogne|Doubs|Drôme|Eure|
    Eure-et-Loir|Finistère|Gard|Haute-Garonne|Gers|Gironde|Hérault|Ille-et-Vilaine|Indre|
    Indre-et-Loire|Isère|Jura|Landes|Loir-et-Cher|Loire|Haute-Loire|Loire-Atlantique|Loiret|Lot|
    Lot-et-Garonne|Lozère|Maine-et-Loire|Manche|Marne|Haute-Marne|Mayenne|Meurthe-et-Moselle|
    Meuse|Morbihan|Moselle|Nièvre|Nord|Oise|Orne|Pas-de-Calais|Puy-de-Dôme|Pyrénées-Atlantiques|
    Hautes-Pyrénées|Pyrénées-Orientales|Bas-Rhin|Haut-Rhin|Rhône|Haute-Saône|Saône-et-Loire|
    Sarthe|Haute-Savoie|Paris|Seine-Maritime|Seine-et-Marne|Yvelines|Deux-Sèvres|Somme|Tarn|
    Tarn-et-Garonne|Var|Vaucluse|Vendée|Vienne|Haute-Vienne|Vosges|Yonne|Territoire de Belfort|
    Essonne|Hauts-de-Seine|Seine-Saint-Denis|Val-de-Marne|Val-d'Oise|Guadeloupe|Martinique|
    Guyane|La Réunion|Réunion|Mayotte|Marseille|Lyon|Toulouse|Nice|Nantes|Montpellier|
    Strasbourg|Bordeaux|Lille|Rennes|Reims|Toulon|Saint-Étienne|Le Havre|Grenoble|Dijon|Angers|
    Nîmes|Villeurbanne|Clermont-Ferrand|Le Mans|Aix-en-Provence|Brest|Tours|Amiens|Limoges|
    Annecy|Perpignan|Boulogne-Billancourt|Metz|Besançon|Orléans|Rouen|Mulhouse|Caen|Nancy|
    Argenteuil|Montreuil|Roubaix|Tourcoing|Avignon|Nanterre|Poitiers|Créteil|Versailles|Pau|
    La Rochelle|Calais|Cannes|Béziers|Colmar|Bourges|Quimper|Valence|Chambéry|Troyes|Niort|
    Lorient|Vannes|Laval|Belfort|Évreux|Chartres|Blois|Châteauroux|Nevers|Auxerre|Mâcon|
    Bourg-en-Bresse|Privas|Gap|Digne-les-Bains|Foix|Carcassonne|Rodez|Albi|Montauban|Cahors|
    Agen|Auch|Tarbes|Mont-de-Marsan|Périgueux|Angoulême|Guéret|Tulle|Aurillac|Le Puy-en-Velay|
    Mende|Moulins|Saint-Brieuc|Alençon|Saint-Lô|Beauvais|Laon|Arras|Charleville-Mézières|
    Châlons-en-Champagne|Chaumont|Bar-le-Duc|Épinal|Vesoul|Lons-le-Saunier|Melun|Bobigny|Évry|
    Cergy|Pontoise|Ajaccio|Bastia|Basse-Terre|Pointe-à-Pitre|Fort-de-France|Cayenne|Saint-Denis|
    Mamoudzou|Saint-Pierre|Nouméa|Papeete|Dunkerque|Bayonne|Saint-Nazaire
    """
)

# Abbreviations: "M" and "Pr" only as written (a lower-case "m" or "pr" is a unit or "pour"),
# the others in any case ("mme Martin", "MLLE", "dr").
_CIVILITY_ABBR = r"(?:M|MM|Pr|(?i:mmes|mme|mlles|mlle|melles|melle|mr|dr))"
_CIVILITY_LONG = r"(?i:monsieur|madame|mademoiselle|messieurs|mesdames|docteur)"
_CIVILITY = rf"{_CIVILITY_ABBR}\.?|{_CIVILITY_LONG}"
_CIVILITY_WORD_RE = re.compile(rf"(?:{_CIVILITY})\Z")

# Functions that follow a civility without being a name ("M. le Maire", "Madame Directrice").
_TITLES = _words(
    """
    maire adjoint adjointe directeur directrice préfet préfète prefet prefete sous-préfet
    sous-préfète président présidente ministre juge député députée sénateur sénatrice conseiller
    conseillère délégué déléguée responsable référent référente
    """
)

_PARTICLES = _words(
    """
    de du des d' d’ le la les van von der den da di dos das do el al ben bin ibn ter
    """
)

# Words after which a capitalised name is an eponym, not a person.
_EPONYM_CONTEXT_RE = re.compile(
    r"(?i:\b(?:rue|avenue|av|bd|boulevard|chemin|allée|impasse|place|quai|route|cours|"
    r"square|passage|esplanade|promenade|parvis|pont|parc|jardin|jardins|stade|gymnase|"
    r"lycée|lycee|collège|college|école|ecole|groupe\s+scolaire|université|universite|"
    r"iut|institut|centre|hôpital|hopital|clinique|ehpad|foyer|résidence|residence|"
    r"médiathèque|mediatheque|bibliothèque|bibliotheque|maison|salle|espace|gare|station|"
    r"arrêt|arret|quartier|cité|cite|fondation|prix|promotion|promo)"
    r"(?:\s+(?:de\s+la|de\s+l['’]|du|des|de|d['’]))?\s*)\Z"
)


# --- e-mails ----------------------------------------------------------------------------

_AT = r"""(?:
    \s*@\s*
  | \s*[\[({<]\s*(?:at|a|@|arobase|arobas)\s*[\])}>]\s*
  | \s+(?:at|arobase|arobas)\s+
)"""
_DOT = r"""(?:
    \.
  | \s*[\[({<]\s*(?:dot|point)\s*[\])}>]\s*
  | \s+(?:dot|point)\s+
)"""
# In the domain, a dot may also have a space before it ("gmail .com"), or after it when a
# usual top-level domain follows ("gmail. com").
_TLDS = r"com|fr|net|org|eu|be|ch|de|es|it|uk|info|biz|io|gouv|re|gp|mq|yt|nc|pf|ma|dz|tn|sn"
_DOMAIN_DOT = rf"""(?:
    [ \t]*\.(?:[ \t]+(?=(?:{_TLDS})(?![\w\-])|(?:{_TLDS})\.))?
  | {_DOT}
)"""
_EMAIL_RE = re.compile(
    rf"""
    (?<![\w%+\-])(?<![\w%+\-]\.)           # start of the token only
    [\w%+\-]+(?:(?i:{_DOT})[\w%+\-]+)*      # local part: dot-separated atoms
    (?i:{_AT})
    (?:[^\W_](?:[\w\-]*[^\W_])?(?i:{_DOMAIN_DOT}))+   # domain labels, subdomains included
    [^\W\d_]{{2,}}                         # top-level domain (letters only)
    (?![\w\-])
    """,
    re.VERBOSE,
)


def _emails(text: str) -> Iterable[Span]:
    if "@" not in text and not _EMAIL_HINT_RE.search(text):
        return
    for match in _EMAIL_RE.finditer(text):
        yield Span(match.start(), match.end(), "email")


_EMAIL_HINT_RE = re.compile(r"(?i:\b(?:at|arobase|arobas)\b|[\[({<]\s*a\s*[\])}>])")


# --- IBAN -------------------------------------------------------------------------------

_IBAN_CANDIDATE_RE = re.compile(
    r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}[A-Za-z0-9]*(?:[ \-][A-Za-z0-9]+)*"
)
_IBAN_TOKEN_RE = re.compile(r"[A-Za-z0-9]+")
# French BBAN layout: bank (5 digits), branch (5 digits), account (11), RIB key (2 digits).
_FRENCH_IBAN_SHAPE_RE = re.compile(r"(?:FR|MC)\d{2}\d{10}[A-Z0-9]{11}\d{2}\Z")


def _ibans(text: str) -> Iterable[Span]:
    for match in _IBAN_CANDIDATE_RE.finditer(text):
        tokens = list(_IBAN_TOKEN_RE.finditer(match.group()))
        compact = ""
        ends: list[tuple[int, str]] = []
        for token in tokens:
            compact += token.group()
            if len(compact) > 34:
                break
            ends.append((token.end(), compact.upper()))
        for end, candidate in reversed(ends):
            if len(candidate) < 15:
                break
            if _iban.is_valid(candidate) or (
                candidate[:2] == match.group()[:2] and _FRENCH_IBAN_SHAPE_RE.match(candidate)
            ):
                yield Span(match.start(), match.start() + end, "iban")
                break


# --- NIR --------------------------------------------------------------------------------

_DIGIT_RUN_RE = re.compile(r"(?<!\w)(?:2[ABab]|\d)(?:2[ABab]|\d|[ .\-](?=2[ABab]|\d))*(?!\w)")
_DIGIT_GROUP_RE = re.compile(r"[^ .\-]+")
_NIR_STRUCTURE_RE = re.compile(
    r"[1-478]\d{2}(?:0[1-9]|1[0-2]|[23]\d|4[0-2]|[5-9]\d)(?:\d{2}|2[AB])\d{6}(?:\d{2})?\Z"
)
# Where separators may stand in a NIR (offsets into the compact form): 1-2-2-2-3-3-2, or
# 1-2-2-3-2-3-2 for an overseas birth (3-digit department, 2-digit commune).
_NIR_BOUNDARIES = (frozenset({1, 3, 5, 7, 10, 13}), frozenset({1, 3, 5, 8, 10, 13}))


def _canonical_nir_grouping(lengths: list[int]) -> bool:
    offsets = set()
    total = 0
    for length in lengths[:-1]:
        total += length
        offsets.add(total)
    return any(offsets <= allowed for allowed in _NIR_BOUNDARIES)


def _nirs(text: str) -> Iterable[Span]:
    for run in _DIGIT_RUN_RE.finditer(text):
        groups = list(_DIGIT_GROUP_RE.finditer(run.group()))
        if sum(len(g.group()) for g in groups) < 13:
            continue
        index = 0
        while index < len(groups):
            if groups[index].group()[0] not in "123478":  # sex / kind of registration
                index += 1
                continue
            compact = ""
            found_end = None
            for stop in range(index, len(groups)):
                compact += groups[stop].group().upper()
                if len(compact) > 15:
                    break
                if len(compact) not in (13, 15) or not _NIR_STRUCTURE_RE.match(compact):
                    continue
                lengths = [len(g.group()) for g in groups[index : stop + 1]]
                key_ok = len(compact) == 15 and _nir.is_valid(compact)
                if key_ok or _canonical_nir_grouping(lengths):
                    found_end = stop
            if found_end is not None:
                start, end = groups[index].start(), groups[found_end].end()
                yield Span(run.start() + start, run.start() + end, "nir")
                index = found_end + 1
            else:
                index += 1


# --- phones -----------------------------------------------------------------------------

_PHONE_FALLBACK_RE = re.compile(r"(?<![\w+])(?<!\d[ ./\-])0(?:[ ./\-]?\d){9}(?![ ./\-]?\d)")
# A French national number written in the usual five pairs with one separator throughout
# (space, dot, hyphen, underscore, comma or slash), for what the matcher does not take
# ("06_12_34_56_78", "06,12,34,56,78") and mobile numbers in ranges not allocated yet.
_PHONE_PAIRS_RE = re.compile(
    r"(?<![^\W_])(?<!\+)(?<!\d[ ./\-_,])"
    r"0[1-9](?P<sep>[ ./\-_,])\d\d(?:(?P=sep)\d\d){3}"
    r"(?![^\W_])(?![ ./\-_,]\d)"
)
_DATE_INSIDE_RE = re.compile(r"\d\d([/.\-])\d\d\1(?:19|20)\d\d")
_OVERSEAS_REGIONS = ("RE", "YT", "GP", "MQ", "GF")
_LENIENCY = phonenumbers.Leniency.VALID


# Every phone kept below starts with "+" or "0": texts without such a run of digits skip
# the matcher, which is most of the cost of a patterns-only scrub.
_PHONE_HINT_RE = re.compile(r"(?:\+|(?<!\d)0)[\s.\-/()_,]{0,3}\d(?:[\s.\-/()_,]{0,3}\d){4,}")


def _phones(text: str) -> Iterable[Span]:
    if not _PHONE_HINT_RE.search(text):
        return
    taken: list[tuple[int, int]] = []
    for match in phonenumbers.PhoneNumberMatcher(text, "FR", leniency=_LENIENCY):
        start, end, raw = match.start, match.end, match.raw_string
        if raw.startswith("(") and raw.count("(") > raw.count(")"):
            start += 1
            raw = raw[1:]
        if not raw.startswith(("+", "0", "(")):
            continue
        if (start > 0 and text[start - 1].isdigit()) or (end < len(text) and text[end].isdigit()):
            continue
        taken.append((start, end))
        yield Span(start, end, "phone")
    for match in _PHONE_FALLBACK_RE.finditer(text):
        if any(s < match.end() and match.start() < e for s, e in taken):
            continue
        if _DATE_INSIDE_RE.search(match.group()):
            continue  # "le 05/03/2025 12 salariés"
        digits = re.sub(r"\D", "", match.group())
        for region in ("FR", *_OVERSEAS_REGIONS):
            try:
                number = phonenumbers.parse(digits, region)
            except phonenumbers.NumberParseException:
                continue
            if phonenumbers.is_valid_number(number):
                taken.append((match.start(), match.end()))
                yield Span(match.start(), match.end(), "phone")
                break
    for match in _PHONE_PAIRS_RE.finditer(text):
        if any(s < match.end() and match.start() < e for s, e in taken):
            continue
        digits = re.sub(r"\D", "", match.group())
        # A mobile number (06, 07) in an unallocated range is masked too: ranges open
        # faster than metadata follows, and a made-up number in a note is still meant as one.
        # With commas or slashes only a mobile number: "codes 01,02,03,04,05" is a list.
        if digits[1] in "67" or (
            match.group("sep") not in ",/"
            and any(
                phonenumbers.is_valid_number(phonenumbers.parse(digits, region))
                for region in ("FR", *_OVERSEAS_REGIONS)
            )
        ):
            yield Span(match.start(), match.end(), "phone")


# --- birth dates ------------------------------------------------------------------------

# Day and month of a date written with spaces or with no separator at all: checked, since
# nothing else tells these digits from a count or a reference.
_DAY = r"(?:0?[1-9]|[12]\d|3[01])"
_MONTH_NUMBER = r"(?:0?[1-9]|1[0-2])"
_DAY2 = r"(?:0[1-9]|[12]\d|3[01])"
_MONTH2 = r"(?:0[1-9]|1[0-2])"

_BIRTH_RE = re.compile(
    rf"""
    (?i:
        \bn[ée]e?s?(?:\s?\((?:e|es|s)\)|·e)?(?![\w(])      # né, née, né(e), nés, né·e
      | \bdate\s+de\s+naissance\b | \bnaissance\b | \bnaiss\b\.?
      | \bddn\b | \bd\.d\.n\b\.?
    )
    (?:\s+à\s+[{_UP}][\w'’\-]*(?:\s+\([^)]{{1,30}}\))?)?     # birthplace: né à Alger
    [\s:,\-]*(?i:(?:le|du|en)\b)?[\s:]*
    (?P<date>
        \d{{1,2}}(?:er)?\s*(?P<sep>[/.\-])\s*\d{{1,2}}\s*(?P=sep)\s*(?:\d{{4}}|\d{{2}})(?!\d)
      | \d{{4}}-\d{{2}}-\d{{2}}(?!\d)
      | {_DAY}[ \t]+{_MONTH_NUMBER}[ \t]+(?:\d{{4}}|\d{{2}})(?!\d)     # 12 03 1985
      | {_DAY2}{_MONTH2}(?:19|20)\d{{2}}(?!\d)                       # 12031985
      | {_DAY2}{_MONTH2}\d{{2}}(?!\d)                                 # 120385
      | \d{{1,2}}(?:er)?\s+(?i:{_MONTHS})(?:\s+\d{{4}}(?!\d))?
      | (?i:{_MONTHS})\s+\d{{4}}(?!\d)
    )
    """,
    re.VERBOSE,
)


def _birth_dates(text: str) -> Iterable[Span]:
    for match in _BIRTH_RE.finditer(text):
        yield Span(match.start("date"), match.end("date"), "birth_date")


# --- addresses --------------------------------------------------------------------------

_STREET_STRONG = (
    r"rue|avenue|av\.|bd|boulevard|chemin|allée|allee|impasse|imp\.|square|sq\.|"
    r"montée|montee|faubourg|fbg|sentier|esplanade|promenade|rond-point|résidence|residence|"
    r"lotissement|hameau|ruelle|venelle|traverse"
)
_STREET_WEAK = r"place|pl\.|quai|route|rte|cours|passage|voie|cité|cite|parvis"
_LINK = r"(?:de\s+la|de\s+l['’]|des|du|de|d['’]|la|le|les|l['’]|aux|au|et|sur|sous|en)"
_STREET_NAME_CAP = (
    rf"(?:{_LINK}\s*)?(?:{_NAME_WORD}|\d{{1,2}}(?:er)?)(?:\s*(?:{_LINK}\s*)?{_NAME_WORD})*"
)
_STREET_NAME_ANY = rf"(?:{_LINK}\s*)?[\w'’\-]+(?:\s*(?:{_LINK}\s*)?{_NAME_WORD})*"
_POSTCODE_CITY = (
    rf"(?:\s*[,\-]?\s*\d{{5}}\s+{_NAME_WORD}"  # 38000 Grenoble
    rf"(?:[\s\-]+(?:{_LINK}[\s\-]*)?{_NAME_WORD})*"  # Saint-Martin-d'Hères, Le Pont de Claix
    rf"(?:\s+(?i:cedex)(?:\s+\d{{1,2}})?)?)?"  # CEDEX 9
)
_HOUSE_NUMBER = r"\d{1,4}(?:\s?(?i:bis|ter|quater|[a-d])\b)?"

_ADDRESS_RE = re.compile(
    rf"""
    (?<![\w,.])
    (?:
        {_HOUSE_NUMBER}\s*,?\s*
        (?:
            (?i:{_STREET_STRONG})\s+{_STREET_NAME_ANY}
          | (?i:{_STREET_WEAK})\s+{_STREET_NAME_CAP}
        )
      | (?i:lieu-dit|lieudit|lieu\s+dit)\s+{_STREET_NAME_CAP}
    )
    {_POSTCODE_CITY}
    """,
    re.VERBOSE,
)
_ADDRESS_CUE_RE = re.compile(
    rf"""
    (?i:\b(?:habite|habitent|habitant|vit|vivent|vivant|domicilié|domiciliée|domiciliés|
        domicile|demeurant|demeure|réside|résidant|résidante|hébergé|hébergée|hébergés|
        loge|logé|logée|logés|installé|installée|adresse(?:\s+est)?|adresse\s+postale)\b)
    \s*:?\s*(?i:(?:au|à\s+la|à\s+l['’]|à|dans\s+la|chez)\s+)?
    (?P<street>
        (?i:{_STREET_STRONG}|{_STREET_WEAK})\s+{_STREET_NAME_CAP}{_POSTCODE_CITY}
    )
    """,
    re.VERBOSE,
)


def _addresses(text: str) -> Iterable[Span]:
    for match in _ADDRESS_RE.finditer(text):
        yield Span(match.start(), match.end(), "address")
    for match in _ADDRESS_CUE_RE.finditer(text):
        yield Span(match.start("street"), match.end("street"), "address")


# --- names after a civility -------------------------------------------------------------

_CIVILITY_NAME_RE = re.compile(
    rf"""
    (?<![\w.])(?:{_CIVILITY_ABBR}(?:\.\s*|\s+)|{_CIVILITY_LONG}\s+)  # "M.Dupont" too
    (?P<name>
        (?:[{_UP}]\.\s*)?                              # an initial before the surname
        (?:(?:[Dd]['’]|[Dd]e\s+(?:la\s+|l['’]\s*)?|[Dd]u\s+|[Dd]es\s+)?{_NAME_WORD})
        (?:[ \t]+(?:(?:de|du|des|d['’]|van|von|da|di|dos|el|al|ben)[ \t]+)?{_NAME_WORD}){{0,3}}
    )
    """,
    re.VERBOSE,
)


def _civility_names(text: str) -> Iterable[Span]:
    for match in _CIVILITY_NAME_RE.finditer(text):
        kept = []
        for word in re.finditer(r"\S+", match.group("name")):
            lowered = word.group().lower()
            if lowered in _FIELD_WORDS or lowered in _TITLES or (kept and lowered in _PLACES):
                break
            kept.append(word)
        # "M. Le Maire": only a particle is left before the function.
        while kept and kept[-1].group().lower() in _PARTICLES:
            kept.pop()
        if not kept:
            continue
        # "Mme D." or "M. K." alone: an initial is already a pseudonym.
        if len(kept) == 1 and re.fullmatch(rf"[{_UP}]\.?", kept[0].group()):
            continue
        base = match.start("name")
        yield Span(base + kept[0].start(), base + kept[-1].end(), "name")


# --- structure names --------------------------------------------------------------------

_GENERIC_STRUCTURE_WORDS = (
    _FIELD_WORDS
    | _PARTICLES
    | _words(
        """
        l' d' l’ d’ et en à a sur sous les insertion solidaire solidaires sociale social
        intermediaire intermédiaire emploi
        """
    )
)


def _fold_char(char: str) -> str:
    if char in "’‘ʼ`´":
        return "'"
    base = unicodedata.normalize("NFD", char)[0].lower()
    return base if len(base) == 1 else char


def _fold(text: str) -> str:
    """Lower case, accents and apostrophe variants removed, one character per character."""
    return "".join(_fold_char(c) for c in text)


_GENERIC_STRUCTURE_FOLDED = frozenset(_fold(w) for w in _GENERIC_STRUCTURE_WORDS)


@functools.lru_cache(maxsize=1024)
def _structure_pattern(name: str) -> re.Pattern[str] | None:
    """A pattern over :func:`_fold`-ed text, or None for a name too short or too generic."""
    folded = _fold(normalize(name)).strip()
    if len(re.sub(r"\W", "", folded)) < 3:
        return None
    words = re.findall(r"[^\s\-']+'?", folded)
    if not words or all(w in _GENERIC_STRUCTURE_FOLDED for w in words):
        return None
    body = ""
    for index, word in enumerate(words):
        if index:
            body += r"\s*" if words[index - 1].endswith("'") else r"[\s\-]+"
        body += re.escape(word)
    return re.compile(rf"(?<!\w){body}(?!\w)")


def _structures(text: str, names: Iterable[str]) -> Iterable[Span]:
    patterns = [p for p in (_structure_pattern(n) for n in names if n) if p is not None]
    if not patterns:
        return
    folded = _fold(text)
    for pattern in patterns:
        for match in pattern.finditer(folded):
            yield Span(match.start(), match.end(), "structure")


# --- the model (lazy) -------------------------------------------------------------------

_model_lock = threading.Lock()
_model: Any = None
_common_words: frozenset[str] = frozenset()


def model_loaded() -> bool:
    """Whether spaCy's pipeline has been loaded in this process."""
    return _model is not None


def load_model() -> Any:
    """Import spaCy and load ``fr_core_news_sm`` once (thread-safe); return the pipeline.

    Only the NER component is loaded (in this model it has its own embedding layer). The
    word lists of the lemmatiser are read straight from the model's files, without loading
    the lemmatiser itself (its tables would cost ~130 MB). Raises ``RuntimeError`` if spaCy
    or the model is not installed.
    """
    global _model, _common_words
    if _model is not None:
        return _model
    with _model_lock:
        if _model is None:
            try:
                import spacy  # deliberately lazy: ~2 s and ~150 MB

                nlp = spacy.load(
                    MODEL_NAME,
                    exclude=[
                        "tok2vec",
                        "morphologizer",
                        "parser",
                        "attribute_ruler",
                        "senter",
                        "lemmatizer",
                    ],
                )
            except (ImportError, OSError) as exc:  # pragma: no cover - install problem
                raise RuntimeError(
                    f"scrub(use_model=True) needs spaCy and {MODEL_NAME}: {exc}"
                ) from exc
            _common_words = _lexicon()
            _model = nlp
    return _model


def _lexicon() -> frozenset[str]:
    """Common French words (nouns, adjectives, verbs, adverbs) of the model's lemmatiser.

    Only the ``lemma_index`` table is unpacked from ``lemmatizer/lookups/lookups.bin``;
    the 217,000-form ``lemma_lookup`` table next to it is skipped. An empty set (weaker
    filtering, never an error) if the file is not where spaCy packages put it.
    """
    import spacy.util
    from srsly import msgpack

    try:
        base = spacy.util.get_package_path(MODEL_NAME)
        path = next(base.glob("*/lemmatizer/lookups/lookups.bin"))
        with path.open("rb") as handle:
            unpacker = msgpack.Unpacker(handle, raw=False, strict_map_key=False)
            for _ in range(unpacker.read_map_header()):
                if unpacker.unpack() == "lemma_index":
                    index = unpacker.unpack()
                    break
                unpacker.skip()
            else:
                return frozenset()
    except (OSError, StopIteration, ValueError, ImportError):  # pragma: no cover
        return frozenset()
    words: set[str] = set()
    for entries in index.values():
        words.update(w for w in entries if isinstance(w, str))
    return frozenset(words)


def _at_sentence_start(text: str, index: int) -> bool:
    before = text[max(0, index - 20) : index].rstrip(" \t")
    return (index <= 20 and not before) or (bool(before) and before[-1] in '.!?:;\n(«"•*–—-')


_GLUED_CIVILITY_RE = re.compile(rf"(?:{_CIVILITY_ABBR})\.(?=[{_UP}])")
_INITIAL_RE = re.compile(rf"[{_UP}]\.?\Z")
_NOM_PRENOM_RE = re.compile(rf"({_CAPS_WORD})\s+({_CAP_WORD})\Z")


def _is_common(word: str) -> bool:
    lowered = word.lower()
    return lowered in _common_words or lowered in _FIELD_WORDS


# Capitalised words that often start a note before a name ("Rdv Karim", "Dossier CPAM"):
# trimmed from the start of an entity rather than dropping it.
_LEAD_WORDS = _words(
    """
    rdv rdv. tél tel tél. tel. cv mail email e-mail sms dossier bilan point entretien appel
    contact suivi permanence réunion reunion rencontre visite journée journee atelier
    formation accueil échange echange message courrier relance synthèse synthese objet
    """
)


# Frequent first names in France (all generations and origins, lower case, accents as
# usually written). Only used to keep what the model found: a name the small model labels
# PER is not trimmed or dropped because it is also a word ("Pierre", "Julien", "Jean"), and
# a two- or three-word entity it labels ORG, MISC or LOC is taken when it holds one
# ("NADIA BOUZID"). Not a detector on its own.
_FIRST_NAMES = _words(
    """
    jean pierre michel andré andre philippe alain jacques bernard christian daniel patrick
    nicolas christophe éric eric frédéric frederic laurent stéphane stephane pascal david
    olivier thierry sébastien sebastien julien thomas alexandre antoine maxime kevin kévin
    mathieu matthieu vincent guillaume romain jérôme jerome franck didier gilles serge claude
    bruno dominique francis gérard gerard marc paul louis jules hugo lucas léo leo gabriel
    raphaël raphael arthur nathan enzo mathis théo theo tom noah adam ethan yanis yannis rayan
    ryan mohamed mohammed mehdi karim rachid samir farid mourad nabil hakim sofiane bilal
    yassine youssef ibrahim moussa mamadou abdoulaye ousmane souleymane amadou boubacar
    ismaël ismael omar ali ahmed hamza amine walid khalid djamel kamel saïd said hicham abdel
    abdelkader malik idriss issa cheikh modou seydou lamine ibrahima oumar aliou dylan jordan
    anthony jonathan jérémy jeremy florian quentin benjamin clément clement valentin alexis
    adrien damien fabien cédric cedric ludovic xavier yves rené rene roger robert henri marcel
    georges joseph françois francois emmanuel benoît benoit grégory gregory arnaud mickaël
    mickael loïc loic yann bastien baptiste victor félix felix martin simon samuel lucien
    émile emile marius gaston léon leon sacha timothée axel noé noe luca aaron kylian killian
    evan mathéo matteo sami nassim anis ilyes elias rayane zakaria ayoub adel riad nordine
    karl kader sekou dimitri ivan igor andrei mihai ion vasile florin bogdan mustafa mehmet
    emre murat hassan tarek steven mickey jimmy johnny teddy willy cyril cyrille guy hervé
    herve jean-pierre jean-claude jean-luc jean-marc jean-paul jean-françois jean-michel
    jean-louis jean-marie jean-baptiste jean-jacques jean-philippe
    marie nathalie isabelle sylvie catherine françoise francoise christine monique valérie
    valerie sandrine véronique veronique sophie stéphanie stephanie céline celine julie
    aurélie aurelie émilie emilie laura sarah camille léa lea manon chloé chloe emma inès ines
    jade louise alice lina léna lena rose anna mila julia zoé zoe lola juliette ambre lucie
    clara eva nina charlotte mathilde pauline marion élodie elodie audrey mélanie melanie
    laetitia laëtitia virginie caroline karine carine hélène helene anne annie brigitte
    martine nicole danielle jacqueline chantal patricia sylviane josiane michèle michele
    corinne florence delphine sabrina jessica vanessa cindy amandine morgane océane oceane
    marine justine margaux margot anaïs anais élise elise claire agnès agnes béatrice
    beatrice pascale laurence fabienne muriel nadine odile colette denise yvette simone
    jeanne madeleine suzanne marguerite germaine fatima fatou aminata awa mariama khadija
    aïcha aicha nadia karima samira malika leila leïla yasmine yasmina amina sonia naïma
    naima houria zohra farida nora sana salma meriem myriam rania soraya djamila hafsa assia
    kenza imane dounia latifa rachida hanane souad fadila hayat zineb nour safia lamia ikram
    asma kadiatou fanta mariam oumou binta hawa coumba adama ndeye khady bintou aissatou
    aïssatou maïmouna jennifer priscilla kelly mégane megane jenny melissa mélissa alicia
    marina natacha tatiana svetlana olga elena irina ana maria rosa carmen isabel lucia sofia
    tiphaine gaëlle gaelle solène solene maëlle maelle léonie leonie capucine victoire
    constance apolline agathe aurore axelle ophélie ophelie coralie sandra laure estelle
    ludivine noémie noemie salomé salome romane clémence clemence héloïse heloise lisa elsa
    maëva maeva lilou jasmine lyna sara maya aya nadège nadege ginette gisèle gisele
    marie-claude marie-christine marie-france marie-pierre marie-hélène anne-marie
    anne-sophie
    """
)
# First names that are also everyday words: taken alone only away from a sentence start.
_WORDLIKE_FIRST_NAMES = _words(
    """
    rose claire marine jade ambre capucine victoire constance aurore marguerite océane
    clémence clément valentin martin pierre laure pascal sylvain florence
    """
)


_SAINTS = _words("saint sainte saints saintes st ste st. ste.")


def _is_first_name(word: str) -> bool:
    lowered = word.lower().replace("’", "'")
    return lowered in _FIRST_NAMES or (
        "-" in lowered and all(part in _FIRST_NAMES for part in lowered.split("-"))
    )


def _is_field(word: str) -> bool:
    lowered = word.lower()
    return lowered in _FIELD_WORDS or lowered in _TITLES


# Words right before a name in a note's heading: "Entretien Karima Haddad", "Contact : ...".
_NAME_CUE_RE = re.compile(
    r"(?i:\b(?:entretien|contact|rdv|rendez-vous|appel|suivi|bilan|point|salariée?|salariee?"
    r"|candidate?|stagiaire|bénéficiaire|beneficiaire)(?:\s+avec)?\s*[:\-]?\s*)\Z"
)
_NAME_WORD_RE = re.compile(_NAME_WORD)


def _person_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Filter one entity of the model; return the part to mask, if any."""
    words = [
        (m.start() + start, m.end() + start, m.group())
        for m in re.finditer(r"[^\s,;:()]+", text[start:end])
    ]
    glued = _GLUED_CIVILITY_RE.match(words[0][2]) if words else None
    if glued:  # "Mme.Martin" is one token: the civility stays
        w_start, w_end, word = words[0]
        cut = w_start + glued.end()
        words[0:1] = [(w_start, cut, word[: glued.end()]), (cut, w_end, word[glued.end() :])]
    after_civility = False
    while words:
        w_start, _, word = words[0]
        lowered = word.lower()
        if _CIVILITY_WORD_RE.match(word):
            after_civility = True
        elif after_civility and lowered in ("le", "la", "les", "l'", "l’"):
            return None  # "M. le Maire", "Madame la Préfète": a function, not a name
        elif not (
            lowered in _LEAD_WORDS
            or word[0].islower()
            or (
                len(words) > 1
                and lowered in _common_words
                and _at_sentence_start(text, w_start)
                # "Pierre Martin est venu", "Salarié: Dupont Jean": a first name is kept.
                and not _is_first_name(word)
                and not (len(words) == 2 and _is_first_name(words[1][2]))
            )
        ):
            break
        words.pop(0)
    while words and words[-1][2][0].islower():
        words.pop()
    # Field terms are trimmed: "Sophie Durand de France Travail" -> "Sophie Durand",
    # "CIP Mélanie Duret" -> "Mélanie Duret"; "Dossier CPAM", "Grenoble CCAS" are dropped.
    cut = next((i for i, w in enumerate(words) if _is_field(w[2])), None)
    if cut is not None:
        if cut:
            words = words[:cut]
            linked = False
            while words and (words[-1][2].lower() in _PARTICLES or words[-1][2][0].islower()):
                words.pop()
                linked = True
            if len(words) == 1 and not linked:  # "Sophie de la CAF", not "Grenoble CCAS"
                return None
        else:
            while words and (_is_field(words[0][2]) or words[0][2].lower() in _PARTICLES):
                words.pop(0)
            rest = [w for _, _, w in words]
            if not (
                2 <= len(rest) <= 4
                and any(_is_first_name(w) for w in rest)
                and not any(_is_field(w) for w in rest)
            ):
                return None
    if not words:
        return None
    strings = [w for _, _, w in words]
    if any(any(c.isdigit() or c == "@" for c in w) for w in strings):
        return None
    if any(not w[0].isupper() and w.lower() not in _PARTICLES for w in strings):
        return None
    phrase = " ".join(strings).lower()
    if phrase in _PLACES:
        return None
    if _EPONYM_CONTEXT_RE.search(text[max(0, words[0][0] - 40) : words[0][0]]):
        return None
    if len(strings) > 1:
        names = [w for w in strings if w.lower() not in _PARTICLES]
        if any(w.lower() in _SAINTS for w in names):
            return None  # "Saint Martin d'Hères", "Sainte Marie": a place or an eponym
        if all(_is_common(w) and not _is_first_name(w) for w in names):
            return None  # "Cuisine Solidaire", "Zone Industrielle"
        first, second = names[0], names[1] if len(names) > 1 else ""
        if not _is_first_name(first) and (
            first.lower() in _PLACES  # "Grenoble Habitat", "Lyon Métropole"
            or (
                first.isupper() and len(first) <= 4 and not _is_first_name(second)
            )  # "SNCF Connect"
        ):
            return None
    if len(strings) == 1:
        word = strings[0]
        if _INITIAL_RE.match(word) or len(word) < 2:
            return None
        if word.isupper() and len(word) <= 5:
            return None
        if word.lower().startswith(("saint-", "sainte-", "st-", "ste-")):
            return None  # "Marché Saint-Bruno": a place or an eponym
        if _is_common(word) and not (
            _is_first_name(word)
            and not (
                word.lower() in _WORDLIKE_FIRST_NAMES and _at_sentence_start(text, words[0][0])
            )
        ):
            return None
    return words[0][0], words[-1][1]


# Before a place name: "à Florence", "vers Lourdes" (a LOC entity that is also a first name).
_PLACE_PREPOSITION_RE = re.compile(
    r"(?i:\b(?:à|a|au|aux|en|vers|depuis|de|d['’]|du|sur|près\s+de|pres\s+de)\s*)\Z"
)


_ARTICLE_RE = re.compile(r"(?i:\b(?:le|la|les|l['’]|un|une|des|du|au|aux)\s*)\Z")


def _other_entity_name(text: str, start: int, end: int, label: str) -> tuple[int, int] | None:
    """A person name that the model labelled ORG, MISC or LOC, if the entity is one."""
    span = _person_span(text, start, end)
    if span is None:
        return None
    strings = text[span[0] : span[1]].split()
    if len(strings) == 1:  # "Ousmane a obtenu son permis" (LOC), "Julie m'a dit" (MISC)
        word = strings[0]
        if not _is_first_name(word) or word.lower() in _WORDLIKE_FIRST_NAMES:
            return None
        before = text[max(0, span[0] - 12) : span[0]]
        if _ARTICLE_RE.search(before):
            return None  # "la Marine", "le Florence" (a boat, a hotel, a brand)
        if label == "LOC" and _PLACE_PREPOSITION_RE.search(before):
            return None
        return span
    if not 2 <= len(strings) <= 4:
        return None
    if not all(_NAME_WORD_RE.fullmatch(w) or w.lower() in _PARTICLES for w in strings):
        return None
    names = [w for w in strings if w.lower() not in _PARTICLES]
    if any(_is_common(w) and not _is_first_name(w) for w in names):
        return None  # "Grand Est", "Zone Industrielle", "Secours Populaire"
    if any(_is_first_name(w) for w in names) or _NAME_CUE_RE.search(
        text[max(0, span[0] - 30) : span[0]]
    ):
        return span
    return None


# Two or three upper-case words: "NADIA BOUZID", "BOUZID NADIA", "KARIM BEN ALI". The small
# model often splits them into one-word ORG or MISC entities, or misses them.
_CAPS_RUN_RE = re.compile(
    rf"(?<![\w\-'’])(?<![{_UP}][ \t])"  # not inside a longer upper-case run
    rf"(?:{_CAPS_WORD})(?:[ \t]+(?:{_CAPS_WORD})){{1,2}}"
    rf"(?![\w\-'’]|[ \t]+[{_UP}]{{2}})"
)


@functools.lru_cache(maxsize=1)
def _folded_common_words() -> frozenset[str]:
    """The model's common words without accents: upper-case text often has none."""
    return frozenset(_fold(w) for w in _common_words)


def _caps_names(text: str) -> Iterable[Span]:
    """A run of two or three upper-case words (a whole run, not part of an upper-case
    sentence) holding a first name, the other words neither common words (accents or not)
    nor terms of the field, not after a street or building word."""
    for run in _CAPS_RUN_RE.finditer(text):
        strings = run.group().split()
        if not any(_is_first_name(w) for w in strings) or strings[-1].lower() in _PARTICLES:
            continue
        if _EPONYM_CONTEXT_RE.search(text[max(0, run.start() - 40) : run.start()]):
            continue
        for word in strings:
            lowered = word.lower()
            if _is_field(word) or lowered in _PLACES or lowered in _SAINTS:
                break
            if lowered in _PARTICLES or _is_first_name(word):
                continue
            if len(word) < 3 or _is_common(word) or _fold(lowered) in _folded_common_words():
                break
        else:
            yield Span(run.start(), run.end(), "name")


def _model_names(text: str, doc: Any) -> Iterable[Span]:
    """Person names in ``doc``, the model's analysis of ``text``."""
    if _CAPS_RUN_RE.search(text):
        yield from _caps_names(text)
    for ent in doc.ents:
        if ent.label_ == "PER":
            span = _person_span(text, ent.start_char, ent.end_char)
            if span is not None:
                yield Span(span[0], span[1], "name")
            continue
        # "BENALI Karim" (NOM Prénom) is often labelled MISC or LOC by the small model.
        match = _NOM_PRENOM_RE.search(ent.text)
        if match:
            surname, first = match.group(1), match.group(2)
            if (
                len(surname) >= 3
                and surname.lower() not in _FIELD_WORDS
                and first.lower() not in _FIELD_WORDS
                and (not _is_common(first) or _is_first_name(first))
                and first.lower() not in _PLACES
            ):
                yield Span(ent.start_char + match.start(), ent.start_char + match.end(), "name")
                continue
        # "Entretien Karima Haddad" (MISC), "NADIA BOUZID absente" (ORG).
        span = _other_entity_name(text, ent.start_char, ent.end_char, ent.label_)
        if span is not None:
            yield Span(span[0], span[1], "name")


# --- putting it together ----------------------------------------------------------------

_PLACEHOLDER_RE = re.compile("|".join(re.escape(p) for p in PLACEHOLDERS.values()))
_DIGITS_RE = re.compile(r"\d")


def _resolve(spans: Iterable[Span], protected: list[tuple[int, int]]) -> tuple[Span, ...]:
    chosen: list[Span] = []
    ordered = sorted(spans, key=lambda s: (_PRIORITY[s.kind], -(s.end - s.start), s.start))
    for span in ordered:
        if span.end <= span.start:
            continue
        if any(span.start < e and s < span.end for s, e in protected):
            continue
        if any(span.start < c.end and c.start < span.end for c in chosen):
            continue
        chosen.append(span)
    return tuple(sorted(chosen, key=lambda s: s.start))


def _pattern_spans(normalised: str, structure_names: Iterable[str]) -> list[Span]:
    spans: list[Span] = []
    spans.extend(_emails(normalised))
    digit_count = len(_DIGITS_RE.findall(normalised))
    if digit_count >= 6:
        spans.extend(_phones(normalised))
    if digit_count >= 12:
        spans.extend(_ibans(normalised))
        spans.extend(_nirs(normalised))
    if digit_count:
        spans.extend(_birth_dates(normalised))
    spans.extend(_addresses(normalised))
    spans.extend(_civility_names(normalised))
    if structure_names:
        spans.extend(_structures(normalised, structure_names))
    return spans


def _finish(normalised: str, spans: list[Span]) -> tuple[Span, ...]:
    protected = [(m.start(), m.end()) for m in _PLACEHOLDER_RE.finditer(normalised)]
    return _resolve(spans, protected)


def _replace(normalised: str, spans: tuple[Span, ...]) -> Scrubbed:
    if not spans:
        return Scrubbed(normalised, frozenset())
    pieces = []
    cursor = 0
    for span in spans:
        pieces.append(normalised[cursor : span.start])
        pieces.append(PLACEHOLDERS[span.kind])
        cursor = span.end
    pieces.append(normalised[cursor:])
    return Scrubbed("".join(pieces), frozenset(s.kind for s in spans))


def detect(
    text: str,
    *,
    use_model: bool = False,
    structure_names: Iterable[str] = (),
) -> tuple[str, tuple[Span, ...]]:
    """Normalise ``text`` and find identifiers in it.

    Returns the normalised text and non-overlapping spans into it, in order.
    """
    normalised = normalize(text)
    spans = _pattern_spans(normalised, structure_names)
    if use_model:
        spans.extend(_model_names(normalised, load_model()(normalised)))
    return normalised, _finish(normalised, spans)


def scrub(
    text: str,
    *,
    use_model: bool = False,
    structure_names: Iterable[str] = (),
) -> Scrubbed:
    """Return the normalised ``text`` with identifiers replaced, and the kinds found.

    ``use_model=True`` adds spaCy's person names (slow, loads the model on first use);
    ``structure_names`` are the author's own structure names, to be masked too.
    """
    return _replace(*detect(text, use_model=use_model, structure_names=structure_names))


def scrub_many(
    texts: Sequence[str],
    *,
    use_model: bool = True,
    structure_names: Sequence[Iterable[str]] | None = None,
    batch_size: int = 64,
) -> list[Scrubbed]:
    """:func:`scrub` for a batch (the background worker): the model runs through
    ``nlp.pipe``, about three times the throughput of one call per text.

    ``structure_names``, if given, has one entry per text.
    """
    if structure_names is not None and len(structure_names) != len(texts):
        raise ValueError("structure_names needs one entry per text")
    normalised = [normalize(t) for t in texts]
    docs: Iterable[Any] = (
        load_model().pipe(normalised, batch_size=batch_size)
        if use_model
        else (None for _ in normalised)
    )
    out = []
    for index, (text, doc) in enumerate(zip(normalised, docs, strict=True)):
        names = structure_names[index] if structure_names is not None else ()
        spans = _pattern_spans(text, names)
        if doc is not None:
            spans.extend(_model_names(text, doc))
        out.append(_replace(text, _finish(text, spans)))
    return out


def scrub_text(text: str) -> str:
    """Patterns-only :func:`scrub`, returning the text alone (kept for existing callers)."""
    return scrub(text).text


def contains_pii(text: str) -> bool:
    """Tell whether :func:`scrub_text` would replace anything in ``text``."""
    return bool(detect(text)[1])
