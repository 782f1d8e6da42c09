"""The charts (bot/views/charts.py): valid PNGs, bars in order, labels wrapped, nothing clipped,
dates in French."""

from __future__ import annotations

import io
import time
from datetime import date, timedelta

import pytest
from matplotlib.colors import to_rgba
from matplotlib.text import Text
from PIL import Image

from bot.views.charts import (
    FRENCH_MONTHS,
    PALETTE,
    WIDTH_PX,
    Bar,
    _bar_figure,
    _daily_figure,
    _day_labels,
    _fit_xmax,
    _ordered,
    _row_major,
    _shown,
    _stacked_figure,
    _tint,
    _week_labels,
    _weekly_figure,
    _wrap,
    bar_chart,
    daily_chart,
    weekly_chart,
)

LONG = "Problèmes de santé, y compris santé mentale et addictions"
QUESTION = [
    Bar("Mobilité (permis, transports, véhicule)", 12, "12 · 40 %"),
    Bar("Logement", 8, "8 · 27 %"),
    Bar(LONG, 21, "au moins 21", exact=False),
    Bar("Garde d'enfants et charges familiales", 0, "moins de 5", exact=False),
    Bar("Maîtrise du français et des savoirs de base", 9, "9 · 30 %"),
    Bar("Numérique : équipement, accès et usages", 0, "moins de 5", exact=False),
    Bar("Situation administrative (titre de séjour, droits ouverts)", 6, "6 · 20 %"),
    Bar("Autre", 8, "8 · 27 %"),
]
REGIONS = [
    "Auvergne-Rhône-Alpes",
    "Bourgogne-Franche-Comté",
    "Bretagne",
    "Centre-Val de Loire",
    "Corse",
    "Grand Est",
    "Hauts-de-France",
    "Île-de-France",
    "Normandie",
    "Nouvelle-Aquitaine",
    "Occitanie",
    "Pays de la Loire",
    "Provence-Alpes-Côte d'Azur",
]
SERIES = [
    ("a", "1. Freins périphériques à l'emploi"),
    ("b", "2. Accompagnement socio-professionnel"),
    ("c", "3. Relations avec les entreprises"),
]
ENGLISH = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
NOTE = (
    "Les options choisies par moins de 5 personnes ne sont pas comptées exactement, pour que "
    "personne ne soit reconnaissable."
)


def size(png: bytes) -> tuple[int, int]:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    with Image.open(io.BytesIO(png)) as image:
        image.verify()
        return image.size


def weeks(n: int, first: date = date(2025, 12, 1)) -> dict[date, dict[str, int]]:
    return {
        first + timedelta(weeks=i): {"a": i % 7, "b": (3 * i) % 11, "c": 20 - i % 20}
        for i in range(n)
    }


def days(n: int, first: date = date(2026, 1, 22)) -> dict[date, dict[str, int]]:
    return {first + timedelta(days=i): {"a": i % 5, "c": 9 - i % 9} for i in range(n)}


def drawn_texts(figure) -> list:
    """The visible, non-empty texts a drawing shows: tick labels only for ticks in view (the
    others exist, placed outside, but are not drawn)."""
    ticks, shown = set(), []
    for axes in figure.axes:
        for axis in (axes.xaxis, axes.yaxis):
            low, high = sorted(axis.get_view_interval())
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                ticks.update({id(tick.label1), id(tick.label2)})
                if low - 1e-9 <= tick.get_loc() <= high + 1e-9:
                    shown += [tick.label1, tick.label2]
    others = [t for t in figure.findobj(Text) if id(t) not in ticks]
    return [t for t in shown + others if t.get_visible() and t.get_text().strip()]


def assert_nothing_clipped(figure) -> None:
    """Every text drawn lies inside the figure (and so does everything drawn)."""
    figure.draw_without_rendering()
    renderer = figure.canvas.get_renderer()
    inside = figure.bbox
    texts = drawn_texts(figure)
    assert texts
    for text in texts:
        box = text.get_window_extent(renderer)
        assert box.x0 >= inside.x0 - 0.5 and box.x1 <= inside.x1 + 0.5, text.get_text()
        assert box.y0 >= inside.y0 - 0.5 and box.y1 <= inside.y1 + 0.5, text.get_text()
    everything = figure.get_tightbbox(renderer)  # in inches
    assert everything.x0 >= -0.01 and everything.y0 >= -0.01
    assert everything.x1 <= figure.get_figwidth() + 0.01
    assert everything.y1 <= figure.get_figheight() + 0.01


