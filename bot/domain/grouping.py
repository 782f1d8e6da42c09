"""Group free-text proposals by what they say, for the organisers' synthesis of a theme.

Pure domain code: no database, no aiogram. spaCy, scikit-learn, SciPy and numpy are imported
inside functions, on the first call that needs them (``load_model``), never at import time:
the bot does not pay ~370 MB at start for a feature used only by the worker or a command line
(the worker is a thread of the bot process: once a digest has grouped answers, the model stays
loaded there).

``group_proposals(proposals)`` returns a ``Grouping``: groups of at least two proposals,
largest first, each with 2-4 key terms, its members' references, 2-3 representative quotes
(near-duplicates merged into one quote, ``repeated_by`` distinct authors) and its number of
distinct authors; and the references left ungrouped (off-topic or unique).

Method (figures from ``bench/grouping_quality.py`` and ``bench/grouping_speed.py``, 2-core VM)
--------------------------------------------------------------------------------------------
1. **Normalisation.** NFKC; the field's acronyms and their spelled-out forms are mapped to one
   upper-case term (``ft``, ``France Travail``, ``pôle emploi``, ``PE`` -> ``FT``; ``pass iae``,
   ``PASS-IAE`` -> ``PASS IAE``; ``conseillère en insertion professionnelle`` -> ``CIP``...);
   other words of 2-6 capitals are kept as acronyms unless the whole text is in capitals;
   everything else is lowercased, accents kept. spaCy's tokenizer (``fr_core_news_md``, no
   pipeline component: ``nlp.pipe`` in batches) and the lemma lookup table of its French
   lemmatiser (only that table is read from the model's files), corrected for a few field
   nouns the table turns into verbs (``salariés`` -> ``salarié``, not ``salarier``). French
   stop words (spaCy's list plus a few empty verbs: ``falloir``, ``pouvoir``...), numbers,
   punctuation and one-letter tokens are dropped.
   The rule-based lemmatiser (which needs the tagger) was measured first: 2.5 ms per text,
   25 s for 10,000 texts on its own, over the budget; the lookup table takes 0.14 ms.
2. **Representation.** Three blocks, each L2-normalised, concatenated with weights, so the
   cosine of two proposals is ``0.40 cos(words) + 0.35 cos(chars) + 0.25 cos(vectors)``:
   TF-IDF of the lemmas (sublinear); TF-IDF of character 3-5-grams of the lemmas without
   accents (typos, ``psycologue``, ``maraichage``, ``cip``/``CIP``); the IDF-weighted mean of
   spaCy's 300-d word vectors of the lemmas, so ``bus``, ``voiture``, ``se déplacer`` meet.
3. **Near-duplicates.** Two proposals whose *surface* character-3-5-gram cosine (the whole
   text, small words kept, acronyms mapped, no case, accents nor punctuation) is at least
   0.70 are the same proposal copied (``svp`` added, a typo, ``France Travail``/``FT``): on
   the labelled set the copies score 0.75-1.00 and the closest different proposals 0.49.
   They are merged first (union-find) and clustered as one block; they make one quote.
4. **Clustering.** Average linkage, cosine similarity, merging while two clusters have a mean
   pairwise similarity of 0.20 or more (distance cut 0.80), so the number of groups is not
   fixed in advance and a proposal close to nothing stays alone. For unit vectors the mean
   pairwise cosine of two sets is ``sum(A)·sum(B) / (|A| |B|)``, so the linkage runs on the
   blocks' sum vectors (``_average_linkage``, Lance-Williams updates on a blocks × blocks
   matrix): exact over the proposals whatever the starting blocks. Up to 2,000 proposals the
   blocks are the near-duplicate sets. Above, the rows are randomly projected to 256
   dimensions (signed feature hashing, fixed seed), near-duplicates are looked for among
   each row's 12 nearest neighbours only, and the sets are pre-grouped into at most 1,000
   micro-clusters by mini-batch k-means (fixed seed); the linkage then starts from those, on
   the full features. Memory is O(blocks²) instead of O(n²): SciPy/scikit-learn's average
   linkage on 10,000 rows would need the 10,000² matrix, its condensed copy and index arrays
   (>1.5 GB). Ward and complete linkage, semantic smoothing of the TF-IDF with word-vector
   neighbours, and removing the vectors' common component were tried: none beat this.
5. **Labels and quotes.** A group's terms are its lemmas with the highest
   ``share of the group's proposals holding the term × IDF over the whole set`` (held by at
   least two of its proposals, the weakest kept only above half the best score), 2-4 of
   them. Quotes are the members closest to the group's centroid, one per near-duplicate set.

Measured (``bench/grouping_quality.py``) on ``bench/data/proposals_labelled.csv``: 190
proposals written as field staff would type them, 12 topics + 8 off-topic lines (scored as
singletons). The weights, the cut and the three domain stop words ("salarié", "parcours",
"structure") were chosen on this same set (coarse grid; F falls to 0.51 at cut 0.75 and 0.44
at 0.85), so these figures are optimistic for new data:

=========================================  =====  =====
variant                                    F      ARI
=========================================  =====  =====
this method                                0.555  0.274
without word vectors                       0.447  0.140
without lemmas, acronyms nor stop words    0.444  0.132
naive bag of words, best cut of a grid     0.352  0.054
=========================================  =====  =====

(F: harmonic mean of purity and inverse purity.) Method / baseline: F ×1.58, ARI ×5.1. Word
vectors are what brings ``bus``/``voiture``/``permis`` together; they also cause the worst
mistakes (a "temps" group mixing CIP time and psychologist time). 5 of the 8 off-topic lines
stay ungrouped. The large-n path forced on these 190 proposals scores F 0.40, ARI 0.09 (its
micro-clusters are too coarse for so few); on 10,000 proposals varied from them
(``bench/grouping_speed.py``) it scores F 0.47, ARI 0.26 against the inherited topics.

Speed (``bench/grouping_speed.py``, 2-core VM shared with other jobs): 10,000 proposals
grouped in 7-18 s after the model is loaded; loading takes 6-8 s once per process and adds
~370 MB RSS (vocabulary and vectors ~330 MB, lemma table ~40 MB); the 10,000-proposal run
peaks at ~+550 MB over that (character-n-gram vocabularies, mostly), ~+90 MB held after.
"""

