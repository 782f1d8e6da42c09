"""Quality and speed of the PII scrubber on hand-labelled French field notes.

For each kind (phone, email, nir, iban, name, address, birth_date, structure): recall, i.e.
the share of labelled strings in which every expected span of that kind is masked (every
letter and digit of the span lies inside a replaced span, whatever its placeholder; "typed"
also requires the placeholder of that kind). False positives: the share of ordinary
sentences (no identifier) that come back changed. Spurious: spans replaced in labelled
strings that overlap no labelled identifier. Three scrubbers, all in this run:

* ``baseline``: the regex scrubber before this rewrite (``bench/_scrub_baseline.py``, phones,
  e-mails and NIRs only, no normalisation);
* ``patterns``: ``scrub(text, use_model=False)``, the reply path;
* ``model``: ``scrub(text, use_model=True)``, the background worker.

Then throughput (strings/s and µs per string, best of ``--repeat`` rounds, over the whole
labelled set and over its ordinary sentences, one call per text and, for the model, batched
with ``scrub_many``) and what loading spaCy's ``fr_core_news_sm`` costs (time, RSS added to
this process, which has imported nothing but the scrubber before). The held-out set is a
second, smaller set written after the rules; it is reported apart.

    python bench/scrub_quality.py [--repeat 20] [--misses]
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import _scrub_baseline as baseline  # noqa: E402
from data.scrub_labelled import CASES, HELDOUT, Case  # noqa: E402

from bot.services import scrub as scrubber  # noqa: E402

KINDS = ("phone", "email", "nir", "iban", "name", "address", "birth_date", "structure")
TARGETS = {
    "phone": 0.95,
    "email": 0.95,
    "nir": 0.95,
    "iban": 0.95,
    "name": 0.80,
    "address": 0.80,
}
FP_TARGET = 0.03

Found = tuple[int, int, str]  # start, end, kind


def baseline_scrub(text: str) -> str:
    """The scrubber as it was before the rewrite."""
    return baseline.scrub_text(text)


def baseline_spans(text: str) -> tuple[str, list[Found]]:
    """Where ``baseline_scrub`` replaces, as spans of the raw text.

    The rules run in their order, each on the text left by the previous ones; a replaced
    region is overwritten with a same-length filler that starts and ends like the
    placeholder, so later rules see the same boundaries as in ``baseline_scrub``.
    """
    kinds = {v: k for k, v in baseline.PLACEHOLDERS.items()}
    work = text
    found: list[Found] = []
    for pattern, placeholder in baseline._RULES:
        for match in list(pattern.finditer(work)):
            found.append((match.start(), match.end(), kinds[placeholder]))
        work = pattern.sub(lambda m: "[" + "x" * (len(m.group()) - 2) + "]", work)
    return text, found


def new_spans(use_model: bool) -> Callable[[Case], tuple[str, list[Found]]]:
    def run(case: Case) -> tuple[str, list[Found]]:
        text, _, structures = case
        normalised, spans = scrubber.detect(text, use_model=use_model, structure_names=structures)
        return normalised, [(s.start, s.end, s.kind) for s in spans]

    return run


def expected_spans(case: Case, reference: str, normalise: bool) -> list[Found]:
    out: list[Found] = []
    for kind, raw in case[1]:
        needle = scrubber.normalize(raw) if normalise else raw
        start = reference.find(needle)
        if start < 0:
            raise ValueError(f"labelled span {raw!r} not found in {reference!r}")
        while start >= 0:
            out.append((start, start + len(needle), kind))
            start = reference.find(needle, start + 1)
    return out


def covered(expected: Found, found: Iterable[Found], reference: str, typed: bool) -> bool:
    start, end, kind = expected
    for index in range(start, end):
        if not reference[index].isalnum():
            continue
        if not any(s <= index < e and (not typed or k == kind) for s, e, k in found):
            return False
    return True


def evaluate(
    name: str,
    run: Callable[[Case], tuple[str, list[Found]]],
    normalise: bool,
    misses: bool,
    cases: list[Case],
) -> dict[str, object]:
    per_kind = {k: [0, 0, 0] for k in KINDS}  # cases, caught, caught with the right kind
    fp = 0
    ordinary = 0
    spurious = 0
    missed: list[str] = []
    for case in cases:
        reference, found = run(case)
        if not case[1]:
            ordinary += 1
            if found:
                fp += 1
                if misses:
                    masked = [reference[s:e] for s, e, _ in found]
                    missed.append(f"  FP   {reference!r} -> {masked}")
            continue
        expected = expected_spans(case, reference, normalise)
        for kind in {k for _, _, k in expected}:
            mine = [e for e in expected if e[2] == kind]
            per_kind[kind][0] += 1
            ok = all(covered(e, found, reference, typed=False) for e in mine)
            per_kind[kind][1] += ok
            per_kind[kind][2] += all(covered(e, found, reference, typed=True) for e in mine)
            if misses and not ok:
                missed.append(f"  MISS {kind:10} {reference!r}")
        for s, e, k in found:
            if not any(s < xe and xs < e for xs, xe, _ in expected):
                spurious += 1
                if misses:
                    missed.append(f"  SPUR {k:10} {reference[s:e]!r} in {reference!r}")
    if misses and missed:
        print(f"\n{name}:")
        print("\n".join(missed))
    return {"per_kind": per_kind, "fp": fp, "ordinary": ordinary, "spurious": spurious}


def throughput(fn: Callable[[Case], object], repeat: int, cases: list[Case] = CASES) -> float:
    best = float("inf")
    for _ in range(repeat):
        gc.disable()
        t0 = time.perf_counter()
        for case in cases:
            fn(case)
        best = min(best, time.perf_counter() - t0)
        gc.enable()
    return len(cases) / best


def batched_rate(repeat: int) -> float:
    texts = [c[0] for c in CASES]
    structures = [c[2] for c in CASES]
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        scrubber.scrub_many(texts, use_model=True, structure_names=structures, batch_size=64)
        best = min(best, time.perf_counter() - t0)
    return len(texts) / best


def rss_mb() -> float:
    return psutil.Process(os.getpid()).memory_info().rss / 1e6


def pct(a: int, b: int) -> str:
    return f"{100 * a / b:5.1f} %" if b else "    -"


def report(title: str, cases: list[Case], misses: bool) -> dict[str, dict[str, object]]:
    positives = sum(1 for c in cases if c[1])
    results = {
        "baseline": evaluate("baseline", lambda c: baseline_spans(c[0]), False, misses, cases),
        "patterns": evaluate("patterns", new_spans(False), True, misses, cases),
        "model": evaluate("model", new_spans(True), True, misses, cases),
    }
    print(
        f"\n{title}: {len(cases)} strings, {positives} with identifiers, "
        f"{len(cases) - positives} ordinary. Recall per kind (strings whose every span of "
        "the kind is masked; in brackets: with that kind's placeholder)\n"
    )
    header = f"| {'kind':10} | {'n':>3} | " + " | ".join(f"{n:>17}" for n in results)
    print(header + " | target |")
    print("|" + "---|" * (3 + len(results)) + "---|")
    for kind in KINDS:
        n = results["patterns"]["per_kind"][kind][0]  # type: ignore[index]
        if not n:
            continue
        cells = []
        for res in results.values():
            count, caught, typed = res["per_kind"][kind]  # type: ignore[index]
            cells.append(f"{pct(caught, count)} ({pct(typed, count).strip()})")
        target = f"≥ {TARGETS[kind]:.0%}" if kind in TARGETS else "-"
        print(
            f"| {kind:10} | {n:>3} | " + " | ".join(f"{c:>17}" for c in cells) + f" | {target:>6} |"
        )
    fps = [
        f"{res['fp']}/{res['ordinary']} = {pct(res['fp'], res['ordinary']).strip()}"  # type: ignore[arg-type]
        for res in results.values()
    ]
    print(
        f"| {'false pos.':10} | {results['patterns']['ordinary']:>3} | "
        + " | ".join(f"{c:>17}" for c in fps)
        + f" | ≤ {FP_TARGET:.0%} |"
    )
    print(
        f"| {'spurious':10} | {positives:>3} | "
        + " | ".join(f"{res['spurious']:>17}" for res in results.values())
        + " |      - |"
    )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=20, help="throughput rounds (best of)")
    parser.add_argument("--misses", action="store_true", help="list misses and false positives")
    args = parser.parse_args()

    positives = sum(1 for c in CASES if c[1])
    print(
        f"{len(CASES)} labelled strings: {positives} with identifiers, "
        f"{len(CASES) - positives} ordinary sentences; scrubber version "
        f"{scrubber.SCRUBBER_VERSION}"
    )

    # Model cost first, in this fresh process (nothing of spaCy imported yet).
    assert "spacy" not in sys.modules
    gc.collect()
    rss_before = rss_mb()
    t0 = time.perf_counter()
    scrubber.load_model()
    load_s = time.perf_counter() - t0
    rss_loaded = rss_mb()
    scrubber.scrub(CASES[0][0], use_model=True)
    rss_first = rss_mb()

    for title, cases in (("Labelled set", CASES), ("Held-out set", HELDOUT)):
        results = report(title, cases, args.misses)
        if cases is CASES:
            main_results = results
    print(
        "\nThroughput (best of rounds; all = the labelled set, ordinary = its sentences "
        "without identifiers)\n"
    )
    ordinary = [c for c in CASES if not c[1]]
    model_rounds = max(1, args.repeat // 5)
    rows = [
        ("baseline (old regexes), all", throughput(lambda c: baseline_scrub(c[0]), args.repeat)),
        (
            "scrub(use_model=False), all",
            throughput(lambda c: scrubber.scrub(c[0], structure_names=c[2]), args.repeat),
        ),
        (
            "baseline (old regexes), ordinary",
            throughput(lambda c: baseline_scrub(c[0]), args.repeat, ordinary),
        ),
        (
            "scrub(use_model=False), ordinary",
            throughput(lambda c: scrubber.scrub(c[0]), args.repeat, ordinary),
        ),
        (
            "scrub(use_model=True), all, one call per text",
            throughput(
                lambda c: scrubber.scrub(c[0], use_model=True, structure_names=c[2]),
                model_rounds,
            ),
        ),
        ("scrub_many(use_model=True), all, batches of 64", batched_rate(model_rounds)),
    ]
    base = {"all": rows[0][1], "ordinary": rows[2][1]}
    print("| scrubber | strings/s | µs/string | vs baseline (same strings) |")
    print("|---|---:|---:|---:|")
    for label, rate in rows:
        ref = base["ordinary"] if label.endswith("ordinary") else base["all"]
        print(f"| {label} | {rate:,.0f} | {1e6 / rate:,.1f} | {rate / ref:.3f}× |")

    print(
        f"\nModel {scrubber.MODEL_NAME}: loaded in {load_s:.2f} s; RSS {rss_before:.0f} MB "
        f"before, {rss_loaded:.0f} MB loaded (+{rss_loaded - rss_before:.0f} MB), "
        f"{rss_first:.0f} MB after the first text (+{rss_first - rss_before:.0f} MB), "
        f"{rss_mb():.0f} MB at the end"
    )

    failed = []
    for kind, target in TARGETS.items():
        for mode in ("model",):
            cases, caught, _ = main_results[mode]["per_kind"][kind]  # type: ignore[index]
            if cases and caught / cases < target:
                failed.append(f"{kind} recall {caught / cases:.1%} < {target:.0%} ({mode})")
    for mode in ("patterns", "model"):
        res = main_results[mode]
        if res["fp"] / res["ordinary"] > FP_TARGET:  # type: ignore[operator]
            failed.append(f"false positives {res['fp']}/{res['ordinary']} ({mode})")
    verdict = "all met" if not failed else "NOT met: " + "; ".join(failed)
    print(f"\nTargets (labelled set): {verdict}")


if __name__ == "__main__":
    main()
