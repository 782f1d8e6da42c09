"""Grouping free-text proposals: determinism, near-duplicates, labels, edge cases."""

from __future__ import annotations

import random

import pytest

from bot.domain import grouping
from bot.domain.grouping import Grouping, Proposal, group_proposals

MOBILITY = [
    "Pas de permis de conduire, il faut financer le permis B pour les salariés",
    "Aide au financement du permis de conduire pour les salariés en parcours",
    "Financer le permis B et le code de la route pendant le contrat",
    "Le permis de conduire coûte trop cher, une aide au permis serait utile",
]
PASS_IAE = [
    "Le PASS IAE devrait être délivré directement par les SIAE",
    "Les délais d'obtention du pass iae sont trop longs, on perd des candidats",
    "Prolongation du PASS-IAE trop compliquée, les justificatifs sont lourds",
    "Simplifier la délivrance du pass IAE, les prescripteurs sont débordés",
]
HOUSING = [
    "Accès au logement social prioritaire pour les salariés en CDDI",
    "Les bailleurs sociaux refusent les dossiers logement des salariés en insertion",
    "Sans logement stable on ne peut pas tenir un emploi, il faut du logement temporaire",
]
OFF_TOPIC = "Il fait très beau aujourd'hui à Grenoble"


def proposals(texts: list[str], prefix: str = "C", start: int = 1) -> list[Proposal]:
    return [
        Proposal(f"{prefix}-{start + k:03d}", text, f"a{start + k}") for k, text in enumerate(texts)
    ]


@pytest.fixture(scope="module")
def corpus() -> list[Proposal]:
    grouping.load_model()  # ~6 s, once for the module
    return (
        proposals(MOBILITY, start=1)
        + proposals(PASS_IAE, start=20)
        + proposals(HOUSING, start=40)
        + [Proposal("W-001", OFF_TOPIC)]
    )


@pytest.fixture(scope="module")
def result(corpus: list[Proposal]) -> Grouping:
    return group_proposals(corpus)


def group_of(result: Grouping, reference: str):
    return next((g for g in result.groups if reference in g.members), None)


def test_model_is_not_loaded_by_import_alone() -> None:
    import subprocess
    import sys

    code = (
        "import sys; import bot.domain.grouping as g; "
        "print(g.model_loaded(), 'spacy' in sys.modules, 'sklearn' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False", "False"]


def test_similar_proposals_are_grouped_and_off_topic_left_alone(result: Grouping) -> None:
    mobility = group_of(result, "C-001")
    assert mobility is not None
    assert set(mobility.members) == {"C-001", "C-002", "C-003", "C-004"}
    assert "permis" in mobility.terms
    housing = group_of(result, "C-040")
    assert housing is not None and {"C-040", "C-041", "C-042"} <= set(housing.members)
    assert "logement" in housing.terms
    assert "W-001" in result.ungrouped
    assert group_of(result, "W-001") is None


def test_acronyms_are_kept_as_terms(result: Grouping) -> None:
    group = group_of(result, "C-020")
    assert group is not None
    assert {"C-020", "C-021", "C-022", "C-023"} <= set(group.members)
    assert "PASS IAE" in group.terms
    assert all(term == term.lower() or term.isupper() or " " in term for term in group.terms)


def test_shape_of_the_result(result: Grouping, corpus: list[Proposal]) -> None:
    every = [ref for g in result.groups for ref in g.members] + list(result.ungrouped)
    assert sorted(every) == sorted(p.reference for p in corpus)  # each proposal exactly once
    assert list(result.ungrouped) == sorted(result.ungrouped)
    sizes = [g.size for g in result.groups]
    assert sizes == sorted(sizes, reverse=True)
    for g in result.groups:
        assert g.size >= 2
        assert list(g.members) == sorted(g.members)
        assert 2 <= len(g.terms) <= 4
        assert 1 <= len(g.quotes) <= 3
        assert {q.reference for q in g.quotes} <= set(g.members)
        assert g.authors == g.size  # one author each in this corpus


def test_max_quotes_is_respected(corpus: list[Proposal]) -> None:
    for most in (1, 2):
        for g in group_proposals(corpus, max_quotes=most).groups:
            assert len(g.quotes) <= most
    assert all(len(g.quotes) == 2 for g in group_proposals(corpus, max_quotes=2).groups)


def test_shuffled_input_gives_identical_output(corpus: list[Proposal], result: Grouping) -> None:
    shuffled = list(corpus)
    random.Random(7).shuffle(shuffled)
    assert shuffled != corpus
    assert group_proposals(shuffled) == result
    assert group_proposals(list(reversed(corpus))) == result