from __future__ import annotations

import math
import re
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "MODEL_NAME",
    "Grouping",
    "Proposal",
    "ProposalGroup",
    "Quote",
    "group_proposals",
    "load_model",
    "model_loaded",
]

MODEL_NAME = "fr_core_news_md"


@dataclass(frozen=True)
class Proposal:
    reference: str  # "C-…" (a contribution) or "W-…" (a workshop note)
    text: str  # already scrubbed of personal data
    author: str | None = None  # an opaque key for counting people; None counts as its own


@dataclass(frozen=True)
class Quote:
    reference: str
    text: str
    repeated_by: int  # distinct authors of the near-duplicates merged here, itself included


@dataclass(frozen=True)
class ProposalGroup:
    terms: tuple[str, ...]
    members: tuple[str, ...]  # references, sorted
    quotes: tuple[Quote, ...]
    authors: int

    @property
    def size(self) -> int:
        return len(self.members)


@dataclass(frozen=True)
class Grouping:
    groups: tuple[ProposalGroup, ...]  # largest first, ties by terms
    ungrouped: tuple[str, ...]  # references, sorted


@dataclass(frozen=True)
class _Options:
    """Knobs of the method: the defaults are what ``group_proposals`` uses (bench: variants)."""

    word_weight: float = 0.40
    char_weight: float = 0.35
    vector_weight: float = 0.25
    duplicate_similarity: float = 0.70  # surface character-n-gram cosine: near-duplicates
    distance_threshold: float = 0.80  # average-linkage cut (cosine distance)
    exact_limit: int = 2000  # merged points above which the neighbour-graph path is used
    projection: int = 256  # dimensions of the random projection (large-n path)
    neighbours: int = 12
    lemmatise: bool = True
    acronyms: bool = True
    stop_words: bool = True


DEFAULT_OPTIONS = _Options()

# --- acronyms -----------------------------------------------------------------------------

