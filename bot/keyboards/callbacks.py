"""Every button's callback data, in one place: full field names, named actions.

Telegram allows 64 bytes of callback data; aiogram packs only the values (prefix:v1:v2...), so
field names cost nothing. tests/unit/test_keyboards.py checks the longest of each.
An action's value is what is packed: it stays short, and it stays the same, so that buttons
already sent keep working. Each action has its own handler (`XCB.filter(F.action == ...)`); a
value no action has fails to unpack and ends in the errors router ("this button has expired").
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


class MenuAction(StrEnum):
    CONTRIBUTE = "contribute"
    MINE = "mine"
    PROFILE = "profile"
    PRIVACY = "privacy"
    HOME = "home"  # back to the main menu (after a withdrawal, an error, "not now")


class MenuCB(CallbackData, prefix="mn"):
    action: MenuAction


class ProfileField(StrEnum):
    """The field of /profil to change (the choice and text fields are `ProfileStep`s)."""

    LANGUAGE = "language"
    STRUCTURE_TYPE = "structure_type"
    STRUCTURE_NAME = "structure_name"
    DEPARTMENT = "department"
    ROLE = "role"
    VOICE = "voice"  # keep voice notes, or not
    REMINDERS_ON = "rem_on"  # /rappels: meeting reminders on
    REMINDERS_OFF = "rem_off"  # /rappels: meeting reminders off


class ProfileCB(CallbackData, prefix="pf"):
    field: ProfileField


class ThemeCB(CallbackData, prefix="th"):
    key: str


class AnswerAction(StrEnum):
    OPTION = "o"  # `index`: the option of a single-choice question
    TOGGLE = "t"  # `index`: the option ticked or unticked; `mask`: the selection before
    VALIDATE = "v"  # `mask`: the multi-choice selection to record
    SCALE = "s"  # `index`: the value chosen on the scale
    SKIP = "k"
    BACK = "b"
    PAUSE = "p"  # or cancel, while a submitted contribution is being edited
    KEEP = "c"  # keep the current answer as it is, and go on (to the review, once complete)


class AnswerCB(CallbackData, prefix="q"):
    """A button of the question `question` of contribution `contribution_id`."""

    contribution_id: int
    question: str
    action: AnswerAction
    index: int = 0  # option index or scale value
    mask: int = 0  # multi-choice selection so far (bit mask): the keyboard is the state


class ReviewAction(StrEnum):
    CHANGE = "e"  # ask `question` again
    SUBMIT = "s"
    ASK_DISCARD = "d"  # discard this draft? (asks to confirm)
    DISCARD = "D"
    ANOTHER = "n"  # `contribution_id`: a submitted one; start another on its theme


class ReviewCB(CallbackData, prefix="rv"):
    contribution_id: int
    action: ReviewAction
    question: str = ""


class MineAction(StrEnum):
    LIST = "l"  # back to /mescontributions
    VIEW = "v"
    PICK_QUESTION = "e"  # which answer to change?
    CHANGE = "q"  # ask `question` again
    ASK_WITHDRAW = "w"  # withdraw? (asks to confirm)
    WITHDRAW = "W"


class MineCB(CallbackData, prefix="my"):
    contribution_id: int
    action: MineAction
    question: str = ""


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
    DIGEST = "digest"  # source_id: the digest run's id (its period and scope are read back)
    PREREAD = "preread"  # source_id: the meeting's id


class VoiceCB(CallbackData, prefix="vn"):
    """Replays the voice notes of one digest or pre-read (one handler per source). The window
    is read back from the server, never from the button: a forged button cannot narrow it to
    one person."""

    source: VoiceSource
    source_id: int


class SubscriptionAction(StrEnum):
    """`/abonnement` (handlers/organiser.py)."""

    FREQUENCY = "f"  # value: daily, weekly, off
    HOUR = "h"  # value: the hour
    THEME = "t"  # value: the theme key to tick or untick
    REGIONS = "r"  # open the regions screen
    REGION = "g"  # value: the region code to tick or untick
    ALL_REGIONS = "x"
    DONE = "d"  # back from the regions screen


class SubscriptionCB(CallbackData, prefix="sb"):
    action: SubscriptionAction
    value: str = ""


class ExportAction(StrEnum):
    """`/export` (handlers/organiser.py): the selection travels in every button."""

    THEME = "t"  # index: the theme to tick or untick
    REGION = "r"  # index: the region to tick or untick
    PERIOD = "p"  # the button carries the period chosen
    XLSX = "x"
    CSV = "c"


class ExportCB(CallbackData, prefix="ex"):
    themes: int  # bit mask over the questionnaire's themes (0: all)
    regions: int  # bit mask over all_regions() (0: all)
    period: str  # 7, 30, all (checked by `ExportSelection`: a forged one is refused)
    action: ExportAction
    index: int = 0


class OrganiserAction(StrEnum):
    """`/organisateurs` (handlers/admin.py)."""

    ASK_REVOKE = "r"  # "revoke them?"
    REVOKE = "R"
    KEEP = "n"  # no, keep them


class OrganiserCB(CallbackData, prefix="og"):
    action: OrganiserAction
    user_id: int


class MeetingAction(StrEnum):
    """`/reunions` (handlers/meetings.py). The values are what older buttons carry."""

    LIST = "l"
    OPEN = "o"
    PREREAD = "p"
    ASK_CANCEL = "c"  # "cancel the meeting?"
    CANCEL = "C"
    EDIT = "e"  # which field?
    EDIT_FIELD = "f"  # value: the field
    ADD = "+"
    REGION_TOGGLE = "rg"  # value: the region code
    REGIONS_ALL = "rx"
    REGIONS_DONE = "rd"
    THEME = "th"  # value: the theme key ("": no theme focus)
    SKIP_VENUE = "sk"
    CREATE = "ok"
    DISCARD = "X"


class MeetingCB(CallbackData, prefix="mt"):
    """`meeting_id` is 0 while a meeting is being added; `value` depends on the action."""

    action: MeetingAction
    meeting_id: int
    value: str = ""


class BroadcastAction(StrEnum):
    """`/diffuser` (handlers/broadcasts.py). The values are what older buttons carry: they are
    case-sensitive ("R" shows the regions, "r" retries the failed)."""

    # The draft's audience.
    AUDIENCE = "A"  # back to the audience summary
    REGIONS = "R"
    REGION_TOGGLE = "rg"  # value: the region code
    REGIONS_ALL = "rx"
    REGIONS_DONE = "rd"
    DEPARTMENTS = "D"
    ROLES = "O"
    ROLE_TOGGLE = "og"  # value: the role key
    NOT_CONTRIBUTED = "T"
    NOT_CONTRIBUTED_THEME = "tt"  # value: the theme key ("": no condition)
    INACTIVE = "I"
    INACTIVE_DAYS = "ii"  # value: the days ("": no condition)
    EVERYONE = "E"
    # Preview and sending.
    PREVIEW = "P"
    URGENT = "U"
    SEND_NOW = "N"
    SCHEDULE = "S"
    CONFIRM = "K"  # value: "now" or the confirmed moment (Unix seconds)
    DISCARD = "X"
    # Once confirmed.
    ASK_CANCEL = "c"  # "cancel it?"
    CANCEL = "C"
    KEEP = "n"  # "no, let it go on"
    RETRY_FAILED = "r"
    ASK_RESEND_UNCERTAIN = "u"
    RESEND_UNCERTAIN = "uy"
    KEEP_UNCERTAIN = "un"


class BroadcastCB(CallbackData, prefix="bc"):
    action: BroadcastAction
    broadcast_id: int
    value: str = ""
