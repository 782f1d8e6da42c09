"""Choices offered when people describe themselves. Keys are stored; labels are translated."""

from __future__ import annotations


def N_(message: str) -> str:
    """Marks a label for the catalogs (scripts/update_catalogs.py). The domain stays free of
    aiogram: the label is translated where it is shown, with gettext, in bot/views and
    bot/keyboards."""
    return message


STRUCTURE_TYPES = {
    "ai": N_("Association intermédiaire (AI)"),
    "aci": N_("Atelier chantier d'insertion (ACI)"),
    "ei": N_("Entreprise d'insertion (EI)"),
    "etti": N_("Temporary work integration company (ETTI)"),
    "geiq": N_("GEIQ"),
    "network": N_("Network or federation"),
    "public": N_("State, France Travail or local authority"),
    "other": N_("Other structure"),
}

ROLES = {
    "cip": N_("Employment counsellor (CIP)"),
    "supervisor": N_("Technical supervisor"),
    "director": N_("Director or deputy"),
    "business": N_("Employer relations officer"),
    "admin": N_("Reception, admin or placements"),
    "volunteer": N_("Volunteer or board member"),
    "other": N_("Other role"),
}

STRUCTURE_NAME_MAX = 120
ROLE_OTHER_MAX = 80