_ACRONYM_FORMS: tuple[tuple[str, str], ...] = (
    # (canonical display, case-insensitive pattern); longer forms first
    ("PASS IAE", r"pass?e?[\s_-]*iae"),
    ("FT", r"france[\s_-]*travail|p[oô]le[\s_-]*emploi|ft"),
    ("CD", r"conseils?[\s-]+d[ée]partementa(?:l|ux)|conseils?[\s-]+g[ée]n[ée]ra(?:l|ux)|cd"),
    (
        "CIP",
        r"conseill(?:er|ère|ere)s?\s+(?:en\s+|d['’]\s*)?insertion(?:\s+pro(?:fessionnelle)?s?)?"
        r"|cips?",
    ),
    ("SIAE", r"structures?\s+d['’]\s*insertion\s+par\s+l['’]\s*activit[ée]\s+[ée]conomique|siae"),
    ("IAE", r"insertion\s+par\s+l['’]\s*activit[ée]\s+[ée]conomique|iae"),
    (
        "ACI",
        r"ateliers?\s+(?:et\s+)?chantiers?\s+d['’]\s*insertion|chantiers?\s+d['’]\s*insertion|aci",
    ),
    ("ETTI", r"entreprises?\s+de\s+travail\s+temporaire\s+d['’]\s*insertion|etti"),
    ("EI", r"entreprises?\s+d['’]\s*insertion|ei"),
    ("AI", r"associations?\s+interm[ée]diaires?"),
    (
        "PMSMP",
        r"p[ée]riodes?\s+de\s+mise\s+en\s+situation\s+en\s+milieu\s+professionnel|pmsmp|pmsp",
    ),
    ("CDDI", r"cddi"),
    ("GEIQ", r"geiq"),
    ("RSA", r"rsa"),
    ("QPV", r"qpv"),
    ("CAF", r"caf"),
    ("CPAM", r"cpam"),
    ("MDPH", r"mdph"),
    ("RQTH", r"rqth"),
    ("DDETS", r"ddets"),
    ("DREETS", r"dreets"),
    ("CCAS", r"ccas"),
    ("SMIC", r"smic"),
    ("CV", r"cv"),
    ("FLE", r"fle"),
    ("CPF", r"cpf"),
    ("VAE", r"vae"),
    ("OPCO", r"opco"),
    ("BTP", r"btp"),
    ("CMP", r"cmp"),
    ("HLM", r"hlm"),
    ("SIAO", r"siao"),
    ("CACES", r"caces"),
    ("ETP", r"etp"),
    ("PME", r"pme"),
    ("RH", r"rh"),
)
# Upper case only: as lower-case words they are French ("j'ai", "pe" rarely, but "ai" always).
_CASED_FORMS: tuple[tuple[str, str], ...] = (("AI", r"AI"), ("FT", r"PE"))

_TOKEN_OF = {display: display.replace(" ", "") for display, _ in _ACRONYM_FORMS}
_DISPLAY_OF = {token: display for display, token in _TOKEN_OF.items()}
_ACRONYM_RE = re.compile(
    "|".join(
        rf"(?P<g{i}>(?<![\w-])(?:{pattern})(?![\w-]))"
        for i, (_, pattern) in enumerate(_ACRONYM_FORMS)
    ),
    re.IGNORECASE,
)
_CASED_RE = re.compile(
    "|".join(
        rf"(?P<c{i}>(?<![\w'’-])(?:{pattern})(?![\w-]))"
        for i, (_, pattern) in enumerate(_CASED_FORMS)
    )
)
_WORD_RE = re.compile(r"\w+")
_CAPS_RE = re.compile(r"[A-ZÀ-ÖØ-Þ]{2,6}")

