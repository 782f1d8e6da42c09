"""The digest's chart: contributions per theme per day, as a PNG (matplotlib, no screen).

matplotlib is imported by the first chart drawn, not with this module: it costs about 30 MB
and a noticeable start-up time, and only the worker draws charts (the bot process that answers
people imports this module through the digest views, and an export never needs it).
"""

from __future__ import annotations

import io
from datetime import date

WIDTH_PX, HEIGHT_PX, DPI = 1000, 500, 100


def daily_chart(
    counts: dict[date, dict[str, int]],
    series: list[tuple[str, str]],
    title: str,
    note: str | None = None,
) -> bytes:
    """Stacked bars: one bar per day, one colour per theme. `series` is [(theme_key, label)]."""
    from matplotlib.figure import Figure  # see the module docstring

    days = sorted(counts)
    # The Figure API, not pyplot: no global state, nothing to close, safe off the main thread.
    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI)
    axes = figure.subplots()
    bottoms = [0] * len(days)
    positions = list(range(len(days)))
    for key, label in series:
        values = [counts[day].get(key, 0) for day in days]
        axes.bar(positions, values, bottom=bottoms, label=label)
        bottoms = [b + v for b, v in zip(bottoms, values, strict=True)]
    axes.set_xticks(positions, [day.strftime("%d/%m") for day in days], rotation=45)
    axes.set_title(title)
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.set_ylim(bottom=0)
    axes.legend(loc="upper left", fontsize="small")
    axes.grid(axis="y", alpha=0.3)
    if note:
        figure.text(0.01, 0.01, note, fontsize="small", color="#555555")
    figure.tight_layout(rect=(0, 0.04 if note else 0, 1, 1))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()