def test_near_duplicates_are_one_quote_counting_distinct_authors(corpus) -> None:
    copies = [
        Proposal("C-101", "Un temps de psychologue financé dans chaque SIAE", "alice"),
        Proposal("C-102", "un temps de psycologue finance dans chaque SIAE !", "bob"),
        Proposal("C-103", "Un temps de psychologue financé dans chaque SIAE svp", "bob"),
        Proposal("W-104", "UN TEMPS DE PSYCHOLOGUE FINANCÉ DANS CHAQUE SIAE."),
        Proposal("W-105", "Un temps de psychologue financé dans chaque SIAE"),
    ]
    others = [
        Proposal(
            "C-110", "Les salariés ont besoin d'un suivi psychologique, santé mentale", "carol"
        ),
        Proposal("C-111", "Accès aux psychologues et à la santé mentale pour les salariés", "dan"),
    ]
    result = group_proposals(corpus + copies + others)
    group = group_of(result, "C-101")
    assert group is not None
    assert {p.reference for p in copies} <= set(group.members)
    merged = [q for q in group.quotes if q.reference in {p.reference for p in copies}]
    assert len(merged) == 1  # five copies, one quote
    # alice, bob (twice) and two workshop notes without author: 4 distinct authors
    assert merged[0].repeated_by == 4
    assert group.authors == len({"alice", "bob"}) + 2 + sum(
        1 for p in others if p.reference in group.members
    )


def test_spelled_out_institutions_meet_their_acronym() -> None:
    texts = [
        "Les conseillers France Travail ne connaissent pas l'IAE",
        "Pôle emploi ne connait pas l'IAE, les conseillers orientent mal",
        "Les conseillers FT ne connaissent pas bien l'IAE",
    ]
    terms = grouping._terms(texts, grouping.DEFAULT_OPTIONS)
    assert all("FT" in t for t in terms)
    assert all("IAE" in t for t in terms)
    result = group_proposals(proposals(texts))
    assert len(result.groups) == 1 and "FT" in result.groups[0].terms


def test_lemmas_are_readable_french() -> None:
    (terms,) = grouping._terms(
        ["Les salariés ont des problèmes de mobilité, pas de voitures ni de transports"],
        grouping.DEFAULT_OPTIONS,
    )
    assert {"mobilité", "voiture", "transport", "problème"} <= set(terms)
    assert not {"les", "des", "de", "pas", "ont"} & set(terms)


def test_empty_and_single_input() -> None:
    assert group_proposals([]) == Grouping(groups=(), ungrouped=())
    single = group_proposals([Proposal("C-9", "Financer le permis B")])
    assert single == Grouping(groups=(), ungrouped=("C-9",))
    blank = group_proposals([Proposal("C-1", "ok"), Proposal("C-2", "...")])
    assert blank.groups == () and blank.ungrouped == ("C-1", "C-2")


def test_large_path_finds_the_same_topics(corpus: list[Proposal]) -> None:
    """The neighbour-graph path (what thousands of proposals take) on the small corpus."""
    result = grouping._group(corpus * 1, force_large=True)
    every = sorted(ref for g in result.groups for ref in g.members) + list(result.ungrouped)
    assert sorted(every) == sorted(p.reference for p in corpus)
    assert grouping._group(list(reversed(corpus)), force_large=True) == result


def test_average_linkage_matches_the_definition() -> None:
    """Sum-vector average linkage equals the mean pairwise cosine (checked by brute force)."""
    import numpy as np
    from scipy import sparse

    rng = np.random.default_rng(3)
    points = rng.random((12, 5)) ** 4
    points /= np.linalg.norm(points, axis=1, keepdims=True)
    labels = grouping._average_linkage(
        sparse.csr_matrix(points), [[i] for i in range(12)], min_similarity=0.6
    )
    clusters: dict[int, list[int]] = {}
    for i, label in enumerate(labels):
        clusters.setdefault(label, []).append(i)
    sim = points @ points.T
    groups = list(clusters.values())
    for a in range(len(groups)):  # no two final clusters are still close enough to merge
        for b in range(a + 1, len(groups)):
            assert sim[np.ix_(groups[a], groups[b])].mean() < 0.6


def test_texts_without_a_word_join_no_group_and_never_break_the_grouping() -> None:
    only_signs = [Proposal("C-1", "-"), Proposal("C-2", "?"), Proposal("C-3", "123")]
    assert group_proposals(only_signs) == Grouping(groups=(), ungrouped=("C-1", "C-2", "C-3"))
    mixed = [*only_signs, Proposal("C-4", "Financer le permis"), Proposal("C-5", "n/a")]
    result = group_proposals(mixed)
    assert set(result.ungrouped) >= {"C-1", "C-2", "C-3"}
    assert sorted([*result.ungrouped, *(m for g in result.groups for m in g.members)]) == [
        "C-1",
        "C-2",
        "C-3",
        "C-4",
        "C-5",
    ]