# Stop words added to spaCy's list: verbs and adverbs every proposal can hold.
_EXTRA_STOP = frozenset(
    (
        "falloir",
        "faut",
        "faudrait",
        "pouvoir",
        "devoir",
        "faire",
        "aller",
        "mettre",
        "vouloir",
        "trop",
        "vraiment",
        "très",
        "beaucoup",
        "chose",
        "gens",
        "etc",
        "svp",
        "stp",
        "ça",
        "cela",
        "bien",
        "mieux",
        "exemple",
        "niveau",
        "cas",
        "type",
        "vrai",
        "souvent",
        "toujours",
        "jamais",
        "encore",
        "aussi",
        "moins",
        "rien",
        "nous",
        "vous",
        "leur",
        "leurs",
        "qu",
        "lorsqu",
        "puisqu",
        "salarié",
        "parcours",
        "structure",
    )
)
# Field nouns the lookup table lemmatises as verbs (or leaves plural).
_LEMMA_FIX = {
    "salariés": "salarié",
    "salariée": "salarié",
    "salariées": "salarié",
    "salarier": "salarié",
    "aides": "aide",
    "démarches": "démarche",
    "postes": "poste",
    "sorties": "sortie",
    "gardes": "garde",
    "structures": "structure",
    "formations": "formation",
    "entreprises": "entreprise",
    "personnes": "personne",
    "addictions": "addiction",
    "immersions": "immersion",
    "recycleries": "recyclerie",
    "ressourceries": "ressourcerie",
    "candidatures": "candidature",
    "subventions": "subvention",
    "prescriptions": "prescription",
    "orientations": "orientation",
    "conseillers": "conseiller",
    "conseillères": "conseiller",
    "conseillère": "conseiller",
    "encadrantes": "encadrant",
    "encadrants": "encadrant",
    "encadrante": "encadrant",
    "ateliers": "atelier",
    "chantiers": "chantier",
    "crèches": "crèche",
    "creches": "crèche",
    "creche": "crèche",
    "logements": "logement",
    "financements": "financement",
    "parcours": "parcours",
    "transports": "transport",
    "mamans": "maman",
    "mères": "mère",
    "agences": "agence",
    "agencer": "agence",
    "ans": "an",
    "solutions": "solution",
    "difficultés": "difficulté",
    "délais": "délai",
}

# --- model --------------------------------------------------------------------------------

_model: Any = None
_lemmas: dict[int, str] = {}
_model_lock = threading.Lock()


def model_loaded() -> bool:
    """Whether spaCy's French model has been loaded in this process."""
    return _model is not None


def load_model() -> Any:
    """Load ``fr_core_news_md`` once (thread-safe): tokenizer, vocabulary and word vectors only.

    The lemma lookup table of its lemmatiser is read straight from the model's files (the
    lemmatiser component and its rule tables are not loaded). Raises ``RuntimeError`` if
    spaCy or the model is missing.
    """
    global _model, _lemmas
    if _model is not None:
        return _model
    with _model_lock:
        if _model is None:
            try:
                import spacy  # deliberately lazy: ~5 s and ~300 MB with the vectors

                nlp = spacy.load(
                    MODEL_NAME,
                    exclude=[
                        "tok2vec",
                        "morphologizer",
                        "parser",
                        "attribute_ruler",
                        "senter",
                        "ner",
                        "lemmatizer",
                    ],
                )
            except (ImportError, OSError) as exc:  # pragma: no cover - install problem
                raise RuntimeError(f"grouping needs spaCy and {MODEL_NAME}: {exc}") from exc
            _lemmas = _lemma_table(nlp)
            _model = nlp
    return _model


def _lemma_table(nlp: Any) -> dict[int, str]:
    """The ``lemma_lookup`` table (form hash -> lemma) of the model's French lemmatiser."""
    from srsly import msgpack

    try:
        path = next(nlp.path.glob("lemmatizer/lookups/lookups.bin"))
        with path.open("rb") as handle:
            unpacker = msgpack.Unpacker(handle, raw=False, strict_map_key=False)
            for _ in range(unpacker.read_map_header()):
                if unpacker.unpack() == "lemma_lookup":
                    table = unpacker.unpack()
                    break
                unpacker.skip()
            else:  # pragma: no cover - unexpected model layout
                return {}
    except (OSError, StopIteration, ValueError, AttributeError, TypeError):  # pragma: no cover
        return {}
    return {key: (value[0] if isinstance(value, list) else value) for key, value in table.items()}


# --- text to terms ------------------------------------------------------------------------


