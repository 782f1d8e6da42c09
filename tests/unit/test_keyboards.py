"""Every button's callback data fits Telegram's 64-byte limit, even with the largest values."""

from __future__ import annotations

import pytest

from bot.domain.geo import all_regions
from bot.domain.profile_options import ROLES, STRUCTURE_TYPES
from bot.keyboards.buttons import InlineKeyboardBuilder
from bot.keyboards.callbacks import (
    AnswerAction,
    AnswerCB,
    BroadcastAction,
    BroadcastCB,
    ConsentCB,
    DepartmentCB,
    ExportAction,
    ExportCB,
    ForgetCB,
    LanguageCB,
    MeetingAction,
    MeetingCB,
    MenuAction,
    MenuCB,
    MineAction,
    MineCB,
    NoticeCB,
    OrganiserAction,
    OrganiserCB,
    ProfileCB,
    ProfileField,
    ReviewAction,
    ReviewCB,
    RoleCB,
    StructureTypeCB,
    SubscriptionAction,
    SubscriptionCB,
    ThemeCB,
    VoiceCB,
    VoiceChoiceCB,
    VoiceSource,
)
from bot.services.export import PERIODS

LONGEST_KEY = "q" * 24  # the questionnaire validator caps question keys at 24 characters
LONGEST_THEME_KEY = "t" * 32  # ... and theme keys at 32
BIG_ID = 2**63 - 1  # contribution ids, Telegram ids and timestamps all fit in 64-bit integers
MOST_OPTIONS = 10  # ... and a question at 10 options: the largest index and mask
# Telegram shows at most 100 buttons in a keyboard: the export screen's other buttons (periods,
# regions, formats) leave room for this many themes, the longest themes bit mask.
MOST_THEMES = 100 - len(PERIODS) - len(all_regions()) - 2


def longest(actions):
    return max(actions, key=lambda action: len(action.value))


WORST_CASES = [
    AnswerCB(
        contribution_id=BIG_ID,
        question=LONGEST_KEY,
        action=longest(AnswerAction),
        index=MOST_OPTIONS - 1,
        mask=2**MOST_OPTIONS - 1,
    ),
    ReviewCB(contribution_id=BIG_ID, action=longest(ReviewAction), question=LONGEST_KEY),
    MineCB(contribution_id=BIG_ID, action=longest(MineAction), question=LONGEST_KEY),
    MenuCB(action=longest(MenuAction)),
    ProfileCB(field=longest(ProfileField)),
    ThemeCB(key=LONGEST_THEME_KEY),
    LanguageCB(code="zh_Hant_TW"),  # a catalog's name in locales/
    StructureTypeCB(key=max(STRUCTURE_TYPES, key=len)),
    RoleCB(key=max(ROLES, key=len)),
    DepartmentCB(code="974"),
    NoticeCB(version=BIG_ID, accept=False),
    ForgetCB(confirm=False),
    VoiceChoiceCB(keep=False),
    ConsentCB(accept=True, invite="org_" + "x" * 24),
    ExportCB(
        themes=2**MOST_THEMES - 1,
        regions=2 ** len(all_regions()) - 1,
        period=max(PERIODS, key=len),
        action=longest(ExportAction),
        index=len(all_regions()) - 1,
    ),
    VoiceCB(source=longest(VoiceSource), source_id=BIG_ID),
    OrganiserCB(action=longest(OrganiserAction), user_id=BIG_ID),
    SubscriptionCB(action=longest(SubscriptionAction), value=LONGEST_THEME_KEY),
    # The longest value of a meeting or broadcast button is a theme key (regions, fields,
    # roles, days and Unix seconds are shorter).
    MeetingCB(action=longest(MeetingAction), meeting_id=BIG_ID, value=LONGEST_THEME_KEY),
    BroadcastCB(action=longest(BroadcastAction), broadcast_id=BIG_ID, value=LONGEST_THEME_KEY),
]


@pytest.mark.parametrize("data", WORST_CASES, ids=lambda d: type(d).__name__)
def test_callback_data_fits_64_bytes_when_values_are_largest(data) -> None:
    assert len(data.pack().encode()) <= 64


def test_builder_lays_out_rows_and_repeats_the_last_size() -> None:
    builder = InlineKeyboardBuilder()
    for index in range(7):
        builder.button(
            text=str(index), callback_data=VoiceCB(source=VoiceSource.DIGEST, source_id=index)
        )
    rows = builder.adjust(3, 2).as_markup().inline_keyboard
    assert [[b.text for b in row] for row in rows] == [["0", "1", "2"], ["3", "4"], ["5", "6"]]
