"""Frozen copy of ``bot/services/scrub.py`` before the version-2 rewrite: the baseline of
``bench/scrub_quality.py``. Do not edit; its docstring below is the original one.

Replace direct identifiers in free-text contributions with neutral placeholders.

Organisers of the consultation only ever read the *scrubbed* text; the author of a
contribution keeps the original in their own conversation. This module is therefore
tuned to remove the identifiers that are both frequent in field notes and reliably
recognisable by their shape:

* French phone numbers -> ``[téléphone]``: national format (``06 12 34 56 78``,
  ``06.12.34.56.78``, ``06-12-34-56-78``, ``0612345678``, ``0690 12 34 56``),
  international ``+33`` / ``0033`` (with or without ``(0)``), overseas departments
  (``+262``, ``+590``, ``+594``, ``+596``) and overseas collectivities
  (``+508``, ``+681``, ``+687`` with 6 digits, ``+689`` with 8 digits).
* e-mail addresses -> ``[e-mail]`` (dots, ``+``, hyphens, subdomains, any case;
  trailing punctuation is left in place).
* NIR / social security numbers -> ``[n° sécu]``: sex digit (1, 2, 3, 4, 7, 8),
  year, month (01-12, 20-42, 50-99), department (2 digits, ``2A``/``2B``, or the
  overseas ``97x``/``98x`` + 2-digit commune split), commune, order number and an
  optional 2-digit key, either compact or with spaces at the usual group boundaries
  (``1 85 05 78 006 084 36``).

Choices made to limit false positives without weakening privacy:

* Phones must start with ``0`` (or ``+``/``00`` + a French code) and contain exactly
  ten digits, so years, amounts (``1 500 €``), department codes, postal codes
  (``38000``), dates (``05/03/2025``) and percentages are left alone.
* A NIR only accepts separators at the canonical group boundaries (1-2-2-2-3-3-2),
  so a spaced SIRET (``732 829 320 00074``) never matches, and a compact SIRET
  (14 digits) is neither 13 nor 15 digits long.
* The NIR key (97 - number mod 97) is deliberately **not** checked: a mistyped key
  is still somebody's social security number, and the structural checks above
  already separate NIRs from the other long numbers found in field notes. The cost
  is that an unrelated 13/15-digit number with a NIR-like shape (e.g. an EAN-13
  barcode) is over-scrubbed, which is harmless.

What is deliberately *not* caught: names, postal addresses, birth dates, employers,
IBANs and other quasi-identifiers. They cannot be detected reliably with patterns
(``Mme Martin`` vs ``rue Martin`` vs ``la Martinique``), and a noisy guess would
mangle the contributions organisers need to read. Those are handled by asking
authors not to write them and by the author-side review of the scrubbed text.

Substitutions run in a fixed order: e-mails first (so ``0612345678@sfr.fr`` becomes
one e-mail), then NIRs (so a NIR is never partly eaten as a phone), then phones.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["PLACEHOLDERS", "contains_pii", "scrub_text"]

PLACEHOLDERS: Mapping[str, str] = MappingProxyType(
    {
        "email": "[e-mail]",
        "nir": "[n° sécu]",
        "phone": "[téléphone]",
    }
)

# Optional separator inside a NIR: plain, no-break or narrow no-break space.
_NIR_SEP = r"[\x20\u00a0\u202f]?"
# Optional separator inside a phone number: spaces, dot or hyphen.
_PHONE_SEP = r"[\x20\u00a0\u202f.\-]?"

_EMAIL_RE = re.compile(
    r"""
    (?<![\w%+\-])(?<![\w%+\-]\.)        # start of the token only (keeps matching linear)
    [\w%+\-]+(?:\.[\w%+\-]+)*           # local part: dot-separated atoms
    @
    (?:[^\W_](?:[\w\-]*[^\W_])?\.)+     # domain labels, subdomains included
    [^\W\d_]{2,}                        # top-level domain (letters only)
    (?![\w\-])
    """,
    re.VERBOSE,
)

_NIR_RE = re.compile(
    rf"""
    (?<!\d)
    [1-478]                                     # sex / kind of registration
    {_NIR_SEP}\d{{2}}                           # year of birth
    {_NIR_SEP}(?:0[1-9]|1[0-2]|[23]\d|4[0-2]|[5-9]\d)  # month (or fictitious month)
    {_NIR_SEP}(?:
        (?:\d{{2}}|2[ABab]){_NIR_SEP}\d{{3}}    # department + commune
      | 9[78]\d{_NIR_SEP}\d{{2}}                # overseas: 3-digit dept + 2-digit commune
    )
    {_NIR_SEP}\d{{3}}                           # order number
    (?:{_NIR_SEP}\d{{2}})?                      # optional control key
    (?![\dA-Za-z])
    """,
    re.VERBOSE,
)

_PHONE_INTL_RE = re.compile(
    rf"""
    (?<![\w+])
    (?:\+|00)
    (?:
        (?:33|262|590|594|596)                  # metropolitan France and DROM
        {_PHONE_SEP}(?:\(0\){_PHONE_SEP}|0)?    # "(0)" or a stray trunk zero
        [1-9](?:{_PHONE_SEP}\d){{8}}
      | (?:508|681|687){_PHONE_SEP}\d(?:{_PHONE_SEP}\d){{5}}  # 6-digit collectivities
      | 689{_PHONE_SEP}\d(?:{_PHONE_SEP}\d){{7}}             # French Polynesia
    )
    (?!\d)
    """,
    re.VERBOSE,
)

_PHONE_NATIONAL_RE = re.compile(
    rf"""
    (?<![\d+])
    0[1-9](?:{_PHONE_SEP}\d{{2}}){{4}}          # 0X + four pairs (covers 0690 12 34 56)
    (?!\d)
    """,
    re.VERBOSE,
)

# Application order matters, see the module docstring.
_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (_EMAIL_RE, PLACEHOLDERS["email"]),
    (_NIR_RE, PLACEHOLDERS["nir"]),
    (_PHONE_INTL_RE, PLACEHOLDERS["phone"]),
    (_PHONE_NATIONAL_RE, PLACEHOLDERS["phone"]),
)


def scrub_text(text: str) -> str:
    """Return ``text`` with phones, e-mails and NIRs replaced by their placeholders."""
    for pattern, placeholder in _RULES:
        text = pattern.sub(placeholder, text)
    return text


def contains_pii(text: str) -> bool:
    """Tell whether ``text`` contains anything :func:`scrub_text` would replace."""
    return any(pattern.search(text) for pattern, _ in _RULES)
