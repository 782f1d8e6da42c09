"""Unit tests for bot.services.scrub."""

from __future__ import annotations

import pytest

from bot.services.scrub import PLACEHOLDERS, contains_pii, scrub_text

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
        "email": "[e-mail]",
        "nir": "[n° sécu]",
        "phone": "[téléphone]",
    }


def test_placeholders_cannot_be_modified_when_imported():
    with pytest.raises(TypeError):
        PLACEHOLDERS["phone"] = "[tel]"  # type: ignore[index]