def overlapping(figure, kind) -> list[tuple[str, str]]:
    """Pairs of texts of `kind` (e.g. the y tick labels) whose boxes overlap."""
    figure.draw_without_rendering()
    renderer = figure.canvas.get_renderer()
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in kind(figure) if t.get_text()]
    return [
        (a, b)
        for i, (a, box_a) in enumerate(boxes)
        for b, box_b in boxes[i + 1 :]
        if box_a.overlaps(box_b)
    ]


# --- pure helpers ------------------------------------------------------------------------------


def test_bars_are_ordered_largest_first_and_ties_keep_their_order() -> None:
    bars = [Bar("a", 3, ""), Bar("b", 8, ""), Bar("c", 3, ""), Bar("d", 0, ""), Bar("e", 8, "")]
    assert [bar.label for bar in _ordered(bars)] == ["b", "e", "a", "c", "d"]
    assert _ordered([]) == []


def test_long_labels_are_wrapped_between_words_and_nothing_is_lost() -> None:
    wrapped = _wrap(LONG)
    lines = wrapped.split("\n")
    assert len(lines) == 2 and all(len(line) <= 34 for line in lines)
    assert " ".join(lines) == LONG
    assert _wrap("Logement") == "Logement"
    assert _wrap("Provence-Alpes-Côte d'Azur") == "Provence-Alpes-Côte d'Azur"  # no cut at "-"
    assert _wrap("  espaces \n en  trop ") == "espaces en trop"
    assert _wrap("") == " "  # a blank bar label still takes a line
    word = "Anticonstitutionnellement" * 2
    assert _wrap(word) == word  # a word too long stays whole rather than cut


def test_days_are_labelled_with_their_number_and_the_month_when_it_changes() -> None:
    first = date(2026, 1, 30)
    labels = _day_labels([first + timedelta(days=i) for i in range(4)], FRENCH_MONTHS)
    assert labels == ["30\njanv.", "31", "1\nfévr.", "2"]
    assert _day_labels([date(2025, 12, 31), date(2026, 1, 1)], ENGLISH) == ["31\nDec", "1\nJan"]
    assert _day_labels([], FRENCH_MONTHS) == []


def test_many_date_labels_are_thinned_keeping_the_latest_and_the_month() -> None:
    assert _shown(12, 16) == [True] * 12
    shown = _shown(40, 16)
    assert shown[-1] and sum(shown) <= 16 and shown[-2:] == [False, True]
    weeks_ = [date(2025, 9, 1) + timedelta(weeks=i) for i in range(40)]
    labels = _week_labels(weeks_, FRENCH_MONTHS)
    assert labels[-1] == "1\njuin" and 8 <= len([label for label in labels if label]) <= 16
    days_ = [date(2026, 1, 5) + timedelta(days=i) for i in range(45)]  # 5 janv. - 18 févr.
    labels = _day_labels(days_, FRENCH_MONTHS)
    visible = [label for label in labels if label]
    assert labels[-1] == "18" and len(visible) <= 31
    assert visible[0].endswith("\njanv.")  # the first label shown names its month…
    assert sum(label.endswith("\nfévr.") for label in visible) == 1  # …and so does February's


def test_a_legend_reads_row_by_row() -> None:
    # matplotlib fills a legend's columns one after the other: [0, 2, 1] shows "0 1 / 2".
    assert _row_major([0, 1, 2], 2) == [0, 2, 1]
    assert _row_major([0, 1, 2, 3, 4], 3) == [0, 3, 1, 4, 2]
    assert _row_major([0, 1, 2], 3) == [0, 1, 2]
    assert _row_major([0, 1, 2], 1) == [0, 1, 2]


def test_tint_and_palette() -> None:
    assert _tint("#0072B2", 1) == "#0072B2" and _tint("#0072B2", 0) == "#FFFFFF"
    assert PALETTE[0] == "#0072B2" and len(PALETTE) == 8


