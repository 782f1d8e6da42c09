"""Unit tests for bot.domain.scrub."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.domain.scrub import (
    PLACEHOLDERS,
    SCRUBBER_VERSION,
    Scrubbed,
    Span,
    clean_input,
    contains_pii,
    detect,
    load_model,
    normalize,
    scrub,
    scrub_many,
    scrub_text,
)

PHONE = "[téléphone]"
EMAIL = "[e-mail]"
NIR = "[n° sécu]"


# --- realistic field notes ----------------------------------------------------------


def test_phone_and_email_are_replaced_when_inline_in_a_sentence():
    text = "Mme D. (tél 06 12 34 56 78, marie.dupont@orange.fr) a trouvé un CDI"

    assert scrub_text(text) == "Mme D. (tél [téléphone], [e-mail]) a trouvé un CDI"


def test_only_identifiers_are_replaced_when_paragraph_mixes_numbers():
    text = (
        "Suivi de M. K., 34 ans, orienté en 2024 vers l'atelier chantier d'insertion du 38.\n"
        "Joignable au 07.81.22.45.90 ou par mail k.bensaid+aci@free.fr.\n"
        "NIR transmis à la CPAM : 1 85 05 78 006 084 36.\n"
        "Aide de 1 500 € versée le 05/03/2025, taux d'effort 30 %, présent 3 jours sur 5."
    )

    assert scrub_text(text) == (
        "Suivi de M. K., 34 ans, orienté en 2024 vers l'atelier chantier d'insertion du 38.\n"
        "Joignable au [téléphone] ou par mail [e-mail].\n"
        "NIR transmis à la CPAM : [n° sécu].\n"
        "Aide de 1 500 € versée le 05/03/2025, taux d'effort 30 %, présent 3 jours sur 5."
    )


def test_overseas_identifiers_are_replaced_when_note_comes_from_reunion():
    text = (
        "Salariée en ACI à Saint-Denis (974), portable +262 692 12 34 56, "
        "fixe 0262 41 22 33, SIRET de la structure 732 829 320 00074."
    )

    assert scrub_text(text) == (
        "Salariée en ACI à Saint-Denis (974), portable [téléphone], "
        "fixe [téléphone], SIRET de la structure 732 829 320 00074."
    )


def test_every_occurrence_is_replaced_when_identifiers_repeat():
    text = "Appeler 0612345678 puis 0698765432 ; copie à a@b.fr et C@D.FR"

    assert scrub_text(text) == f"Appeler {PHONE} puis {PHONE} ; copie à {EMAIL} et {EMAIL}"


def test_text_is_unchanged_when_it_contains_no_identifier():
    text = "Le comité du 12 juin a validé 12 000 euros pour 2025 (dép. 38, CP 38000)."

    assert scrub_text(text) == text


def test_empty_string_is_returned_when_text_is_empty():
    assert scrub_text("") == ""


# --- phones -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "phone",
    [
        "06 12 34 56 78",
        "06.12.34.56.78",
        "06-12-34-56-78",
        "0612345678",
        "01 23 45 67 89",
        "09 70 12 34 56",
        "06\u00a012\u00a034\u00a056\u00a078",
        "+33 6 12 34 56 78",
        "+33612345678",
        "+33 (0)6 12 34 56 78",
        "+33 06 12 34 56 78",
        "+33.6.12.34.56.78",
        "0033 6 12 34 56 78",
        "0690 12 34 56",
        "0596 71 23 45",
        "0694 20 30 40",
        "+262 692 12 34 56",
        "+590 690 12 34 56",
        "+594 694 20 30 40",
        "+596 696 12 34 56",
        "00262 262 41 22 33",
        "+687 75 12 34",
        "+689 87 12 34 56",
        "+508 41 22 33",
    ],
)
def test_phone_is_replaced_when_written_in_french_format(phone):
    assert scrub_text(f"Contact : {phone}.") == f"Contact : {PHONE}."


def test_phone_is_replaced_when_glued_to_a_label():
    assert scrub_text("tél:0612345678") == f"tél:{PHONE}"


def test_phone_is_kept_whole_when_followed_by_trailing_punctuation():
    assert scrub_text("(06.12.34.56.78).") == f"({PHONE})."


# --- e-mails ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("écrire à marie.dupont@orange.fr", f"écrire à {EMAIL}"),
        ("écrire à jean-luc.martin+iae@wanadoo.fr", f"écrire à {EMAIL}"),
        ("écrire à referent@mail.insertion.gouv.fr", f"écrire à {EMAIL}"),
        ("écrire à Marie.DUPONT@Orange.FR", f"écrire à {EMAIL}"),
        ("écrire à c_durand42@association-relais.org", f"écrire à {EMAIL}"),
        ("écrire à marie@orange.fr.", f"écrire à {EMAIL}."),
        ("écrire à marie@orange.fr, merci", f"écrire à {EMAIL}, merci"),
        ("(marie@orange.fr)", f"({EMAIL})"),
        ("voir…marie@orange.fr", f"voir…{EMAIL}"),
        ("voir...marie@orange.fr", f"voir...{EMAIL}"),
        ("mail: 0612345678@sfr.fr", f"mail: {EMAIL}"),
    ],
)
def test_email_is_replaced_when_address_has_common_variations(text, expected):
    assert scrub_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "rendez-vous @ la mission locale",
        "compte @marie_insertion sur les réseaux",
        "adresse incomplète marie@orange",
    ],
)
def test_text_is_unchanged_when_at_sign_is_not_an_email(text):
    assert scrub_text(text) == text


# --- NIR ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "nir",
    [
        "1 85 05 78 006 084 36",
        "185057800608436",
        "2 69 05 49 588 157 80",
        "269054958815780",
        "1 85 05 78 006 084",
        "1850578006084",
        "1 85 05 2A 006 084 36",
        "2 91 12 2B 123 456 12",
        "18505\u00a078\u00a0006\u00a0084\u00a036",
        "1 85 05 971 12 345 67",
        "3 99 52 99 123 045 11",
        "7 01 30 75 056 001 02",
        "8 12 42 13 055 123 45",
    ],
)
def test_nir_is_replaced_when_written_with_or_without_spaces(nir):
    assert scrub_text(f"n° sécu {nir} (CPAM)") == f"n° sécu {NIR} (CPAM)"


def test_nir_is_not_split_into_a_phone_when_it_contains_a_phone_like_run():
    # "0578006084" inside the compact NIR looks like a 10-digit national number.
    assert scrub_text("NIR 185057800608436.") == f"NIR {NIR}."


def test_nir_is_replaced_when_key_is_invalid():
    # 97 - (1850578006084 % 97) = 91, not 36: the key is deliberately not checked.
    assert scrub_text("1 85 05 78 006 084 36") == NIR


@pytest.mark.parametrize(
    "text",
    [
        "5 85 05 78 006 084 36",  # sex digit 5 does not exist
        "1 85 13 78 006 084 36",  # month 13
        "1 85 45 78 006 084 36",  # month 45
        "1 85 00 78 006 084 36",  # month 00
        "1 85 05 2C 006 084 36",  # only 2A/2B are letter departments
    ],
)
def test_text_is_unchanged_when_nir_structure_is_invalid(text):
    assert scrub_text(text) == text


# --- negatives ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "embauché en 2024",
        "depuis 1998",
        "une aide de 1 500 €",
        "un budget de 12 000 euros",
        "un budget de 1 234 567 890 €",
        "dans le 38",
        "le département 2A",
        "le 05/03/2025",
        "le 05.03.2025",
        "le 05-03-2025 à 09h30",
        "CP 38000",
        "75011 Paris",
        "SIRET 73282932000074",
        "SIRET 732 829 320 00074",
        "SIREN 732 829 320",
        "3 jours sur 5",
        "taux de sortie dynamique 62 %",
        "62,5 % de sorties positives",
        "12 salariés, 4 ETP",
        "facture n° 2025-000123",
        "0612345",
    ],
)
def test_text_is_unchanged_when_number_is_not_an_identifier(text):
    assert scrub_text(text) == text


def test_longer_digit_run_is_kept_when_a_phone_is_embedded_in_it():
    assert scrub_text("réf 106123456789") == "réf 106123456789"


# --- contains_pii / PLACEHOLDERS ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tél 06 12 34 56 78", True),
        ("marie.dupont@orange.fr", True),
        ("NIR 2 69 05 49 588 157 80", True),
        ("+262 692 12 34 56", True),
        ("Aide de 1 500 € le 05/03/2025 dans le 38", False),
        ("SIRET 732 829 320 00074", False),
        ("", False),
    ],
)
def test_contains_pii_reports_identifiers_when_text_is_checked(text, expected):
    assert contains_pii(text) is expected


def test_contains_pii_is_false_when_text_has_been_scrubbed():
    text = "Mme D. (tél 06 12 34 56 78, marie.dupont@orange.fr), NIR 1850578006084"

    assert contains_pii(scrub_text(text)) is False


def test_scrub_is_idempotent_when_applied_twice():
    text = "tél +33 6 12 34 56 78, mail a.b@c.fr, NIR 2 69 05 49 588 157 80"
    once = scrub_text(text)

    assert once == f"tél {PHONE}, mail {EMAIL}, NIR {NIR}"
    assert scrub_text(once) == once


def test_placeholders_map_each_kind_when_exported():
    assert dict(PLACEHOLDERS) == {
        "address": "[adresse]",
        "birth_date": "[date de naissance]",
        "email": "[e-mail]",
        "iban": "[IBAN]",
        "name": "[nom]",
        "nir": "[n° sécu]",
        "phone": "[téléphone]",
        "structure": "[structure]",
    }


def test_placeholders_cannot_be_modified_when_imported():
    with pytest.raises(TypeError):
        PLACEHOLDERS["phone"] = "[tel]"  # type: ignore[index]


# === version 2: normalisation, new kinds, model ======================================

IBAN = "[IBAN]"
NAME = "[nom]"
ADDRESS = "[adresse]"
BIRTH = "[date de naissance]"
STRUCTURE = "[structure]"


def test_scrubber_version_is_an_int_when_exported():
    assert isinstance(SCRUBBER_VERSION, int)
    assert SCRUBBER_VERSION >= 2


# --- normalisation ------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "06\u200b12 34 56 78",  # zero-width space
        "06\u200c12\u200c34\u200c56\u200c78",  # zero-width non-joiner
        "06\u200d12\u200d34\u200d56\u200d78",  # zero-width joiner
        "06\u206012\u206034\u206056\u206078",  # word joiner
        "0\u00ad6 12 34 56 78",  # soft hyphen
        "\ufeff06 12 34 56 78",  # BOM
        "\u202a06 12 34 56 78\u202c",  # bidi embedding
        "\u200e06 12 34 56 78\u200f",  # bidi marks
        "０６ １２ ３４ ５６ ７８",  # full-width digits and ideographic spaces
        "06\u200912\u200934\u200956\u200978",  # thin spaces
        "06\u202f12\u202f34\u202f56\u202f78",  # narrow no-break spaces
        "06\u200712\u200734\u200756\u200778",  # figure spaces
        "06\u00a012\u00a034\u00a056\u00a078",  # no-break spaces
        "＋３３ ６ １２ ３４ ５６ ７８",  # full-width plus
    ],
)
def test_phone_is_replaced_when_written_with_evasion_characters(raw):
    assert scrub_text(f"Tél : {raw}, merci.") == f"Tél : {PHONE}, merci."


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("marie.dupont@orange\u200b.fr", EMAIL),
        ("marie.dupont＠orange.fr", EMAIL),
        ("1 85 05 78\u200b006 084 91", NIR),
        ("１８５０５７８００６０８４９１", NIR),
        ("FR76\u20093000\u20096000\u20090112\u20093456\u20097890\u2009189", IBAN),
        ("ＦＲ７６ ３０００ ６０００ ０１１２ ３４５６ ７８９０ １８９", IBAN),
    ],
)
def test_identifier_is_replaced_when_written_with_evasion_characters(raw, expected):
    assert scrub_text(f"voir {raw}") == f"voir {expected}"


def test_normalize_removes_format_characters_and_plain_spaces_the_rest():
    text = "a\u200bb\u00adc\ufeffd\u2060e\u202ef f\u00a0g\u2009h\u202fi\u3000j"

    assert normalize(text) == "abcdef f g h i j"


def test_normalize_applies_nfkc_when_text_has_compatibility_characters():
    assert normalize("ＡＢＣ ０６ ﬁn") == "ABC 06 fin"


def test_normalize_keeps_typographic_characters_when_nfkc_would_change_them():
    assert normalize("Bof… 12 m² et ½ journée, 3ᵉ étage") == "Bof… 12 m² et ½ journée, 3ᵉ étage"


def test_returned_text_is_normalised_when_nothing_is_masked():
    result = scrub("Budget\u00a0: 1\u202f500\u00a0€\u200b.")

    assert result == Scrubbed("Budget : 1 500 €.", frozenset())


# --- e-mails: obfuscations ----------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "prenom.nom [at] gmail [dot] com",
        "prenom.nom(at)gmail.com",
        "prenom.nom{at}gmail.com",
        "prenom.nom[@]gmail.com",
        "prenom.nom (arobase) gmail (point) com",
        "prenom.nom arobase gmail.com",
        "prenom.nom at gmail dot com",
        "prenom.nom @ gmail.com",
        "prenom.nom(a)gmail.com",
        "prenom point nom arobase gmail point com",
    ],
)
def test_email_is_replaced_when_obfuscated(address):
    assert scrub_text(f"mail : {address} merci") == f"mail : {EMAIL} merci"


@pytest.mark.parametrize(
    "text",
    [
        "on fait le point avec la CIP",
        "rendez-vous at home",
        "il arrive (at) 9h",
    ],
)
def test_text_is_unchanged_when_it_only_looks_like_an_obfuscated_email(text):
    assert scrub_text(text) == text


# --- IBAN ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "iban",
    [
        "FR76 3000 6000 0112 3456 7890 189",
        "FR7630006000011234567890189",
        "FR1420041010050500013M02606",
        "fr49 1010 7001 1800 0123 4567 823",
        "FR76-1660-6100-6400-1353-9343-253",
        "BE71 0961 2345 6769",
        "DE89 3704 0044 0532 0130 00",
        "GB29 NWBK 6016 1331 9268 19",
        # French shape, wrong check digits (76 -> 77): still somebody's account.
        "FR77 3000 6000 0112 3456 7890 189",
    ],
)
def test_iban_is_replaced_when_written_compact_or_grouped(iban):
    assert scrub(f"IBAN : {iban}, merci") == Scrubbed(f"IBAN : {IBAN}, merci", frozenset({"iban"}))


def test_iban_stops_at_its_last_group_when_words_follow():
    text = "virement sur FR50 1450 8000 4023 4567 8901 275 le 5 du mois"

    assert scrub_text(text) == f"virement sur {IBAN} le 5 du mois"


@pytest.mark.parametrize(
    "text",
    [
        "DE89 3704 0044 0532 0130 01",  # foreign, wrong check digits
        "Code ROME K2204, NAF 8899B, APE 8810C",
        "FR76 3000 6000",  # too short
    ],
)
def test_text_is_unchanged_when_iban_is_invalid_or_absent(text):
    assert scrub_text(text) == text


# --- NIR: separators and key policy -------------------------------------------------


@pytest.mark.parametrize(
    "nir",
    [
        "1-85-05-78-006-084-91",
        "1.85.05.78.006.084.91",
        "185 05 78 006 084 91",  # separators at some of the canonical places only
        "1850 5780 0608 491",  # odd grouping, but the key is right
        "1850578006084 91",
        "2 99 08 2A 004 012 61",
    ],
)
def test_nir_is_replaced_when_separated_by_hyphens_dots_or_odd_groups_with_a_valid_key(nir):
    assert scrub(f"NIR {nir}.") == Scrubbed(f"NIR {NIR}.", frozenset({"nir"}))


def test_nir_is_kept_when_key_is_wrong_and_grouping_is_not_canonical():
    # 36 is not the key of 1850578006084 (91): with an odd grouping this is not taken.
    assert scrub_text("réf 1850 5780 0608 436") == "réf 1850 5780 0608 436"


# --- names with a civility ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Rdv avec Mme Martin ce matin", f"Rdv avec Mme {NAME} ce matin"),
        ("M. Dupont souhaite une PMSMP", f"M. {NAME} souhaite une PMSMP"),
        ("Monsieur Jean Dupont a signé", f"Monsieur {NAME} a signé"),
        ("Madame Le Goff est absente", f"Madame {NAME} est absente"),
        ("Mr. Haddad refuse le poste", f"Mr. {NAME} refuse le poste"),
        ("Mr Vasseur a appelé", f"Mr {NAME} a appelé"),
        ("MME BERTRAND viendra", f"MME {NAME} viendra"),
        ("Mme DA SILVA a rapporté", f"Mme {NAME} a rapporté"),
        ("Monsieur Moreau Jean-Claude, sortie", f"Monsieur {NAME}, sortie"),
        ("Mlle Nguyen est motivée", f"Mlle {NAME} est motivée"),
        ("Dr Lemaire a émis des restrictions", f"Dr {NAME} a émis des restrictions"),
        ("M. et Mme Lopez ont appelé", f"M. et Mme {NAME} ont appelé"),
        ("Mme Martin Grenoble", f"Mme {NAME} Grenoble"),
    ],
)
def test_name_is_replaced_when_it_follows_a_civility(text, expected):
    assert scrub(text) == Scrubbed(expected, frozenset({"name"}))


@pytest.mark.parametrize(
    "text",
    [
        "Mme D. a trouvé un CDI",  # an initial is already a pseudonym
        "Suivi de M. K., 34 ans",
        "Mr. X ne répond pas",
        "M. le maire de Voiron soutient le projet",
        "M. Le Maire a signé",
        "Mme la sous-préfète a visité le chantier",
        "Madame la directrice a validé",
        "Monsieur le Directeur de la DDETS",
    ],
)
def test_text_is_unchanged_when_civility_is_followed_by_an_initial_or_a_function(text):
    assert scrub_text(text) == text


# --- addresses ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Il habite 12 rue des Lilas, 38000 Grenoble, au 3e.", f"Il habite {ADDRESS}, au 3e."),
        ("Adresse : 3 bis avenue Jean Jaurès 69007 Lyon", f"Adresse : {ADDRESS}"),
        ("Courrier du 14, boulevard Gambetta.", f"Courrier du {ADDRESS}."),
        ("chez sa sœur, 5 chemin des Vignes à Voreppe", f"chez sa sœur, {ADDRESS} à Voreppe"),
        ("Domicilié 8 allée des Tilleuls", f"Domicilié {ADDRESS}"),
        ("au 27 impasse du Moulin", f"au {ADDRESS}"),
        ("RDV au 2 place de la Liberté", f"RDV au {ADDRESS}"),
        ("Il loge 45 quai Perrache", f"Il loge {ADDRESS}"),
        ("Elle vit 112 route de Lyon 38120 Saint-Égrève.", f"Elle vit {ADDRESS}."),
        ("Son adresse est 9 cours Berriat", f"Son adresse est {ADDRESS}"),
        ("Il vit au lieu-dit Les Granges", f"Il vit au {ADDRESS}"),
        ("Elle vit rue des Alpes à Fontaine", f"Elle vit {ADDRESS} à Fontaine"),
    ],
)
def test_address_is_replaced_when_it_has_a_number_a_street_type_or_a_residence_cue(text, expected):
    assert scrub(text) == Scrubbed(expected, frozenset({"address"}))


@pytest.mark.parametrize(
    "text",
    [
        "À Grenoble (38000), les loyers ont augmenté.",
        "Nos locaux sont à Voiron (38500).",
        "75011 Paris",
        "Ce matin, la rue Victor Hugo était bloquée.",
        "Il est à la rue depuis deux mois.",
        "Une place en ACI s'est libérée.",
        "Elle suit 5 cours de français par semaine.",
        "Au cours de l'accompagnement, elle a repris confiance.",
        "Il prépare le code de la route.",
        "accès par la route de Lyon",
    ],
)
def test_text_is_unchanged_when_a_place_is_mentioned_without_an_address(text):
    assert scrub_text(text) == text


# --- birth dates --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("né le 12/03/1985 à Alger", f"né le {BIRTH} à Alger"),
        ("née le 3 mars 1990.", f"née le {BIRTH}."),
        ("date de naissance : 12.03.1985", f"date de naissance : {BIRTH}"),
        ("DDN 12/03/85, permis", f"DDN {BIRTH}, permis"),
        ("Né(e) le 07/11/1978", f"Né(e) le {BIRTH}"),
        ("né le 1er janvier 1969", f"né le {BIRTH}"),
        ("né à Dakar le 15/08/1979", f"né à Dakar le {BIRTH}"),
        ("né en juin 1988", f"né en {BIRTH}"),
    ],
)
def test_birth_date_is_replaced_when_it_follows_a_birth_cue(text, expected):
    assert scrub(text) == Scrubbed(expected, frozenset({"birth_date"}))


@pytest.mark.parametrize(
    "text",
    [
        "Rendez-vous le 5 mars.",
        "Depuis le 01/09/2024, deux encadrants de plus.",
        "La réunion du 12/03/2025 est reportée.",
        "Entrée le 3 mars 2025 pour un CDDI.",
        "Elle est née en 1990 et a deux enfants.",
        "Date de fin de contrat : 31/08/2025.",
    ],
)
def test_text_is_unchanged_when_a_date_is_not_a_birth_date(text):
    assert scrub_text(text) == text


# --- structure names ----------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "AI du Grésivaudan",
        "ai du gresivaudan",
        "AI  du\u00a0GRÉSIVAUDAN",
        "AI-du-Grésivaudan",
    ],
)
def test_structure_name_is_replaced_when_case_accents_or_spaces_differ(written):
    result = scrub(f"L'{written} a recruté.", structure_names=("AI du Grésivaudan",))

    assert result == Scrubbed(f"L'{STRUCTURE} a recruté.", frozenset({"structure"}))


def test_structure_name_is_replaced_when_apostrophes_differ():
    result = scrub(
        "Les Jardins de Cocagne de l’Isère recrutent.",
        structure_names=("Jardins de Cocagne de l'Isère",),
    )

    assert result.text == f"Les {STRUCTURE} recrutent."


@pytest.mark.parametrize("name", ["AI", "ACI", "EI", "Association", "Mission locale", "", "  "])
def test_structure_name_is_ignored_when_short_or_generic(name):
    text = "L'AI et l'ACI de la Mission locale, une association."

    assert scrub(text, structure_names=(name,)).text == text


def test_structure_name_is_not_replaced_inside_a_longer_word():
    text = "Les Envies de chacun"

    assert scrub(text, structure_names=("Envie",)).text == text


# --- ordinary field sentences -------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "PASS IAE validé par France Travail le 14/01/2025.",
        "Conformément à l'article L5132-1 du code du travail.",
        "Permanence de 9h30 à 12h tous les mardis.",
        "Le poste est à 0,5 ETP sur le chantier espaces verts.",
        "La SIAE compte 45 salariés, la CIP a organisé trois PMSMP.",
        "Orientation par Pôle emploi puis suivi par la Mission locale.",
        "Le conseil départemental finance 20 postes au titre du RSA.",
        "La CAF et la CPAM ont répondu.",
        "Réunion avec la DREETS et la DDETS, l'UNAI relaie.",
        "Partenariat avec Cap emploi.",
        "Les ACI, les EI, les ETTI et les GEIQ ne sont pas financés pareil.",
        "Nous intervenons en Isère (38) et à Bordeaux.",
        "Taux de sorties dynamiques : 12,5 % en 2024.",
        "Mars a été difficile, juin aussi.",
        "Montant de l'aide au poste : 11 102 € par ETP.",
    ],
)
def test_text_is_unchanged_when_it_is_an_ordinary_field_sentence(text):
    assert scrub(text) == Scrubbed(text, frozenset())


# --- found kinds, wrappers ----------------------------------------------------------


def test_found_lists_every_kind_when_a_note_mixes_them():
    text = (
        "Mme Garcia, née le 12/03/1985, 12 rue des Lilas 38000 Grenoble, tél 06 12 34 56 78, "
        "mail s.garcia@free.fr, NIR 2 85 03 38 185 123 45, IBAN FR76 3000 6000 0112 3456 "
        "7890 189, suivie par l'AI du Grésivaudan."
    )

    result = scrub(text, structure_names=["AI du Grésivaudan"])

    assert result.text == (
        f"Mme {NAME}, née le {BIRTH}, {ADDRESS}, tél {PHONE}, mail {EMAIL}, NIR {NIR}, "
        f"IBAN {IBAN}, suivie par l'{STRUCTURE}."
    )
    assert result.found == frozenset(PLACEHOLDERS)


def test_found_is_empty_when_nothing_is_masked():
    assert scrub("Rien à signaler.").found == frozenset()


def test_scrub_text_and_contains_pii_are_patterns_only_wrappers_of_scrub():
    text = "Mme Martin, tél 06 12 34 56 78"

    assert scrub_text(text) == scrub(text, use_model=False).text
    assert contains_pii(text) is True
    assert contains_pii("Karim m'a appelé.") is False  # a name without civility needs the model


def test_detect_returns_spans_into_the_normalised_text():
    normalised, spans = detect("tél\u00a0:\u200b06 12 34 56 78")

    assert normalised == "tél :06 12 34 56 78"
    assert spans == (Span(5, 19, "phone"),)


def test_scrub_is_idempotent_when_every_kind_was_masked():
    text = "Mme Martin, 12 rue des Lilas, née le 3 mars 1990, IBAN FR7630006000011234567890189"
    once = scrub(text).text

    assert scrub(once) == Scrubbed(once, frozenset())


# --- clean_input --------------------------------------------------------------------


def test_clean_input_removes_control_and_bidi_characters_when_text_arrives():
    text = "a\x00b\x07c\x1bd\x7fe\x85f\x9fg\u202eh\u202ai\u2066j\u2069k\u200el\u200fm\u061cn"

    assert clean_input(text) == "abcdefghijklmn"


def test_clean_input_keeps_newlines_tabs_and_other_characters():
    text = "Ligne 1\n\tLigne 2 – é ü 😀 06\u00a012\u200b34"

    assert clean_input(text) == text


def test_clean_input_turns_carriage_returns_into_newlines():
    assert clean_input("a\r\nb\rc") == "a\nb\nc"


# --- laziness -----------------------------------------------------------------------


def test_spacy_is_not_imported_when_scrubbing_without_the_model():
    code = (
        "import sys\n"
        "import bot.domain.scrub as s\n"
        "assert 'spacy' not in sys.modules, 'imported at import time'\n"
        "r = s.scrub('Karim Benali, Mme Martin, 06 12 34 56 78', use_model=False)\n"
        "assert r.found == {'name', 'phone'}, r\n"
        "s.scrub_text('x'); s.contains_pii('x'); s.scrub_many(['x'], use_model=False)\n"
        "assert 'spacy' not in sys.modules, 'imported by a patterns-only scrub'\n"
        "assert not s.model_loaded()\n"
    )
    root = Path(__file__).resolve().parents[2]

    completed = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=60
    )

    assert completed.returncode == 0, completed.stderr


# --- with the model (slow: loads spaCy once for the module) -------------------------


@pytest.fixture(scope="module")
def model():
    return load_model()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "J'ai accompagné Karim Benali pendant 18 mois.",
            f"J'ai accompagné {NAME} pendant 18 mois.",
        ),
        ("Sophie m'a dit qu'elle viendrait.", f"{NAME} m'a dit qu'elle viendrait."),
        ("Échange avec BENALI Karim sur la garde.", f"Échange avec {NAME} sur la garde."),
    ],
)
def test_name_is_replaced_by_the_model_when_written_without_civility(model, text, expected):
    assert scrub(text, use_model=True) == Scrubbed(expected, frozenset({"name"}))


@pytest.mark.parametrize(
    "text",
    [
        "Orientation par Pôle emploi puis suivi par la Mission locale.",
        "Dossier CPAM en cours, la CAF a répondu.",
        "Permanence de 9h30 à 12h, Décision CDAPH reçue.",
        "Ce matin, la rue Victor Hugo était bloquée.",
        "Nous avons rencontré la mairie de Fontaine.",
        "Madame la Préfète a signé l'arrêté.",
        "Emmaüs Connect a fourni 15 smartphones.",
    ],
)
def test_text_is_unchanged_by_the_model_when_capitalised_words_are_not_people(model, text):
    assert scrub(text, use_model=True).text == text


def test_scrub_many_gives_the_same_results_as_scrub_when_batched(model):
    texts = ["Karim Benali a signé.", "Tél 06 12 34 56 78", "L'AI du Grésivaudan recrute."]
    structures = [(), (), ("AI du Grésivaudan",)]

    batched = scrub_many(texts, use_model=True, structure_names=structures)

    assert batched == [
        scrub(t, use_model=True, structure_names=s) for t, s in zip(texts, structures, strict=True)
    ]
    assert batched[2].text == f"L'{STRUCTURE} recrute."


# === version 3: leaks found by the security review ===================================


def test_scrubber_version_is_3_when_review_rules_are_in():
    assert SCRUBBER_VERSION >= 3


# --- normalisation: line breaks between digits, dashes ------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("06 12\n34 56 78", "06 12 34 56 78"),
        ("06 12 \n 34", "06 12 34"),
        ("07 81\r\n22 45 90", "07 81 22 45 90"),
        ("06 12\r34", "06 12 34"),
        ("06 12\u202834\u2029", "06 12 34\u2029"),
        ("06 12\x0b34\x0c56\x8578", "06 12 34 56 78"),
    ],
)
def test_normalize_turns_a_line_break_into_a_space_when_it_stands_between_digits(raw, expected):
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Ligne 1\nLigne 2",
        "Total 12\nSuite",
        "Bilan\n2025",
        "12\n\n34",  # a blank line: two paragraphs, not one number
    ],
)
def test_normalize_keeps_line_breaks_when_not_between_two_digits(text):
    assert normalize(text) == text


def test_normalize_turns_dash_variants_into_hyphen_minus():
    assert normalize("a\u2010b\u2011c\u2012d\u2013e\u2014f\u2015g\u2212h\ufe63i\uff0dj") == (
        "a-b-c-d-e-f-g-h-i-j"
    )


# --- phones -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "06 12\n34 56 78",
        "06 12\r\n34 56 78",
        "06\n12\n34\n56\n78",
        "06 12 34\u202856 78",
        "06\u201012\u201034\u201056\u201078",  # hyphen
        "06\u201112\u201134\u201156\u201178",  # non-breaking hyphen
        "06\u201312\u201334\u201356\u201378",  # en dash
        "06\u201412\u201434\u201456\u201478",  # em dash
        "06\u221212\u221234\u221256\u221278",  # minus sign
        "+33 6\u201312\u201334\u201356\u201378",
        "06_12_34_56_78",
        "06,12,34,56,78",
        "04_76_12_34_56",
        "07 12 34 56 78",  # a mobile range not allocated yet is still a mobile number
        "07.00.12.34.56",
    ],
)
def test_phone_is_replaced_when_split_by_a_line_break_or_odd_separators(raw):
    assert scrub_text(f"Tél : {raw}, merci.") == f"Tél : {PHONE}, merci."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("06 12 34 56 78 / 07 12 34 56 78", f"{PHONE} / {PHONE}"),
        ("07 52 41 63 85/06 98 76 54 32", f"{PHONE}/{PHONE}"),
        ("06 12 34 56 78 ou 07 12 34 56 78", f"{PHONE} ou {PHONE}"),
    ],
)
def test_every_phone_is_replaced_when_two_numbers_follow_each_other(text, expected):
    assert scrub_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Codes 01,02,03,04,05 du référentiel.",
        "Le 05/03/2025 12 salariés étaient présents.",
        "Public visé : 18-25 ans, 0,5 ETP.",
        "Effectif 2023 2024 en hausse.",
        "Numéro de convention 038-2025-00045.",
    ],
)
def test_text_is_unchanged_when_numbers_with_odd_separators_are_not_phones(text):
    assert scrub_text(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "Le 05/03/2025\n12 salariés étaient présents.",
        "Effectif : 2023\n2024 en légère hausse.",
        "Horaires : 8h30\u201112h \u2013 13h30\u201316h.",
        "Tranche 18\u201325 ans.",
    ],
)
def test_nothing_is_masked_when_normalised_numbers_are_not_identifiers(text):
    assert scrub(text) == Scrubbed(normalize(text), frozenset())


# --- e-mails: a space around the dot of the domain ----------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "karim.benali@gmail .com",
        "karim.benali@gmail . com",
        "karim.benali@gmail. com",
        "karim.benali @gmail .com",
        "sophie.l@orange. fr",
        "j.doe@mail .insertion .gouv .fr",
    ],
)
def test_email_is_replaced_when_a_space_stands_around_a_dot_of_the_domain(address):
    assert scrub_text(f"mail : {address} merci") == f"mail : {EMAIL} merci"


@pytest.mark.parametrize(
    "text",
    [
        "j'ai écrit à marie@orange. Elle a répondu.",
        "écrit à marie@orange .",
    ],
)
def test_text_is_unchanged_when_a_dot_after_an_incomplete_address_ends_a_sentence(text):
    assert scrub_text(text) == text


# --- birth dates: spaces, no separator ----------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("née le 12 03 1985", f"née le {BIRTH}"),
        ("date de naissance 12031985", f"date de naissance {BIRTH}"),
        ("né le 7 11 78 à Oran", f"né le {BIRTH} à Oran"),
        ("DDN 120385", f"DDN {BIRTH}"),
        ("née le 12\u201103\u20111985", f"née le {BIRTH}"),
        ("né le 12\u201303\u20131985", f"né le {BIRTH}"),
    ],
)
def test_birth_date_is_replaced_when_written_with_spaces_dashes_or_no_separator(text, expected):
    assert scrub(text) == Scrubbed(expected, frozenset({"birth_date"}))


@pytest.mark.parametrize(
    "text",
    [
        "La réunion du 12 03 2025 est reportée.",
        "date de naissance 32131985",  # no 32nd day, no 13th month
        "née en 1985, 12 03 ans plus tard",
        "Réf 12031985 du dossier.",
    ],
)
def test_text_is_unchanged_when_digits_are_not_a_birth_date(text):
    assert scrub_text(text) == text


# --- civilities glued, in lower case, with particles --------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Vu M.Dupont ce matin", f"Vu M.{NAME} ce matin"),
        ("Mme.Martin a rappelé", f"Mme.{NAME} a rappelé"),
        ("Mr.Haddad refuse le poste", f"Mr.{NAME} refuse le poste"),
        ("rdv avec mme Martin jeudi", f"rdv avec mme {NAME} jeudi"),
        ("Point avec mlle Nguyen.", f"Point avec mlle {NAME}."),
        ("mr Vasseur a appelé", f"mr {NAME} a appelé"),
        ("vu par le dr Lemaire", f"vu par le dr {NAME}"),
        ("Mme de la Fontaine est absente", f"Mme {NAME} est absente"),
        ("Monsieur de l'Estang a signé", f"Monsieur {NAME} a signé"),
        ("Mme des Forges est venue", f"Mme {NAME} est venue"),
    ],
)
def test_name_is_replaced_when_civility_is_glued_lower_case_or_has_particles(text, expected):
    assert scrub(text) == Scrubbed(expected, frozenset({"name"}))


@pytest.mark.parametrize(
    "text",
    [
        "Mme de la CAF a appelé.",
        "Mme.D. a trouvé un CDI",
        "mme la directrice a validé",
        "Madame la Préfète a signé l'arrêté.",
        "Il a couru 200 m. Martin est arrivé ensuite.",  # lower-case "m." is a unit
    ],
)
def test_text_is_unchanged_when_a_civility_variant_is_followed_by_no_name(text):
    assert scrub_text(text) == text


# --- names with the model -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Pierre Martin est venu ce matin.", f"{NAME} est venu ce matin."),
        ("Sophie Durand de France Travail m'a appelé.", f"{NAME} de France Travail m'a appelé."),
        ("Paul Durand de la CAF a rappelé.", f"{NAME} de la CAF a rappelé."),
        ("Contact : Julien Moreau", f"Contact : {NAME}"),
        ("Contact : Sébastien Roux (encadrant)", f"Contact : {NAME} (encadrant)"),
        ("Entretien Karima Haddad : motivée", f"Entretien {NAME} : motivée"),
        ("Entretien Yasmina Benali : très motivée", f"Entretien {NAME} : très motivée"),
        ("Salarié: Dupont Jean", f"Salarié: {NAME}"),
        ("Salariée : KONE Awa", f"Salariée : {NAME}"),
        ("NADIA BOUZID absente", f"{NAME} absente"),
        ("BOUZID NADIA absente", f"{NAME} absente"),
        ("KARIM BENALI présent au chantier.", f"{NAME} présent au chantier."),
        ("Mme.Martin a rappelé.", f"Mme.{NAME} a rappelé."),
        ("Mme de la Fontaine est absente.", f"Mme {NAME} est absente."),
        (
            "Ousmane a obtenu son permis B du premier coup !",
            f"{NAME} a obtenu son permis B du premier coup !",
        ),
    ],
)
def test_name_is_replaced_by_the_model_when_the_review_found_it_leaking(model, text, expected):
    assert scrub(text, use_model=True) == Scrubbed(expected, frozenset({"name"}))


@pytest.mark.parametrize(
    "text",
    [
        "Atelier Cuisine Solidaire le mardi.",
        "Le bailleur Grenoble Habitat propose un T2.",
        "La Marine nationale recrute des jeunes.",
        "Marché Saint-Bruno le samedi.",
        "Nous avons vu Saint Martin d'Hères.",
        "Le collège Jean Moulin accueille nos stagiaires.",
        "COLLEGE JEAN MOULIN",
        "RUE JEAN JAURES",
        "PARTENAIRES : FRANCE TRAVAIL, MISSION LOCALE, CAP EMPLOI",
        "Entretien Pôle Emploi demain.",
        "Contact pris avec la Banque Alimentaire de l'Isère.",
        "Il est parti à Florence.",
    ],
)
def test_text_is_unchanged_by_the_model_when_new_name_rules_meet_non_people(model, text):
    assert scrub(text, use_model=True).text == text
