"""Quality of ``bot.domain.grouping`` on hand-labelled French proposals.

``bench/data/proposals_labelled.csv``: 190 proposals as IAE field staff would type them, each
with its topic (12 topics across the three themes) or ``hors_sujet`` (8 lines). Scored, each
against the labels: purity, inverse purity, their F-measure (harmonic mean) and the adjusted
Rand index. Proposals left ungrouped are singletons; so are the off-topic lines in the truth
(they share no topic), so leaving them alone is right and grouping them together is wrong.

Variants, all in this run:

* ``method``: ``group_proposals`` as shipped (exact path at this size);
* ``method, large-n path``: the same with the neighbour-graph path forced (what 10,000
  proposals go through);
* ``without vectors``: the method without spaCy's word vectors (lemmas + character n-grams);
* ``without lemmas/acronyms``: word vectors and n-grams kept, no lemmas nor acronym table;
* ``baseline``: naive bag of words: raw lowercase word counts (no lemmas, stop words,
  acronyms, n-grams nor vectors), cosine, the same average-linkage clustering, its cut chosen
  as the best of a grid on this very set (so the baseline is given its best chance).

    python bench/grouping_quality.py [--groups] [--grid]

``--groups`` prints the groups (terms, size, quotes); ``--grid`` scans the weights and the
thresholds of the method (how its defaults were chosen).
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.domain import grouping  # noqa: E402
from bot.domain.grouping import Grouping, Proposal  # noqa: E402

DATA = ROOT / "bench" / "data" / "proposals_labelled.csv"
OFF_TOPIC = "hors_sujet"


def load_labelled(path: Path = DATA) -> tuple[list[Proposal], dict[str, str]]:
    proposals: list[Proposal] = []
    topics: dict[str, str] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            proposals.append(Proposal(row["id"], row["text"], row["author"] or None))
            topics[row["id"]] = row["topic"]
    return proposals, topics


def clusters_of(result: Grouping) -> dict[str, str]:
    """Reference -> cluster id; each ungrouped proposal is its own cluster."""
    out: dict[str, str] = {}
    for k, group in enumerate(result.groups):
        for ref in group.members:
            out[ref] = f"g{k}"
    for ref in result.ungrouped:
        out[ref] = f"u:{ref}"
    return out


def truth_of(topics: dict[str, str]) -> dict[str, str]:
    return {ref: (f"off:{ref}" if t == OFF_TOPIC else t) for ref, t in topics.items()}


def scores(predicted: dict[str, str], truth: dict[str, str]) -> dict[str, float]:
    from sklearn.metrics import adjusted_rand_score

    refs = sorted(truth)
    n = len(refs)
    pairs = Counter((predicted[r], truth[r]) for r in refs)
    best_class: dict[str, int] = {}
    best_cluster: dict[str, int] = {}
    for (cluster, cls), count in pairs.items():
        best_class[cluster] = max(best_class.get(cluster, 0), count)
        best_cluster[cls] = max(best_cluster.get(cls, 0), count)
    purity = sum(best_class.values()) / n
    inverse = sum(best_cluster.values()) / n
    f = 2 * purity * inverse / (purity + inverse) if purity + inverse else 0.0
    ari = adjusted_rand_score([truth[r] for r in refs], [predicted[r] for r in refs])
    groups = len({c for c in predicted.values() if not c.startswith("u:")})
    return {"purity": purity, "inverse": inverse, "F": f, "ARI": ari, "groups": groups}


def baseline(proposals: Sequence[Proposal], threshold: float) -> dict[str, str]:
    """Raw lowercase word counts, cosine, average linkage cut at ``threshold``."""
    import numpy as np
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import CountVectorizer

    items = sorted(proposals, key=lambda p: p.reference)
    counts = CountVectorizer(lowercase=True, token_pattern=r"(?u)\b\w+\b").fit_transform(
        [p.text for p in items]
    )
    dense = counts.toarray().astype(float)
    norms = np.linalg.norm(dense, axis=1, keepdims=True)
    norms[norms == 0] = 1
    dense /= norms
    distance = np.clip(1 - dense @ dense.T, 0, 2)
    np.fill_diagonal(distance, 0)
    labels = AgglomerativeClustering(
        n_clusters=None, metric="precomputed", linkage="average", distance_threshold=threshold
    ).fit_predict(distance)
    sizes = Counter(labels.tolist())
    return {
        p.reference: (f"g{label}" if sizes[label] > 1 else f"u:{p.reference}")
        for p, label in zip(items, labels.tolist(), strict=True)
    }


def run_method(proposals, options=grouping.DEFAULT_OPTIONS, force_large=False) -> Grouping:
    return grouping._group(proposals, options=options, force_large=force_large)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--groups", action="store_true", help="print the method's groups")
    parser.add_argument("--grid", action="store_true", help="scan weights and thresholds")
    args = parser.parse_args()

    proposals, topics = load_labelled()
    truth = truth_of(topics)
    topic_count = len({t for t in topics.values() if t != OFF_TOPIC})
    print(
        f"{len(proposals)} labelled proposals, {topic_count} topics, "
        f"{sum(t == OFF_TOPIC for t in topics.values())} off-topic"
    )
    started = time.perf_counter()
    grouping.load_model()
    print(f"model {grouping.MODEL_NAME} loaded in {time.perf_counter() - started:.1f} s\n")

    base = grouping.DEFAULT_OPTIONS
    variants = [
        ("method", base, False),
        ("method, large-n path forced", base, True),
        ("without word vectors", dataclasses.replace(base, vector_weight=0.0), False),
        (
            "without lemmas/acronyms/stop words",
            dataclasses.replace(base, lemmatise=False, acronyms=False, stop_words=False),
            False,
        ),
    ]
    rows: list[tuple[str, dict[str, float]]] = []
    method_result = None
    for name, options, large in variants:
        started = time.perf_counter()
        result = run_method(proposals, options, large)
        elapsed = time.perf_counter() - started
        if method_result is None:
            method_result = result
        rows.append((f"{name} ({elapsed * 1000:.0f} ms)", scores(clusters_of(result), truth)))

    best_base = None
    for threshold in [x / 20 for x in range(8, 20)]:
        s = scores(baseline(proposals, threshold), truth)
        if best_base is None or s["F"] > best_base[1]["F"]:
            best_base = (threshold, s)
    assert best_base is not None
    rows.append((f"baseline bag of words (cut {best_base[0]:.2f}, best of grid)", best_base[1]))

    print(f"{'variant':<56} {'purity':>7} {'inverse':>7} {'F':>6} {'ARI':>6} {'groups':>6}")
    for name, s in rows:
        print(
            f"{name:<56} {s['purity']:>7.3f} {s['inverse']:>7.3f} {s['F']:>6.3f} "
            f"{s['ARI']:>6.3f} {s['groups']:>6}"
        )
    method_scores, base_scores = rows[0][1], best_base[1]
    print(
        f"\nmethod / baseline: F ×{method_scores['F'] / base_scores['F']:.2f}, "
        f"ARI ×{method_scores['ARI'] / max(base_scores['ARI'], 1e-9):.2f}"
    )
    assert method_result is not None
    off = [r for r, t in topics.items() if t == OFF_TOPIC]
    left = sum(r in method_result.ungrouped for r in off)
    print(f"off-topic lines left ungrouped by the method: {left}/{len(off)}")
    print(f"ungrouped in all: {len(method_result.ungrouped)}/{len(proposals)}")

    if args.groups:
        print()
        for g in method_result.groups:
            labels = Counter(topics[r] for r in g.members).most_common(3)
            print(f"[{g.size:>2}, {g.authors} authors] {' · '.join(g.terms)}   {labels}")
            for q in g.quotes:
                print(f"      {q.reference} ×{q.repeated_by}: {q.text[:90]}")
        print("ungrouped:", ", ".join(f"{r}:{topics[r]}" for r in method_result.ungrouped))

    if args.grid:
        print("\nword/char/vector weights, duplicate similarity, cut -> F, ARI")
        for weights in [
            (0.4, 0.35, 0.25),
            (0.5, 0.3, 0.2),
            (0.34, 0.33, 0.33),
            (0.3, 0.3, 0.4),
            (0.5, 0.5, 0.0),
            (0.6, 0.2, 0.2),
        ]:
            for cut in (0.7, 0.75, 0.8, 0.85, 0.9):
                options = dataclasses.replace(
                    base,
                    word_weight=weights[0],
                    char_weight=weights[1],
                    vector_weight=weights[2],
                    distance_threshold=cut,
                )
                s = scores(clusters_of(run_method(proposals, options)), truth)
                print(
                    f"  {weights} cut {cut:.2f}: F {s['F']:.3f}  ARI {s['ARI']:.3f}  "
                    f"groups {s['groups']}"
                )


if __name__ == "__main__":
    main()
