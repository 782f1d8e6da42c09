"""Charts as PNGs (matplotlib, no screen): horizontal bars for a closed question or a count per
region (`bar_chart`), and stacked bars per theme over weeks or days (`weekly_chart`,
`daily_chart`).

The charts know nothing of the questionnaire, of gettext or of the small-group rule: labels
arrive translated, figures formatted, hidden counts already hidden. A `Bar` whose count is not
exact ("moins de 5", "au moins 21") is drawn hatched in a light tint, so that it reads as such.

Each figure is laid out by hand, top to bottom, in pixels: the texts are measured first, then
the figure is given the height they need, so nothing is ever clipped and the width stays fixed
(a phone shows 1000 px well). One colour-blind-safe palette (Okabe–Ito) for every chart.

matplotlib is imported by the first chart drawn, not with this module: it costs about 30 MB
and a noticeable start-up time, and only the worker draws charts (the bot process that answers
people imports this module through the digest views, and an export never needs it).
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase
    from matplotlib.figure import Figure

DPI = 100
WIDTH_PX = 1000
PAD_PX = 24  # around the whole figure
GAP_PX = 10  # between the blocks, top to bottom

# Okabe & Ito, "Color Universal Design": told apart with every common colour blindness.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
INK = "#222222"
MUTED = "#555555"  # notes, axis figures
GRID = "#DDDDDD"

FRENCH_MONTHS = (
    "janv.", "févr.", "mars", "avr.", "mai", "juin",
    "juil.", "août", "sept.", "oct.", "nov.", "déc.",
)  # fmt: skip

TITLE_PT, SUBTITLE_PT, LABEL_PT, NOTE_PT, TICK_PT = 17, 13, 13, 11, 12

# bar_chart
LABEL_WIDTH = 34  # characters per line of a wrapped label
BAR_PX = 28  # every bar's thickness
ROW_PAD_PX = 14  # between a label's lines and the next row's
ANNOTATION_GAP_PT = 5  # between a bar's end and its text

# weekly_chart, daily_chart
PLOT_PX = 340
# More bars than this: a label every other bar (or every third…).
MAX_WEEK_LABELS, MAX_DAY_LABELS = 16, 31


@dataclass(frozen=True)
class Bar:
    """One bar: `value` is the length drawn, `text` what is written at its end ("12 · 40 %",
    "moins de 5"); `exact=False` draws it hatched and lighter (a count the small-group rule
    hides; a value of 0 then draws only the label and the text)."""

    label: str
    value: float
    text: str
    exact: bool = True


def bar_chart(
    title: str,
    bars: Sequence[Bar],
    *,
    subtitle: str | None = None,
    note: str | None = None,
    sort: bool = True,
) -> bytes:
    """Horizontal bars, largest first (ties keep their order) unless `sort=False`; the height
    grows with the bars and their labels' lines, the width is fixed."""
    return _png(_bar_figure(title, bars, subtitle=subtitle, note=note, sort=sort))


def weekly_chart(
    counts: dict[date, dict[str, int]],
    series: list[tuple[str, str]],
    title: str,
    note: str | None = None,
    *,
    month_names: Sequence[str] | None = None,
) -> bytes:
    """Stacked bars: one bar per week (`counts` keyed by its Monday), one colour per series;
    `series` is [(key, label)]. Each week is labelled by its Monday, "3" over "févr."."""
    return _png(_weekly_figure(counts, series, title, note, month_names=month_names))


def daily_chart(
    counts: dict[date, dict[str, int]],
    series: list[tuple[str, str]],
    title: str,
    note: str | None = None,
    *,
    month_names: Sequence[str] | None = None,
) -> bytes:
    """Stacked bars: one bar per day, one colour per theme; `series` is [(theme_key, label)].
    Each day is labelled by its number, with the month under the first day and the 1st."""
    return _png(_daily_figure(counts, series, title, note, month_names=month_names))


# --- pure helpers (tested on their own) -----------------------------------------------------


def _ordered(bars: Sequence[Bar]) -> list[Bar]:
    """Largest first; equal values keep the order they came in (sorted() is stable)."""
    return sorted(bars, key=lambda bar: -bar.value)


def _wrap(label: str, width: int = LABEL_WIDTH) -> str:
    """A label on lines of at most `width` characters, cut between words (a longer word stays
    whole: a hyphenated region's name is better on one line than cut at a hyphen)."""
    lines = textwrap.wrap(
        " ".join(label.split()), width, break_long_words=False, break_on_hyphens=False
    )
    return "\n".join(lines) or " "