def _fold(text: str) -> str:
    """Lowercase without accents (for character n-grams and near-duplicate keys)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _prepare(text: str, options: _Options) -> str:
    """Acronyms as one upper-case token each; the rest lowercased."""
    text = unicodedata.normalize("NFKC", text).replace("’", "'")
    words = _WORD_RE.findall(text)
    letters = [w for w in words if any(c.isalpha() for c in w)]
    shouting = bool(letters) and sum(w.isupper() for w in letters) > len(letters) / 2
    if options.acronyms:

        def replace(match: re.Match[str], forms: tuple[tuple[str, str], ...]) -> str:
            index = int(match.lastgroup[1:])  # type: ignore[index]
            return f" {_TOKEN_OF.get(forms[index][0], forms[index][0])} "

        if not shouting:
            text = _CASED_RE.sub(lambda m: replace(m, _CASED_FORMS), text)
        text = _ACRONYM_RE.sub(lambda m: replace(m, _ACRONYM_FORMS), text)

    def lower(match: re.Match[str]) -> str:
        word = match.group()
        if word in _DISPLAY_OF or (options.acronyms and not shouting and _CAPS_RE.fullmatch(word)):
            return word
        return word.lower()

    return _WORD_RE.sub(lower, text)


_PUNCTUATION_RE = re.compile(r"[^\w ]+|_")


def _surface(text: str, options: _Options) -> str:
    """The text for near-duplicate detection: acronyms mapped, no case, accents, punctuation."""
    return " ".join(_PUNCTUATION_RE.sub(" ", _fold(_prepare(text, options))).split())


def _terms(texts: Sequence[str], options: _Options) -> list[list[str]]:
    """Each text as its content lemmas (acronyms in capitals), in order."""
    from spacy.lang.fr.stop_words import STOP_WORDS
    from spacy.strings import hash_string

    nlp = load_model()
    stop = (STOP_WORDS | _EXTRA_STOP) if options.stop_words else frozenset()
    prepared = [_prepare(text, options) for text in texts]
    cache: dict[str, str | None] = {}
    result: list[list[str]] = []
    for doc in nlp.pipe(prepared, batch_size=512):
        terms: list[str] = []
        for token in doc:
            word = token.text
            if word in cache:
                term = cache[word]
            else:
                term = _term(word, stop, options, hash_string)
                cache[word] = term
            if term is not None:
                terms.append(term)
        result.append(terms)
    return result


def _term(word: str, stop: Any, options: _Options, hash_string: Any) -> str | None:
    if word in _DISPLAY_OF:
        return _DISPLAY_OF[word]
    if word.isupper() and len(word) >= 2 and word.isalpha():
        return word
    if word in stop:
        return None
    word = word.strip("'-_")
    if len(word) < 2 or not any(c.isalpha() for c in word) or any(c.isdigit() for c in word):
        return None
    if word in stop:
        return None
    if options.lemmatise:
        lemma = _LEMMA_FIX.get(word) or _lemmas.get(hash_string(word), word)
        lemma = _LEMMA_FIX.get(lemma, lemma)
    else:
        lemma = word
    if len(lemma) < 2 or lemma in stop:
        return None
    return lemma


# --- clustering ---------------------------------------------------------------------------


class _Features:
    def __init__(self, terms: list[list[str]], surface: list[str], options: _Options) -> None:
        import numpy as np
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.terms = terms
        n = len(terms)
        self.word_vectorizer = TfidfVectorizer(
            analyzer=_identity, sublinear_tf=True, lowercase=False, norm="l2"
        )
        self.words = self.word_vectorizer.fit_transform(terms)
        folded = [" ".join(_fold(t) for t in doc) for doc in terms]
        self.chars = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=1, norm="l2"
        ).fit_transform(folded)
        # The texts themselves (stop words kept), for near-duplicates: copies share their
        # small words too, while two different proposals about one topic do not.
        self.surface = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, norm="l2"
        ).fit_transform(surface)
        self.idf = dict(
            zip(
                self.word_vectorizer.get_feature_names_out(), self.word_vectorizer.idf_, strict=True
            )
        )
        if options.vector_weight > 0:
            self.vectors = _mean_vectors(terms, self.idf)
        else:
            self.vectors = np.zeros((n, 1), dtype=np.float32)
        self.options = options

    def combined(self) -> Any:
        """One CSR matrix whose row dot products are the weighted blend of the three cosines."""
        import numpy as np
        from scipy import sparse

        o = self.options
        blocks = [self.words * math.sqrt(o.word_weight), self.chars * math.sqrt(o.char_weight)]
        if o.vector_weight > 0:
            blocks.append(sparse.csr_matrix(self.vectors * math.sqrt(o.vector_weight)))
        matrix = sparse.hstack(blocks, format="csr").astype(np.float64)
        return _normalise_rows(matrix)


def _identity(terms: list[str]) -> list[str]:
    return terms


def _normalise_rows(matrix: Any) -> Any:
    import numpy as np
    from scipy import sparse

    if sparse.issparse(matrix):
        norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sparse.diags(1.0 / norms) @ matrix
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms


def _mean_vectors(terms: list[list[str]], idf: dict[str, float]) -> Any:
    """IDF-weighted mean of the word vectors of each text's lemmas, L2-normalised (float32)."""
    import numpy as np
    from spacy.strings import hash_string

    vectors = load_model().vocab.vectors
    table = vectors.data
    key2row = vectors.key2row
    rows: dict[str, int] = {}
    out = np.zeros((len(terms), table.shape[1]), dtype=np.float32)
    for i, doc in enumerate(terms):
        for term in doc:
            if term.isupper():  # acronyms: their vectors mean little, the TF-IDF has them
                continue
            row = rows.get(term)
            if row is None:
                row = key2row.get(hash_string(term), -1)
                if row < 0:
                    row = key2row.get(hash_string(_fold(term)), -1)
                rows[term] = row
            if row >= 0:
                out[i] += idf.get(term, 1.0) * table[row]
    return _normalise_rows(out)


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        a, b = self.find(i), self.find(j)
        if a != b:
            self.parent[max(a, b)] = min(a, b)  # the smaller index (earlier reference) leads

    def sets(self) -> list[list[int]]:
        by_root: dict[int, list[int]] = {}
        for i in range(len(self.parent)):
            by_root.setdefault(self.find(i), []).append(i)
        return [by_root[root] for root in sorted(by_root)]


