"""Every button's callback data, in one place: full field names, named actions.

Telegram allows 64 bytes of callback data; aiogram packs only the values (prefix:v1:v2...), so
field names cost nothing. tests/unit/test_keyboards.py checks the longest of each.
"""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData


class ConsentCB(CallbackData, prefix="cs"):
    accept: bool
    invite: str = ""  # an organiser invitation carried through consent (nothing stored before)


class LanguageCB(CallbackData, prefix="lg"):
    code: str


class StructureTypeCB(CallbackData, prefix="st"):
    key: str


class DepartmentCB(CallbackData, prefix="dp"):
    code: str


class RoleCB(CallbackData, prefix="rl"):
    key: str


class MenuCB(CallbackData, prefix="mn"):
    action: str  # contribute | mine | profile | privacy


class ProfileCB(CallbackData, prefix="pf"):
    field: str  # language | structure_type | structure_name | department | role | voice


class ThemeCB(CallbackData, prefix="th"):
    key: str


class AnswerCB(CallbackData, prefix="q"):
    cid: int
    q: str
    a: str  # o: option, t: toggle, v: validate multi, s: scale, k: skip, b: back, p: pause
    i: int = 0  # option index or scale value
    m: int = 0  # multi-choice selection so far (bit mask): the keyboard is the state


class ReviewCB(CallbackData, prefix="rv"):
    cid: int
    a: str  # e: change a question, s: submit
    q: str = ""


class MineCB(CallbackData, prefix="my"):
    cid: int
    a: str  # v: view, e: pick a question, q: change question, w: withdraw?, W: withdraw!
    q: str = ""


class NoticeCB(CallbackData, prefix="nt"):
    """Accept (or not) a new version of the privacy notice."""

    version: int
    accept: bool


class ForgetCB(CallbackData, prefix="fg"):
    confirm: bool


class VoiceChoiceCB(CallbackData, prefix="vc"):
    """Before the first voice note is kept: keep voice notes (organisers will hear them), or
    type instead. Remembered in `users.voice_choice`."""

    keep: bool


# --- Organisers -------------------------------------------------------------------------------


class VoiceSource(StrEnum):
    DIGEST = "digest"  # ref: the digest run's id (its period and scope are read back)
    PREREAD = "preread"  # ref: the meeting's id


class VoiceCB(CallbackData, prefix="vn"):
    """Replays the voice notes of one digest or pre-read. The window is read back from the
    server, never from the button: a forged button cannot narrow it to one person."""

    source: VoiceSource
    ref: int


class SubscriptionCB(CallbackData, prefix="sb"):
    a: str  # f: frequency, h: hour, t: theme toggle, r: region page/toggle, x: all regions
    v: str = ""


class ExportCB(CallbackData, prefix="ex"):
    t: int  # themes bit mask (0: all)
    r: int  # regions bit mask over all_regions() (0: all)
    p: str  # period: 7, 30, all
    a: str  # t: toggle theme, r: toggle region, p: period, x: xlsx, c: csv
    i: int = 0


class OrganiserCB(CallbackData, prefix="og"):
    a: str  # r: ask to revoke, R: revoke
    u: int


class MeetingCB(CallbackData, prefix="mt"):
    """a: the action (see handlers/meetings.py), m: the meeting (0 while adding one),
    v: a value (a region code, a theme key, a field name)."""

    a: str
    m: int
    v: str = ""


class BroadcastCB(CallbackData, prefix="bc"):
    """a: the action (see handlers/broadcasts.py), b: the broadcast, v: a value for the action."""

    a: str
    b: int
    v: str = ""