def _week_labels(weeks: Sequence[date], months: Sequence[str]) -> list[str]:
    """ "3" over "févr." per week (its Monday); some left blank when there are many."""
    shown = _shown(len(weeks), MAX_WEEK_LABELS)
    return [
        f"{week.day}\n{months[week.month - 1]}" if show else ""
        for week, show in zip(weeks, shown, strict=True)
    ]


def _day_labels(days: Sequence[date], months: Sequence[str]) -> list[str]:
    """ "3" per day, with the month's name under the first day labelled and under the first
    of each month; some left blank when there are many."""
    labels, previous = [], None
    for day, show in zip(days, _shown(len(days), MAX_DAY_LABELS), strict=True):
        if not show:
            labels.append("")
            continue
        new_month = previous is None or (day.month, day.year) != (previous.month, previous.year)
        labels.append(f"{day.day}\n{months[day.month - 1]}" if new_month else str(day.day))
        previous = day
    return labels


def _shown(count: int, most: int) -> list[bool]:
    """Which of `count` bars are labelled: all of them when they are few, else one every
    `step`, counted from the last (the most recent)."""
    step = max(1, math.ceil(count / most))
    return [(count - 1 - i) % step == 0 for i in range(count)]


def _row_major(items: Sequence[int], columns: int) -> list[int]:
    """`items` reordered so that a legend, which fills its columns one after the other, reads
    them row by row (matplotlib gives the first columns one more entry when rows are uneven)."""
    rows = math.ceil(len(items) / columns)
    return [
        items[row * columns + column]
        for column in range(columns)
        for row in range(rows)
        if row * columns + column < len(items)
    ]


def _tint(colour: str, amount: float = 0.3) -> str:
    """`colour` mixed with white: `amount` of the colour is kept."""
    rgb = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(255 - (255 - c) * amount):02X}" for c in rgb)


def _fit_xmax(values: Sequence[float], widths_px: Sequence[float], axes_px: float) -> float:
    """The smallest right limit at which each bar's end plus its text's width fits in the
    axes: a bar of value v ends at v * axes_px / xmax pixels."""
    xmax = max([*values, 1.0])
    for value, width in zip(values, widths_px, strict=True):
        room = axes_px - width
        if room <= axes_px * 0.2:  # a text wider than the plot: give it the plot's 80 %
            room = axes_px * 0.2
        xmax = max(xmax, value * axes_px / room)
    return xmax


# --- drawing --------------------------------------------------------------------------------


def _weekly_figure(
    counts: dict[date, dict[str, int]],
    series: list[tuple[str, str]],
    title: str,
    note: str | None = None,
    *,
    month_names: Sequence[str] | None = None,
) -> Figure:
    weeks = sorted(counts)
    labels = _week_labels(weeks, month_names or FRENCH_MONTHS)
    return _stacked_figure(counts, weeks, labels, series, title, note)


def _daily_figure(
    counts: dict[date, dict[str, int]],
    series: list[tuple[str, str]],
    title: str,
    note: str | None = None,
    *,
    month_names: Sequence[str] | None = None,
) -> Figure:
    days = sorted(counts)
    labels = _day_labels(days, month_names or FRENCH_MONTHS)
    return _stacked_figure(counts, days, labels, series, title, note)