def _cluster(
    features: _Features, options: _Options, force_large: bool = False
) -> tuple[list[int], list[int]]:
    """(cluster label per proposal, near-duplicate set id per proposal)."""
    import numpy as np

    n = len(features.terms)
    matrix = features.combined()
    large = force_large or n > options.exact_limit
    union = _UnionFind(n)
    if not large:
        char_sim = (features.surface @ features.surface.T).toarray()
        pairs = np.argwhere(np.triu(char_sim >= options.duplicate_similarity, k=1))
        space = None
    else:
        space = _reduce(matrix, options)
        neighbours = _neighbours(space, options.neighbours)
        rows = np.repeat(np.arange(n), neighbours.shape[1])
        cols = neighbours.ravel()
        keep = cols > rows
        rows, cols = rows[keep], cols[keep]
        chars = features.surface
        sims = np.asarray(chars[rows].multiply(chars[cols]).sum(axis=1)).ravel()
        close = sims >= options.duplicate_similarity
        pairs = np.stack([rows[close], cols[close]], axis=1)
    for i, j in pairs.tolist():
        union.union(i, j)
    sets = union.sets()
    duplicate_of = [0] * n
    for set_id, members in enumerate(sets):
        for i in members:
            duplicate_of[i] = set_id
    empty = np.asarray(features.words.sum(axis=1)).ravel() == 0
    points = [s for s in range(len(sets)) if not empty[sets[s][0]]]
    blocks = [sets[s] for s in points]  # lists of proposal indices, clustered as units
    if large and len(blocks) > 1:
        blocks = _micro_clusters(blocks, space, options)
    block_labels = _average_linkage(matrix, blocks, 1.0 - options.distance_threshold)
    labels = [-1 - i for i in range(n)]  # singletons unless a cluster says otherwise
    for block, label in zip(blocks, block_labels, strict=True):
        for i in block:
            labels[i] = label
    return labels, duplicate_of


def _reduce(matrix: Any, options: _Options) -> Any:
    """A random projection of the rows to ``options.projection`` dimensions (float32, unit rows).

    Feature hashing with random signs (one nonzero per input feature, fixed seed): dot products
    are kept on average, to within ~0.05 at 256 dimensions; enough to find neighbours and
    micro-clusters. (A truncated SVD of the ~100,000 sparse columns took 20 s at 10,000 rows.)
    """
    import numpy as np
    from scipy import sparse

    rng = np.random.default_rng(0)
    features = matrix.shape[1]
    buckets = rng.integers(0, options.projection, size=features)
    signs = rng.choice(np.array([-1.0, 1.0]), size=features)
    sketch = sparse.csr_matrix(
        (signs, (np.arange(features), buckets)), shape=(features, options.projection)
    )
    return _normalise_rows(np.asarray((matrix @ sketch).toarray(), dtype=np.float32))


