"""Speed and memory of ``bot.domain.grouping`` on N proposals varied from the labelled ones.

The N proposals are made, with a fixed seed, from ``bench/data/proposals_labelled.csv``: word
substitutions (field synonyms and abbreviations), typos (a letter dropped, doubled or two
swapped), accents stripped, clauses shuffled, a filler added ("svp", "à mon avis"...), case
changed. Printed: the time to load spaCy's model (once per process, apart), the time to
group, the peak RSS added to this process by the model and by the grouping, and the shape of
the result, and its quality against the topics the varied proposals inherit. As a
baseline, the same run on N/10 proposals (growth ratio). No assertion.

    python bench/grouping_speed.py [--speed 10000]
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from grouping_quality import clusters_of, load_labelled, scores, truth_of  # noqa: E402

from bot.domain import grouping  # noqa: E402
from bot.domain.grouping import Proposal  # noqa: E402

SEED = 20261202
SYNONYMS = {
    "salariés": ["personnes", "salariés en parcours", "gens", "bénéficiaires"],
    "voiture": ["véhicule", "auto", "bagnole"],
    "bus": ["car", "transports en commun"],
    "permis": ["permis B", "permis de conduire"],
    "France Travail": ["FT", "pôle emploi", "PE"],
    "FT": ["France Travail", "pole emploi"],
    "PASS IAE": ["pass iae", "PASS-IAE"],
    "CIP": ["conseillère en insertion professionnelle", "cip", "CIP"],
    "entreprises": ["employeurs", "boîtes", "entreprises locales"],
    "formation": ["formation qualifiante", "formations"],
    "logement": ["hébergement", "logement social"],
    "enfants": ["petits", "gamins", "enfants"],
    "crèche": ["halte-garderie", "creche", "multi-accueil"],
    "financement": ["financements", "subventions"],
    "psychologue": ["psy", "psychologue"],
    "numérique": ["numerique", "informatique"],
    "il faudrait": ["faudrait", "il faut", "on aimerait"],
    "beaucoup": ["bcp", "énormément", "pas mal"],
}
FILLERS = ["svp", "à mon avis", "selon nous", "urgent", "c'est important", "merci", "!!", "..."]


def typo(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        return word[:i] + word[i + 1 :]
    if kind == 1:
        return word[:i] + word[i] + word[i:]
    return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]


def strip_accents(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def vary(text: str, rng: random.Random) -> str:
    for source, targets in SYNONYMS.items():
        if source in text and rng.random() < 0.5:
            text = text.replace(source, rng.choice(targets), 1)
    if rng.random() < 0.4 and "," in text:
        parts = [p.strip() for p in text.split(",")]
        rng.shuffle(parts)
        text = ", ".join(parts)
    words = text.split()
    for _ in range(rng.choice([0, 1, 1, 2, 3])):
        k = rng.randrange(len(words))
        words[k] = typo(words[k], rng)
    text = " ".join(words)
    if rng.random() < 0.3:
        text = strip_accents(text)
    if rng.random() < 0.3:
        text = f"{text} {rng.choice(FILLERS)}"
    if rng.random() < 0.2:
        text = text.lower()
    return text


def generate(count: int) -> tuple[list[Proposal], dict[str, str]]:
    """``count`` proposals and the topic each inherits from the labelled one it varies."""
    rng = random.Random(SEED)
    labelled, topics = load_labelled()
    out = []
    inherited = {}
    for k in range(count):
        base = labelled[k % len(labelled)]
        text = base.text if k < len(labelled) else vary(base.text, rng)
        author = None if base.reference.startswith("W-") else str(rng.randrange(count // 3 + 1))
        reference = f"{base.reference[0]}-{k:06d}"
        out.append(Proposal(reference, text, author))
        inherited[reference] = topics[base.reference]
    return out, inherited


def rss_mb() -> float:
    return psutil.Process().memory_info().rss / 2**20


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(count: int) -> None:
    proposals, topics = generate(count)
    before = rss_mb()
    started = time.perf_counter()
    result = grouping.group_proposals(proposals)
    elapsed = time.perf_counter() - started
    sizes = [g.size for g in result.groups]
    print(
        f"{count:>6} proposals: grouped in {elapsed:6.2f} s "
        f"({elapsed / count * 1000:.2f} ms each); "
        f"{len(result.groups)} groups (largest {max(sizes, default=0)}, median "
        f"{sorted(sizes)[len(sizes) // 2] if sizes else 0}), {len(result.ungrouped)} ungrouped; "
        f"RSS after {rss_mb():.0f} MB (+{rss_mb() - before:.0f} MB held), peak {peak_mb():.0f} MB"
    )
    s = scores(clusters_of(result), truth_of(topics))
    print(
        f"        quality against the inherited topics: purity {s['purity']:.3f}, inverse "
        f"{s['inverse']:.3f}, F {s['F']:.3f}, ARI {s['ARI']:.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--speed", type=int, default=10_000, help="number of proposals")
    args = parser.parse_args()
    start_rss = rss_mb()
    print(f"RSS at start (bench imports, no spaCy): {start_rss:.0f} MB")
    started = time.perf_counter()
    grouping.load_model()
    load = time.perf_counter() - started
    loaded_rss = rss_mb()
    print(
        f"model {grouping.MODEL_NAME} loaded in {load:.1f} s, +{loaded_rss - start_rss:.0f} MB RSS"
    )
    run(max(2, args.speed // 10))
    peak_before = peak_mb()
    run(args.speed)
    print(
        f"peak RSS {peak_mb():.0f} MB: +{peak_mb() - loaded_rss:.0f} MB over the loaded model, "
        f"+{peak_mb() - start_rss:.0f} MB in all (peak before the big run: {peak_before:.0f} MB)"
    )


if __name__ == "__main__":
    main()