def _bar_figure(
    title: str,
    bars: Sequence[Bar],
    *,
    subtitle: str | None = None,
    note: str | None = None,
    sort: bool = True,
) -> Figure:
    rows = _ordered(bars) if sort else list(bars)
    sheet = _Sheet()
    sheet.header(title, subtitle)
    labels = [_wrap(bar.label) for bar in rows]
    label_px = [sheet.measure(label, LABEL_PT) for label in labels]
    left = PAD_PX + max([w for w, _ in label_px] or [0]) + 10  # 10: the tick labels' pad below
    axes_px = WIDTH_PX - PAD_PX - left
    # A text at a bar's end takes at most half the plot's width (it is short, as a rule).
    fonts = [{"fontstyle": "normal" if bar.exact else "italic"} for bar in rows]
    texts = [
        sheet.fit(bar.text, LABEL_PT, axes_px / 2, **font)
        for bar, font in zip(rows, fonts, strict=True)
    ]
    text_px = [
        sheet.measure(text, LABEL_PT, **font) for text, font in zip(texts, fonts, strict=True)
    ]
    # Rows of one or two lines are all as high as the highest of them (evenly spaced bars);
    # a label of three lines or more makes its own row higher.
    heights = [max(a[1], b[1]) for a, b in zip(label_px, text_px, strict=True)]
    two_lines = sheet.measure("Éj\nÉj", LABEL_PT)[1] + 1
    floor = max([h for h in heights if h <= two_lines] + [BAR_PX])
    row_px = [max(h, floor) + ROW_PAD_PX for h in heights] or [BAR_PX + ROW_PAD_PX]
    plot_height = sum(row_px)
    axes = sheet.place(left=left, height=plot_height, note=note, tick_label="0")

    centres = [sum(row_px[:i]) + row_px[i] / 2 for i in range(len(rows))]
    for bar, text, font, y in zip(rows, texts, fonts, centres, strict=True):
        exact = bar.exact
        axes.barh(
            y,
            bar.value,
            height=BAR_PX,
            color=PALETTE[0] if exact else _tint(PALETTE[0]),
            edgecolor="none" if exact else PALETTE[0],
            hatch=None if exact else "///",
            linewidth=0 if exact else 0.8,
            zorder=2,
        )
        axes.annotate(
            text,
            xy=(bar.value, y),
            xytext=(ANNOTATION_GAP_PT, 0),
            textcoords="offset points",
            ha="left",
            va="center",
            fontsize=LABEL_PT,
            color=INK if exact else MUTED,
            **font,
        )
    axes.set_ylim(plot_height, 0)  # data units are pixels, the first bar on top
    axes.set_yticks(centres, labels)
    axes.tick_params(axis="y", length=0, pad=10, labelsize=LABEL_PT, labelcolor=INK)
    for label in axes.get_yticklabels():
        label.set_multialignment("right")
    gap_px = ANNOTATION_GAP_PT * DPI / 72 + 4
    widths = [w + gap_px for w, _ in text_px]
    axes.set_xlim(0, _fit_xmax([bar.value for bar in rows], widths, axes_px))
    axes.xaxis.get_major_locator().set_params(integer=True)
    _style(axes, grid="x")
    axes.spines["left"].set_visible(False)
    return sheet.figure


def _stacked_figure(
    counts: dict[date, dict[str, int]],
    keys: Sequence[date],
    labels: Sequence[str],
    series: list[tuple[str, str]],
    title: str,
    note: str | None,
) -> Figure:
    sheet = _Sheet()
    sheet.header(title, None)
    positions = list(range(len(keys)))
    tick_labels = list(labels)
    tallest = max(tick_labels, key=lambda label: label.count("\n"), default="0")
    # The axes' left edge leaves room for the y axis' figures (measured on the widest one).
    totals = [sum(counts[key].get(s, 0) for s, _ in series) for key in keys]
    top = max([*totals, 1])
    left = PAD_PX + sheet.measure(str(top * 2), TICK_PT)[0] + 12
    axes = sheet.axes
    handles, bottoms = [], [0] * len(keys)
    for i, (key, label) in enumerate(series):
        values = [counts[day].get(key, 0) for day in keys]
        bars = axes.bar(
            positions,
            values,
            bottom=bottoms,
            width=0.72,
            color=PALETTE[i % len(PALETTE)],
            edgecolor="white",
            linewidth=0.8,
            zorder=2,
        )
        handles.append((bars, label))
        bottoms = [b + v for b, v in zip(bottoms, values, strict=True)]
    legend = sheet.legend(handles)
    sheet.place(left=left, height=PLOT_PX, note=note, tick_label=tallest or "0", below=legend)
    for x, total in zip(positions, totals, strict=True):
        if total:
            axes.annotate(
                str(total),
                xy=(x, total),
                xytext=(0, 3),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=TICK_PT - 1,
                color=MUTED,
            )
    axes.set_xticks(positions, tick_labels)
    axes.set_xlim(-0.6, max(len(keys), 1) - 0.4)
    axes.set_ylim(0, top * 1.15)
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.tick_params(axis="x", length=0, pad=6)
    axes.tick_params(axis="y", length=0, pad=6)
    _style(axes, grid="y")
    axes.spines["left"].set_visible(False)
    return sheet.figure


def _style(axes: Axes, grid: str) -> None:
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        axes.spines[side].set_color("#999999")
    axes.tick_params(labelsize=TICK_PT, colors=MUTED, which="both")
    axes.tick_params(axis="x" if grid == "y" else "y", labelcolor=INK)
    if grid == "x":
        axes.tick_params(axis="y", labelsize=LABEL_PT)
    axes.grid(axis=grid, color=GRID, linewidth=0.8, zorder=0)
    axes.set_axisbelow(True)


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