def test_the_right_limit_leaves_room_for_every_text() -> None:
    axes_px = 600
    values, widths = [21, 12, 0], [120, 90, 100]
    xmax = _fit_xmax(values, widths, axes_px)
    for value, width in zip(values, widths, strict=True):
        assert value * axes_px / xmax + width <= axes_px + 1e-9
    assert _fit_xmax([], [], axes_px) == 1.0
    assert _fit_xmax([0, 0], [50, 50], axes_px) == 1.0


# --- PNGs --------------------------------------------------------------------------------------


def test_every_chart_is_a_png_of_the_fixed_width() -> None:
    assert size(bar_chart("Q", QUESTION, subtitle="30 personnes ont répondu", note=NOTE))[0] == (
        WIDTH_PX
    )
    assert size(weekly_chart(weeks(12), SERIES, "Contributions par semaine", NOTE))[0] == WIDTH_PX
    assert size(daily_chart(days(14), SERIES, "Contributions par jour"))[0] == WIDTH_PX


def test_a_bar_chart_grows_with_its_bars_and_their_lines() -> None:
    short = [Bar(region, 10, "10") for region in REGIONS[:3]]
    more = [Bar(region, 10, "10") for region in REGIONS]
    wrapped = [Bar(f"{region} — {LONG}", 10, "10") for region in REGIONS[:3]]
    height = {
        name: size(bar_chart("T", bars))[1]
        for name, bars in [("short", short), ("more", more), ("wrapped", wrapped)]
    }
    assert height["more"] > height["short"]
    assert height["wrapped"] > height["short"]


def test_the_bars_are_drawn_in_order_largest_on_top() -> None:
    figure = _bar_figure("T", QUESTION)
    axes = figure.axes[0]
    labels = [t.get_text().replace("\n", " ") for t in axes.get_yticklabels()]
    ys = list(axes.get_yticks())
    top_down = [label for _, label in sorted(zip(ys, labels, strict=True))]  # y grows downwards
    assert top_down == [bar.label for bar in _ordered(QUESTION)]
    assert top_down[0] == LONG and top_down[-2:] == [QUESTION[3].label, QUESTION[5].label]
    unsorted = _bar_figure("T", QUESTION, sort=False).axes[0]
    assert [t.get_text().replace("\n", " ") for t in unsorted.get_yticklabels()] == [
        bar.label for bar in QUESTION
    ]


def test_bars_that_are_not_exact_are_hatched_and_lighter() -> None:
    axes = _bar_figure("T", QUESTION, sort=False).axes[0]
    patches = axes.patches
    assert len(patches) == len(QUESTION)
    for bar, patch in zip(QUESTION, patches, strict=True):
        assert bool(patch.get_hatch()) is (not bar.exact)
    texts = [t.get_text() for t in axes.texts]
    assert texts == [bar.text for bar in QUESTION]  # every bar keeps its text, "moins de 5" too


@pytest.mark.parametrize(
    "figure",
    [
        pytest.param(
            lambda: _bar_figure(
                "1.2 Parmi ces freins périphériques, lesquels rencontrez-vous le plus souvent "
                "dans votre accompagnement ?",
                QUESTION,
                subtitle="30 personnes ont répondu",
                note=NOTE,
            ),
            id="question",
        ),
        pytest.param(
            lambda: _bar_figure(
                "Participation par région",
                [
                    Bar(r, 40 - 3 * i, f"au moins {40 - 3 * i}", i % 2 == 0)
                    for i, r in enumerate(REGIONS)
                ],
                subtitle="259 personnes ont contribué",
            ),
            id="regions",
        ),
        pytest.param(
            lambda: _bar_figure("T", [Bar("x", 5, "un texte très long " * 6), Bar("y", 1, "1")]),
            id="a text wider than the bars",
        ),
        pytest.param(lambda: _bar_figure("Rien", []), id="no bars"),
        pytest.param(
            lambda: _stacked_figure(
                weeks(12),
                sorted(weeks(12)),
                _week_labels(sorted(weeks(12)), FRENCH_MONTHS),
                SERIES,
                "Contributions par semaine",
                NOTE,
            ),
            id="weekly",
        ),
        pytest.param(
            lambda: _stacked_figure(
                days(30),
                sorted(days(30)),
                _day_labels(sorted(days(30)), FRENCH_MONTHS),
                [(str(i), f"{i}. Un thème au titre assez long pour la légende") for i in range(8)],
                "Trente jours, huit thèmes",
                None,
            ),
            id="eight series",
        ),
    ],
)
def test_no_text_is_clipped(figure) -> None:
    assert_nothing_clipped(figure())


