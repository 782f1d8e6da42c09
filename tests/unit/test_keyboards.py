"""Every button's callback data fits Telegram's 64-byte limit, even with the largest values."""

from __future__ import annotations

import pytest

from bot.keyboards.buttons import InlineKeyboardBuilder
from bot.keyboards.callbacks import (
    AnswerCB,
    ConsentCB,
    ExportCB,
    MineCB,
    OrganiserCB,
    ReviewCB,
    SubscriptionCB,
    VoiceCB,
    VoiceSource,
)

LONGEST_KEY = "q" * 24  # the questionnaire validator caps question keys at 24 characters
BIG_ID = 2**63 - 1  # contribution ids, Telegram ids and timestamps all fit in 64-bit integers

WORST_CASES = [
    AnswerCB(cid=BIG_ID, q=LONGEST_KEY, a="t", i=9, m=1023),
    ReviewCB(cid=BIG_ID, a="e", q=LONGEST_KEY),
    MineCB(cid=BIG_ID, a="q", q=LONGEST_KEY),
    ConsentCB(accept=True, invite="org_" + "x" * 24),
    ExportCB(t=7, r=2**18 - 1, p="all", a="r", i=17),
    VoiceCB(source=VoiceSource.PREREAD, ref=BIG_ID),
    OrganiserCB(a="R", u=BIG_ID),
    SubscriptionCB(a="t", v="x" * 32),
]


@pytest.mark.parametrize("data", WORST_CASES, ids=lambda d: type(d).__name__)
def test_callback_data_fits_64_bytes_when_values_are_largest(data) -> None:
    assert len(data.pack().encode()) <= 64


def test_builder_lays_out_rows_and_repeats_the_last_size() -> None:
    builder = InlineKeyboardBuilder()
    for index in range(7):
        builder.button(text=str(index), callback_data=VoiceCB(source=VoiceSource.DIGEST, ref=index))
    rows = builder.adjust(3, 2).as_markup().inline_keyboard
    assert [[b.text for b in row] for row in rows] == [["0", "1", "2"], ["3", "4"], ["5", "6"]]