def _neighbours(space: Any, k: int, block: int = 1024) -> Any:
    """Indices of each row's ``k`` most similar other rows (dense unit rows, cosine)."""
    import numpy as np

    n = space.shape[0]
    k = max(1, min(k, n - 1))
    out = np.empty((n, k), dtype=np.int64)
    for start in range(0, n, block):
        stop = min(n, start + block)
        sims = space[start:stop] @ space.T
        sims[np.arange(stop - start), np.arange(start, stop)] = -np.inf
        part = np.argpartition(sims, n - k, axis=1)[:, n - k :]
        out[start:stop] = np.sort(part, axis=1)  # a set of neighbours: order them by index
    return out


def _micro_clusters(blocks: list[list[int]], space: Any, options: _Options) -> list[list[int]]:
    """Many small k-means clusters of the blocks (SVD space), each a union of blocks."""
    import numpy as np
    from sklearn.cluster import MiniBatchKMeans

    m = len(blocks)
    count = max(2, min(options.exact_limit // 2, m // 4))
    if m <= count:
        return blocks
    centres = _normalise_rows(np.stack([space[b].sum(axis=0) for b in blocks]))
    weights = np.array([len(b) for b in blocks], dtype=np.float64)
    model = MiniBatchKMeans(
        n_clusters=count,
        init="random",
        random_state=0,
        n_init=1,
        batch_size=2048,
        max_iter=30,
        max_no_improvement=5,
    )
    assignment = model.fit_predict(centres, sample_weight=weights)
    merged: dict[int, list[int]] = {}
    for block, label in zip(blocks, assignment.tolist(), strict=True):
        merged.setdefault(label, []).extend(block)
    return sorted((sorted(b) for b in merged.values()), key=lambda b: b[0])


def _average_linkage(matrix: Any, blocks: list[list[int]], min_similarity: float) -> list[int]:
    """Average linkage (cosine) of proposals starting from ``blocks``; a label per block.

    For unit vectors the mean pairwise cosine between two sets is ``sum(A)·sum(B)/(|A||B|)``,
    so blocks need only their sum vectors: the linkage is exact over the proposals, whatever
    the blocks. Merging stops when no two clusters have a mean similarity of
    ``min_similarity`` or more. Ties go to the lowest indices (deterministic).
    """
    import numpy as np
    from scipy import sparse

    m = len(blocks)
    if m == 0:
        return []
    rows = [i for b in blocks for i in b]
    owner = [k for k, b in enumerate(blocks) for _ in b]
    pick = sparse.csr_matrix((np.ones(len(rows)), (owner, rows)), shape=(m, matrix.shape[0]))
    sums = (pick @ matrix).tocsr()
    sizes = np.array([len(b) for b in blocks], dtype=np.float64)
    sim = (sums @ sums.T).toarray() if sparse.issparse(sums) else sums @ sums.T
    sim = np.asarray(sim, dtype=np.float64) / np.outer(sizes, sizes)
    np.fill_diagonal(sim, -np.inf)
    parent = list(range(m))
    if m > 1:
        best = np.argmax(sim, axis=1)
        best_value = sim[np.arange(m), best]
        while True:
            i = int(np.argmax(best_value))
            if best_value[i] < min_similarity:
                break
            a, b = sorted((i, int(best[i])))
            row = (sizes[a] * sim[a] + sizes[b] * sim[b]) / (sizes[a] + sizes[b])
            row[a] = row[b] = -np.inf
            sim[a, :] = row
            sim[:, a] = row
            sim[b, :] = -np.inf
            sim[:, b] = -np.inf
            sizes[a] += sizes[b]
            parent[b] = a
            best_value[b] = -np.inf
            stale = np.flatnonzero((best == a) | (best == b))
            for r in [*stale.tolist(), a]:
                if r == b:
                    continue
                best[r] = int(np.argmax(sim[r]))
                best_value[r] = sim[r, best[r]]
            better = np.flatnonzero(row > best_value)
            best[better] = a
            best_value[better] = row[better]
    roots: dict[int, int] = {}
    labels = []
    for k in range(m):
        r = k
        while parent[r] != r:
            r = parent[r]
        labels.append(roots.setdefault(r, len(roots)))
    return labels


# --- groups -------------------------------------------------------------------------------


def group_proposals(proposals: Sequence[Proposal], *, max_quotes: int = 3) -> Grouping:
    """Group proposals by topic; deterministic whatever the input order (see the module doc)."""
    return _group(proposals, max_quotes=max_quotes)


def _group(
    proposals: Sequence[Proposal],
    *,
    max_quotes: int = 3,
    options: _Options = DEFAULT_OPTIONS,
    force_large: bool = False,
) -> Grouping:
    items = sorted(proposals, key=lambda p: (p.reference, p.text, p.author or ""))
    if len(items) < 2:
        return Grouping(groups=(), ungrouped=tuple(p.reference for p in items))
    terms = _terms([p.text for p in items], options)
    # A text with no content word ("-", "?", "n/a", digits) joins no group; with fewer than two
    # texts left there is nothing to group (and no vocabulary to build).
    wordless = [p.reference for p, t in zip(items, terms, strict=True) if not t]
    if wordless:
        kept = [(p, t) for p, t in zip(items, terms, strict=True) if t]
        items, terms = [p for p, _ in kept], [t for _, t in kept]
    if len(items) < 2:
        return Grouping(
            groups=(), ungrouped=tuple(sorted([*wordless, *(p.reference for p in items)]))
        )
    features = _Features(terms, [_surface(p.text, options) for p in items], options)
    labels, duplicate_of = _cluster(features, options, force_large=force_large)
    by_label: dict[int, list[int]] = {}
    for i, label in enumerate(labels):
        by_label.setdefault(label, []).append(i)
    groups: list[ProposalGroup] = []
    ungrouped: list[str] = []
    matrix = None
    for label in sorted(by_label):
        members = by_label[label]
        if len(members) < 2:
            ungrouped.extend(items[i].reference for i in members)
            continue
        if matrix is None:
            matrix = features.combined()
        groups.append(_make_group(items, members, features, matrix, duplicate_of, max_quotes))
    groups.sort(key=lambda g: (-g.size, g.terms, g.members))
    return Grouping(groups=tuple(groups), ungrouped=tuple(sorted([*ungrouped, *wordless])))


def _authors(items: Sequence[Proposal], indices: Sequence[int]) -> int:
    named = {items[i].author for i in indices if items[i].author is not None}
    return len(named) + sum(1 for i in indices if items[i].author is None)


def _make_group(
    items: Sequence[Proposal],
    members: list[int],
    features: _Features,
    matrix: Any,
    duplicate_of: list[int],
    max_quotes: int,
) -> ProposalGroup:
    import numpy as np

    rows = matrix[members]
    centroid = np.asarray(rows.mean(axis=0)).ravel()
    closeness = np.asarray(rows @ centroid).ravel()
    order = sorted(
        range(len(members)),
        key=lambda k: (-round(float(closeness[k]), 9), items[members[k]].reference),
    )
    quotes: list[Quote] = []
    seen: set[int] = set()
    for k in order:
        if len(quotes) >= max_quotes:
            break
        i = members[k]
        dup = duplicate_of[i]
        if dup in seen:
            continue
        seen.add(dup)
        copies = [j for j in members if duplicate_of[j] == dup]
        quotes.append(
            Quote(
                reference=items[i].reference,
                text=items[i].text,
                repeated_by=_authors(items, copies),
            )
        )
    return ProposalGroup(
        terms=_label(members, features),
        members=tuple(sorted(items[i].reference for i in members)),
        quotes=tuple(quotes),
        authors=_authors(items, members),
    )


def _label(members: list[int], features: _Features, most: int = 4) -> tuple[str, ...]:
    """2-4 terms: share of the group's proposals holding the term × its IDF over the whole set.

    Terms held by at least two proposals first (the weakest kept only above half the best
    score); completed to two with the next best terms if the group shares fewer.
    """
    counts: dict[str, int] = {}
    for i in members:
        for term in set(features.terms[i]):
            counts[term] = counts.get(term, 0) + 1
    size = len(members)
    ranked = sorted(
        (
            (-round((count / size) * features.idf[term], 9), term, count)
            for term, count in counts.items()
        )
    )
    shared = [(-score, term) for score, term, count in ranked if count >= 2]
    chosen = [term for score, term in shared[:most] if score >= shared[0][0] / 2] if shared else []
    for _, term, _ in ranked:
        if len(chosen) >= 2:
            break
        if term not in chosen:
            chosen.append(term)
    return tuple(chosen)