def test_bar_labels_and_texts_do_not_overlap() -> None:
    figure = _bar_figure("T", QUESTION, note=NOTE)
    assert overlapping(figure, lambda f: f.axes[0].get_yticklabels()) == []
    assert overlapping(figure, lambda f: f.axes[0].texts) == []
    # The texts at the bars' ends stay inside the axes, right of the labels.
    renderer = figure.canvas.get_renderer()
    axes_box = figure.axes[0].get_window_extent(renderer)
    for text in figure.axes[0].texts:
        assert text.get_window_extent(renderer).x1 <= axes_box.x1 + 0.5


def test_weeks_are_labelled_in_french_by_their_monday() -> None:
    mondays = [date(2026, 1, 26) + timedelta(weeks=i) for i in range(12)]
    labels = _week_labels(mondays, FRENCH_MONTHS)
    assert labels[:3] == ["26\njanv.", "2\nfévr.", "9\nfévr."]
    assert {label.split("\n")[1] for label in labels} == {"janv.", "févr.", "mars", "avr."}
    assert _week_labels([date(2025, 8, 4)], ENGLISH) == ["4\nAug"]
    assert [len(set(FRENCH_MONTHS)), FRENCH_MONTHS[7], FRENCH_MONTHS[1]] == [12, "août", "févr."]


def test_the_weekly_chart_shows_those_labels_and_takes_other_month_names() -> None:
    counts = weeks(12, first=date(2026, 1, 26))
    axes = _weekly_figure(counts, SERIES, "Contributions par semaine").axes[0]
    assert [t.get_text() for t in axes.get_xticklabels()][:2] == ["26\njanv.", "2\nfévr."]
    axes = _weekly_figure(counts, SERIES, "Weekly", month_names=ENGLISH).axes[0]
    assert [t.get_text() for t in axes.get_xticklabels()][:2] == ["26\nJan", "2\nFeb"]
    axes = _daily_figure(days(14), SERIES, "Par jour").axes[0]
    assert [t.get_text() for t in axes.get_xticklabels()][:2] == ["22\njanv.", "23"]


def test_stacked_bars_draw_every_series_in_palette_order() -> None:
    counts = weeks(4)
    figure = _stacked_figure(counts, sorted(counts), ["1", "2", "3", "4"], SERIES, "T", None)
    axes = figure.axes[0]
    assert len(axes.patches) == 4 * len(SERIES)
    colours = [patch.get_facecolor() for patch in axes.patches[::4]]
    assert colours == [to_rgba(c) for c in PALETTE[:3]]
    legend = figure.legends[0]
    assert sorted(t.get_text() for t in legend.get_texts()) == sorted(label for _, label in SERIES)
    tops = [patch.get_y() + patch.get_height() for patch in axes.patches[-4:]]
    totals = [sum(counts[d].values()) for d in sorted(counts)]
    assert tops == totals
    assert [t.get_text() for t in axes.texts] == [str(t) for t in totals]


def test_empty_and_single_series_charts_still_draw() -> None:
    assert size(daily_chart({}, SERIES, "Rien"))[0] == WIDTH_PX
    assert size(daily_chart(days(3), [], "Sans thème"))[0] == WIDTH_PX
    assert size(weekly_chart(weeks(2), SERIES[:1], "Un thème"))[0] == WIDTH_PX
    assert size(bar_chart("Rien", []))[0] == WIDTH_PX
    assert size(bar_chart("Zéros", [Bar("a", 0, "moins de 5", exact=False)]))[0] == WIDTH_PX


def test_fifteen_bars_draw_quickly() -> None:
    bars = [
        Bar(f"Option {i} : {LONG}", (7 * i) % 15, f"{(7 * i) % 15}", i % 3 > 0) for i in range(15)
    ]
    bar_chart("warm-up", bars[:2])  # matplotlib's import and font cache
    started = time.perf_counter()
    bar_chart("Quinze options", bars, subtitle="30 personnes ont répondu", note=NOTE)
    # ~0.2-0.3 s on one free core (text drawing is most of it); generous for a busy machine.
    assert time.perf_counter() - started < 2.0
