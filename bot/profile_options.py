"""Choices offered when people describe themselves. Keys are stored; labels are translated."""

from __future__ import annotations

from aiogram.utils.i18n import lazy_gettext as __

STRUCTURE_TYPES = {
    "ai": __("Association intermédiaire (AI)"),
    "aci": __("Atelier chantier d'insertion (ACI)"),
    "ei": __("Entreprise d'insertion (EI)"),
    "etti": __("Temporary work integration company (ETTI)"),
    "geiq": __("GEIQ"),
    "network": __("Network or federation"),
    "public": __("State, France Travail or local authority"),
    "other": __("Other structure"),
}

ROLES = {
    "cip": __("Employment counsellor (CIP)"),
    "supervisor": __("Technical supervisor"),
    "director": __("Director or deputy"),
    "business": __("Employer relations officer"),
    "admin": __("Reception, admin or placements"),
    "volunteer": __("Volunteer or board member"),
    "other": __("Other role"),
}

STRUCTURE_NAME_MAX = 120
ROLE_OTHER_MAX = 80
