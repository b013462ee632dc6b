"""Synthetic datasets I-IV of Liu & Gifford, section 3, with their ground truth.

Every dataset is 200 bp of uniform random background (A, C, G, T with probability 1/4) into
which short patterns are planted at random, non-overlapping positions (one copy per planted
pattern, at least one background base between two planted copies). Two label modes
(:data:`LABEL_MODES`, config key ``synthetic.labels``):

- ``"planted"`` (the paper's): labels are the rule applied to what was planted; chance copies
  of a pattern in the background stay, so a few percent of sequences hold a pattern their
  label ignores (counted by :func:`label_noise`).
- ``"exact"``: labels are a function of which patterns a sequence *really* contains; to make
  "planted" and "contained" the same thing the background is purged of accidental copies:
  after planting, every occurrence of one of the dataset's patterns that is not a planted copy
  (forward strand, the strand the CNN reads and the patterns are planted on) has its
  background bases redrawn, until no accidental copy is left.

In both modes the 4-mers GATA and TCAT of dataset IV are purged. About half of all uniform
200 bp sequences contain GATA by chance, so keeping chance copies would make "class 3 = GATA +
TCAT" indistinguishable from background (the paper's AUC of 0.979 for that class rules this
out); the background of dataset IV is therefore free of GATA and TCAT except where they are
planted (the only bias this adds to the background in "planted" mode: those two 4-mers never
occur by chance).

:func:`scan_presence` is the independent check: in ``"exact"`` mode labels recomputed from a
scan of the stored sequences equal the stored labels (tested for every sequence); in
``"planted"`` mode :func:`label_noise` reports how often they differ.

Datasets (class names are the logic they encode):

- I: CGCTTG and CAGATG, each planted with probability ``pattern_probability``; 1 class, label 1
  iff exactly one is present (XOR).
- II: CAGGTC, AGATT, GCTCAT, CGCTTG, CAAGCG, each planted independently; 4 labels (multi-label):
  CAGGTC AND AGATT; AGATT AND GCTCAT; CAGGTC OR GCTCAT; CGCTTG OR CAAGCG.
- III: CGCTTG, CAGGTC, GCTCAT each planted independently in ``n_sequences``; label 1 iff
  CAGGTC AND exactly one of (GCTCAT, CGCTTG); plus ``n_random`` pattern-free sequences
  labelled 0, shuffled in.
- IV: 4 mutually exclusive classes, GATA + CAGATG; TCAT + CAGATG; GATA + TCAT; CGCTTG alone.
  A fraction ``negative_fraction`` of sequences are negatives (all labels 0) holding nothing or
  exactly one of GATA, TCAT, CAGATG (equally likely), so that no single pattern decides a class;
  the rest are split equally among the 4 classes. A sequence's class is the exact set of
  patterns it contains.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from deepresolve.core.files import read_npz, read_tsv
from deepresolve.datasets.sequences import ALPHABET, indices_to_one_hot

MAX_PURGE_ROUNDS = 500
LABEL_MODES = ("exact", "planted")
# In "planted" mode chance copies of patterns this long or longer stay in the background; the
# 4-mers GATA and TCAT of dataset IV are purged in both modes (see the module docstring).
MIN_KEPT_LENGTH = 5


@dataclass(frozen=True)
class DatasetSpec:
    """One synthetic dataset: its patterns, classes and labelling rule.

    Attributes
    ----------
    name: str
        "I", "II", "III" or "IV".
    patterns: tuple of str
        Every pattern the dataset plants (P patterns), in a fixed order.
    class_patterns: dict of str -> tuple of str
        Class name (the logic it encodes) -> the patterns that class depends on.
    rule: callable
        ``present: bool array, shape=(N, P)`` -> ``labels: bool array, shape=(N, C)``.
    """

    name: str
    patterns: tuple[str, ...]
    class_patterns: Mapping[str, tuple[str, ...]]
    rule: Callable[[np.ndarray], np.ndarray] = field(repr=False)

    @property
    def class_names(self) -> list[str]:
        return list(self.class_patterns)

    def labels(self, present: np.ndarray) -> np.ndarray:
        """``present: (N, P) bool`` -> ``labels: (N, C) uint8``."""
        present = np.asarray(present, dtype=bool)
        if present.ndim != 2 or present.shape[1] != len(self.patterns):
            raise ValueError(
                f"dataset {self.name}: expected presence of shape (N, {len(self.patterns)}), "
                f"got {present.shape}"
            )
        return np.asarray(self.rule(present), dtype=np.uint8)


def _columns(present: np.ndarray, spec_patterns: tuple[str, ...], *names: str) -> list:
    return [present[:, spec_patterns.index(name)] for name in names]


_I = ("CGCTTG", "CAGATG")
_II = ("CAGGTC", "AGATT", "GCTCAT", "CGCTTG", "CAAGCG")
_III = ("CGCTTG", "CAGGTC", "GCTCAT")
_IV = ("GATA", "TCAT", "CAGATG", "CGCTTG")


def _rule_I(present):
    a, b = _columns(present, _I, *_I)
    return (a ^ b)[:, None]


def _rule_II(present):
    caggtc, agatt, gctcat, cgcttg, caagcg = _columns(present, _II, *_II)
    return np.stack([caggtc & agatt, agatt & gctcat, caggtc | gctcat, cgcttg | caagcg], axis=1)


def _rule_III(present):
    cgcttg, caggtc, gctcat = _columns(present, _III, *_III)
    return (caggtc & (gctcat ^ cgcttg))[:, None]


_IV_CLASSES = {
    "GATA + CAGATG": ("GATA", "CAGATG"),
    "TCAT + CAGATG": ("TCAT", "CAGATG"),
    "GATA + TCAT": ("GATA", "TCAT"),
    "CGCTTG": ("CGCTTG",),
}


def _exact_set(present: np.ndarray, members: tuple[str, ...]) -> np.ndarray:
    wanted = np.array([p in members for p in _IV])
    return (present == wanted).all(axis=1)


def _rule_IV(present):
    return np.stack([_exact_set(present, members) for members in _IV_CLASSES.values()], axis=1)


DATASETS: dict[str, DatasetSpec] = {
    "I": DatasetSpec("I", _I, {"CGCTTG XOR CAGATG": _I}, _rule_I),
    "II": DatasetSpec(
        "II",
        _II,
        {
            "CAGGTC AND AGATT": ("CAGGTC", "AGATT"),
            "AGATT AND GCTCAT": ("AGATT", "GCTCAT"),
            "CAGGTC OR GCTCAT": ("CAGGTC", "GCTCAT"),
            "CGCTTG OR CAAGCG": ("CGCTTG", "CAAGCG"),
        },
        _rule_II,
    ),
    "III": DatasetSpec(
        "III", _III, {"CAGGTC AND (GCTCAT XOR CGCTTG)": ("CAGGTC", "GCTCAT", "CGCTTG")}, _rule_III
    ),
    "IV": DatasetSpec("IV", _IV, _IV_CLASSES, _rule_IV),
}

# The paper's reported test AUCs (section 3-4), per class in class order.
PAPER_TEST_AUC: dict[str, list[float]] = {
    "I": [0.909],
    "II": [0.991, 0.990, 0.944, 0.972],
    "III": [0.983],
    "IV": [0.968, 0.967, 0.979, 0.994],
}


@dataclass
class SyntheticDataset:
    """A simulated dataset with its ground truth.

    Attributes
    ----------
    x: uint8 array, shape=(N, L, 4)
        One-hot sequences (A, C, G, T).
    y: uint8 array, shape=(N, C)
        Labels, one column per class.
    class_names: list of C str
    patterns: list of P str
    planted: DataFrame
        One row per planted copy: ``sequence`` (0-based row of ``x``), ``pattern``, ``start``
        (0-based position of the first base).
    """

    x: np.ndarray
    y: np.ndarray
    class_names: list[str]
    patterns: list[str]
    planted: pd.DataFrame

    def save(self, npz_path, planted_path) -> None:
        """Write ``x, y, class_names, patterns`` to ``npz_path`` and ``planted`` as TSV."""
        with open(npz_path, "wb") as handle:
            np.savez_compressed(
                handle,
                x=self.x,
                y=self.y,
                class_names=np.array(self.class_names),
                patterns=np.array(self.patterns),
            )
        self.planted.to_csv(planted_path, sep="\t", index=False)

    @classmethod
    def load(cls, npz_path, planted_path=None) -> SyntheticDataset:
        """Read the files of :meth:`save`; a truncated or corrupt one raises
        :class:`deepresolve.core.files.UnreadableFileError`."""
        data = read_npz(npz_path, ["x", "y", "class_names", "patterns"])
        planted = (
            read_tsv(planted_path)
            if planted_path is not None
            else pd.DataFrame(columns=["sequence", "pattern", "start"])
        )
        return cls(
            data["x"], data["y"], data["class_names"].tolist(), data["patterns"].tolist(), planted
        )


def pattern_indices(pattern: str) -> np.ndarray:
    """``"CAGATG"`` -> ``array([1, 0, 2, 0, 3, 2], dtype=int8)`` (A=0, C=1, G=2, T=3)."""
    return np.array([ALPHABET.index(base) for base in pattern], dtype=np.int8)


def find_occurrences(indices: np.ndarray, pattern: str) -> np.ndarray:
    """Where ``pattern`` starts, forward strand.

    ``indices: int array, shape=(N, L)`` -> ``bool array, shape=(N, L - k + 1)``.
    """
    k = len(pattern)
    n_starts = indices.shape[1] - k + 1
    found = np.ones((indices.shape[0], n_starts), dtype=bool)
    for offset, base in enumerate(pattern_indices(pattern)):
        found &= indices[:, offset : offset + n_starts] == base
    return found


def scan_presence(x: np.ndarray, patterns: list[str] | tuple[str, ...]) -> np.ndarray:
    """Which patterns each sequence contains (forward strand, anywhere).

    ``x: (N, L, 4)`` one-hot or ``(N, L)`` base indices -> ``bool array, shape=(N, P)``.
    """
    indices = np.argmax(x, axis=-1) if np.ndim(x) == 3 else np.asarray(x)
    return np.stack([find_occurrences(indices, p).any(axis=1) for p in patterns], axis=1)


def _choose_planted(
    name: str, n: int, settings: Mapping, rng: np.random.Generator
) -> tuple[np.ndarray, int]:
    """Which patterns to plant in each sequence: ``(N, P) bool`` and rows that stay empty."""
    spec = DATASETS[name]
    n_patterns = len(spec.patterns)
    if name in ("I", "II", "III"):
        plant = rng.random((n, n_patterns)) < settings["pattern_probability"]
        n_random = settings.get("n_random", 0)
        return np.concatenate([plant, np.zeros((n_random, n_patterns), bool)]), n_random
    # IV: a class per sequence (or a negative with at most one of GATA, TCAT, CAGATG).
    n_negative = int(round(n * settings["negative_fraction"]))
    members = [set(m) for m in _IV_CLASSES.values()]
    members += [set(), {"GATA"}, {"TCAT"}, {"CAGATG"}]
    choice = np.concatenate(
        [
            rng.integers(0, 4, size=n - n_negative),
            4 + rng.integers(0, 4, size=n_negative),
        ]
    )
    table = np.array([[p in m for p in spec.patterns] for m in members])
    return table[choice], 0


def _place(
    plant: np.ndarray, patterns: tuple[str, ...], length: int, rng: np.random.Generator
) -> tuple[np.ndarray, pd.DataFrame]:
    """Random non-overlapping start positions with at least one base between two copies.

    Returns ``starts: int array, shape=(N, P)`` (-1 where not planted) and the planted table.
    """
    lengths = np.array([len(p) for p in patterns])
    starts = np.full(plant.shape, -1, dtype=np.int64)
    rows = []
    for i in np.flatnonzero(plant.any(axis=1)):
        chosen = np.flatnonzero(plant[i])
        for _attempt in range(1000):
            candidate = rng.integers(0, length - lengths[chosen] + 1)
            order = np.argsort(candidate)
            ends = candidate[order] + lengths[chosen][order]
            if np.all(candidate[order][1:] > ends[:-1]):  # >= 1 free base in between
                break
        else:
            raise RuntimeError(f"could not place {len(chosen)} patterns in {length} bp")
        starts[i, chosen] = candidate
        rows.extend((i, patterns[j], int(s)) for j, s in zip(chosen, candidate, strict=True))
    planted = pd.DataFrame(rows, columns=["sequence", "pattern", "start"])
    return starts, planted


def _purge_accidental(
    indices: np.ndarray,
    starts: np.ndarray,
    patterns: tuple[str, ...],
    fixed: np.ndarray,
    rng: np.random.Generator,
) -> None:
    """Redraw background bases until the only pattern copies left are the planted ones.

    ``indices (N, L)`` is modified in place; ``fixed (N, L)`` marks planted bases (never redrawn).
    """
    length = indices.shape[1]
    for _round in range(MAX_PURGE_ROUNDS):
        redraw = np.zeros(indices.shape, dtype=bool)
        for j, pattern in enumerate(patterns):
            found = find_occurrences(indices, pattern)
            rows = np.flatnonzero(starts[:, j] >= 0)
            found[rows, starts[rows, j]] = False  # the planted copy itself
            k = len(pattern)
            for offset in range(k):
                redraw[:, offset : offset + length - k + 1] |= found
        redraw &= ~fixed
        if not redraw.any():
            return
        indices[redraw] = rng.integers(0, 4, size=int(redraw.sum()), dtype=indices.dtype)
    raise RuntimeError(
        f"accidental pattern copies remain after {MAX_PURGE_ROUNDS} rounds of redrawing; "
        "a pattern may be a substring of another"
    )


def background(
    n: int, length: int, patterns: tuple[str, ...] | list[str], rng: np.random.Generator
) -> np.ndarray:
    """Uniform random sequences free of every pattern: ``int8 array, shape=(n, length)``."""
    indices = rng.integers(0, 4, size=(n, length), dtype=np.int8)
    none = np.full((n, len(patterns)), -1, dtype=np.int64)
    _purge_accidental(indices, none, tuple(patterns), np.zeros(indices.shape, bool), rng)
    return indices


def write_patterns(
    indices: np.ndarray, starts: np.ndarray, patterns: tuple[str, ...] | list[str]
) -> np.ndarray:
    """Write each pattern at its start (``starts: (N, P)``, -1 = not planted) into ``indices
    (N, L)`` in place; returns the planted bases, ``bool array, shape=(N, L)``."""
    fixed = np.zeros(indices.shape, dtype=bool)
    for j, pattern in enumerate(patterns):
        rows = np.flatnonzero(starts[:, j] >= 0)
        for offset, base in enumerate(pattern_indices(pattern)):
            indices[rows, starts[rows, j] + offset] = base
            fixed[rows, starts[rows, j] + offset] = True
    return fixed


def place_patterns(
    plant: np.ndarray, patterns: tuple[str, ...] | list[str], length: int, rng: np.random.Generator
) -> np.ndarray:
    """Random non-overlapping starts (at least one base apart) for the planted patterns.

    ``plant: bool array, shape=(N, P)`` -> ``starts: int array, shape=(N, P)``, -1 where not
    planted.
    """
    return _place(plant, tuple(patterns), length, rng)[0]


def label_noise(dataset: SyntheticDataset, spec: DatasetSpec) -> dict:
    """How often a label disagrees with what its sequence really contains.

    The content labels are ``spec``'s rule applied to :func:`scan_presence` of the stored
    sequences. Returns ``fraction`` (sequences with any class label wrong), ``per_class``
    (class -> fraction of sequences whose label of that class is wrong), and
    ``chance_copies`` (pattern -> fraction of sequences holding it without a planted copy).
    """
    present = scan_presence(dataset.x, dataset.patterns)
    wrong = spec.labels(present) != dataset.y
    planted = np.zeros(present.shape, dtype=bool)
    column = {p: j for j, p in enumerate(dataset.patterns)}
    planted[dataset.planted["sequence"], dataset.planted["pattern"].map(column)] = True
    return {
        "fraction": float(wrong.any(axis=1).mean()),
        "per_class": dict(zip(dataset.class_names, wrong.mean(axis=0).tolist(), strict=True)),
        "chance_copies": dict(
            zip(dataset.patterns, (present & ~planted).mean(axis=0).tolist(), strict=True)
        ),
    }


def replicate_seed(seed: int, replicate: int) -> int:
    """Training and FIM seed of replicate network ``replicate`` (0-based) of a dataset.

    Replicate 0 keeps the config's ``seed``; replicate ``r`` uses ``seed + r``. Simulation and
    the train/validation/test split always use ``seed``, so replicates share their data.
    """
    if replicate < 0:
        raise ValueError(f"replicate: expected >= 0, got {replicate}")
    return int(seed) + int(replicate)


def simulate(
    name: str,
    settings: Mapping,
    *,
    sequence_length: int = 200,
    seed: int = 0,
    labels: str = "exact",
) -> SyntheticDataset:
    """Simulate synthetic dataset ``name`` ("I".."IV") with ``settings`` (its config block).

    ``labels``: ``"exact"`` purges chance pattern copies from the background so that labels
    equal content; ``"planted"`` (the paper's) leaves them, labels follow what was planted.
    ``seed`` together with ``name`` determines every random draw: the same call returns the same
    dataset.
    """
    if name not in DATASETS:
        raise ValueError(f"unknown synthetic dataset {name!r}; known: {sorted(DATASETS)}")
    if labels not in LABEL_MODES:
        raise ValueError(
            f"synthetic.labels: expected one of {LABEL_MODES}, got {labels!r}; set it in the "
            "config's synthetic block"
        )
    spec = DATASETS[name]
    dataset_number = list(DATASETS).index(name)
    rng = np.random.default_rng(np.random.SeedSequence([seed, dataset_number]))
    plant, n_random = _choose_planted(name, settings["n_sequences"], settings, rng)
    n = plant.shape[0]
    indices = rng.integers(0, 4, size=(n, sequence_length), dtype=np.int8)
    starts, planted = _place(plant, spec.patterns, sequence_length, rng)
    fixed = write_patterns(indices, starts, spec.patterns)
    purged = [
        j for j, p in enumerate(spec.patterns) if labels == "exact" or len(p) < MIN_KEPT_LENGTH
    ]
    if purged:
        kept = tuple(spec.patterns[j] for j in purged)
        _purge_accidental(indices, starts[:, purged], kept, fixed, rng)
    y = spec.labels(plant)
    if n_random:  # shuffle the pattern-free sequences in among the others
        order = rng.permutation(n)
        indices, y = indices[order], y[order]
        new_row = np.empty(n, dtype=np.int64)
        new_row[order] = np.arange(n)
        planted["sequence"] = new_row[planted["sequence"].to_numpy()]
        planted = planted.sort_values(["sequence", "start"], ignore_index=True)
    return SyntheticDataset(
        x=indices_to_one_hot(indices),
        y=y,
        class_names=spec.class_names,
        patterns=list(spec.patterns),
        planted=planted,
    )


def class_rates(name: str, settings: Mapping) -> np.ndarray:
    """Expected fraction of sequences labelled 1 in each class of a dataset, from its settings
    (what is planted; chance copies, rare at the paper's sizes, left out).

    Parameters
    ----------
    name : {"I", "II", "III", "IV"}
    settings : mapping
        The dataset's block of the config (``synthetic.<name>``).

    Returns
    -------
    array, shape=(C,)
        In class order; 0 or 1 means the class has one label only.
    """
    spec = DATASETS[name]
    if name == "IV":
        return np.full(len(spec.class_names), (1 - settings["negative_fraction"]) / 4)
    n_patterns = len(spec.patterns)
    combos = np.array(
        [[(i >> j) & 1 for j in range(n_patterns)] for i in range(2**n_patterns)], dtype=bool
    )
    p = settings["pattern_probability"]
    weights = np.prod(np.where(combos, p, 1 - p), axis=1)
    rates = weights @ spec.labels(combos)
    n, n_random = settings["n_sequences"], settings.get("n_random", 0)
    return rates * n / (n + n_random)


def class_problems(name: str, settings: Mapping, test_fraction: float) -> list[str]:
    """One line per class of dataset ``name`` that its settings leave without a positive or a
    negative in the test part (fewer than one expected), naming the key to change."""
    rates = class_rates(name, settings)
    n_test = (settings["n_sequences"] + settings.get("n_random", 0)) * test_fraction
    key = "negative_fraction" if name == "IV" else "pattern_probability"
    problems = []
    for class_name, rate in zip(DATASETS[name].class_names, rates, strict=True):
        for label, count in (("positive", rate * n_test), ("negative", (1 - rate) * n_test)):
            if count < 1:
                problems.append(
                    f"synthetic.{name}.{key} = {settings[key]} leaves class {class_name!r} "
                    f"{count:.2g} expected {label} test sequences (of {n_test:.0f}), so its test "
                    f"AUC is undefined; choose a {key} that gives both labels (e.g. 0.3) or "
                    f"raise synthetic.{name}.n_sequences"
                )
    return problems