class _Sheet:
    """A figure laid out top to bottom in pixels: header (title, subtitle, legend), axes, note.
    Texts are measured when added; `place()` then gives the figure the height everything needs
    and places every block (positions in figure fractions depend on that height)."""

    def __init__(self) -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure  # see the module docstring

        # The Figure API, not pyplot: no global state, nothing to close, safe off the main thread.
        self.figure = Figure(figsize=(WIDTH_PX / DPI, 4), dpi=DPI, facecolor="white")
        self.renderer: RendererBase = FigureCanvasAgg(self.figure).get_renderer()
        self.top: list[tuple[Any, float]] = []  # (artist, height in px), top to bottom
        self.axes: Axes = self.figure.add_axes((0.1, 0.1, 0.8, 0.8))  # placed by place()

    def measure(self, text: str, size: float, **font: Any) -> tuple[float, float]:
        """Width and height in pixels of `text` drawn at `size` points."""
        artist = self.figure.text(0, 0, text, fontsize=size, **font)
        box = artist.get_window_extent(self.renderer)
        artist.remove()
        return box.width, box.height

    def _text(self, text: str, size: float, **font: Any) -> None:
        artist = self.figure.text(0, 0, text, fontsize=size, ha="left", va="top", **font)
        self.top.append((artist, artist.get_window_extent(self.renderer).height))

    def header(self, title: str, subtitle: str | None) -> None:
        self._text(self.fit(title, TITLE_PT, weight="bold"), TITLE_PT, weight="bold", color=INK)
        if subtitle:
            self._text(self.fit(subtitle, SUBTITLE_PT), SUBTITLE_PT, color=MUTED)

    def legend(self, entries: Sequence[tuple[Any, str]]) -> Any:
        """A figure legend under the header: (artist, label) per series, on as few rows as fit
        the width."""
        if not entries:
            return None
        for columns in range(len(entries), 0, -1):
            order = _row_major(range(len(entries)), columns)
            legend = self.figure.legend(
                [entries[i][0] for i in order],
                [entries[i][1] for i in order],
                loc="upper left",
                ncols=columns,
                frameon=False,
                fontsize=TICK_PT,
                handlelength=1.2,
                handleheight=1.2,
                columnspacing=1.6,
                borderaxespad=0,
                borderpad=0,
            )
            box = legend.get_window_extent(self.renderer)
            if box.width <= WIDTH_PX - 2 * PAD_PX or columns == 1:
                self.top.append((legend, box.height))
                return legend
            legend.remove()
        return None  # pragma: no cover (the loop returns at one column)

    def fit(self, text: str, size: float, room: float | None = None, **font: Any) -> str:
        """`text` wrapped to `room` pixels, the figure's width by default (a long title, a long
        note, a long text at a bar's end)."""
        width, _ = self.measure(text, size, **font)
        room = room or WIDTH_PX - 2 * PAD_PX
        if width <= room:
            return text
        chars = max(8, int(len(text) * room / width))
        while chars > 8:
            wrapped = textwrap.fill(text, chars)
            if self.measure(wrapped, size, **font)[0] <= room:
                return wrapped
            chars -= 2
        return textwrap.fill(text, chars)

    def place(
        self, *, left: float, height: float, note: str | None, tick_label: str, below: Any = None
    ) -> Axes:
        """The figure made as high as everything needs: the header on top (`below`: the legend
        in it), then the axes `height` pixels high and `left` pixels from the edge, room for x
        tick labels as high as `tick_label`, and the note at the bottom."""
        tick_px = self.measure(tick_label, TICK_PT)[1] + 16  # the labels and their pad
        note_artist, note_px = None, 0.0
        if note:
            note_artist = self.figure.text(
                0, 0, self.fit(note, NOTE_PT), fontsize=NOTE_PT, color=MUTED, va="bottom"
            )
            note_px = note_artist.get_window_extent(self.renderer).height
        header_px = sum(h for _, h in self.top) + GAP_PX * (len(self.top) - 1)
        total = PAD_PX + header_px + 2 * GAP_PX + height + tick_px
        total += (GAP_PX + note_px if note else 0) + PAD_PX
        total = math.ceil(total)
        self.figure.set_size_inches(WIDTH_PX / DPI, total / DPI)

        y = total - PAD_PX  # from the bottom, in pixels
        for artist, h in self.top:
            if artist is below:
                artist.set_bbox_to_anchor((PAD_PX / WIDTH_PX, y / total), self.figure.transFigure)
            else:
                artist.set_position((PAD_PX / WIDTH_PX, y / total))
            y -= h + GAP_PX
        if note_artist is not None:
            note_artist.set_position((PAD_PX / WIDTH_PX, PAD_PX / total))
        bottom = PAD_PX + (note_px + GAP_PX if note else 0) + tick_px
        self.axes.set_position(
            (left / WIDTH_PX, bottom / total, (WIDTH_PX - PAD_PX - left) / WIDTH_PX, height / total)
        )
        return self.axes
