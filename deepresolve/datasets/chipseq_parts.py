"""An experiment's labelled sequences and their train/validation/test parts, without
TensorFlow (rule ``chipseq_sequences`` imports only this).

Shapes: ``X: (n, length, 4)`` one-hot A, C, G, T; ``labels: (n,)`` 1 = bound (peak), 0 =
unbound (shuffled); ``part: (n,)`` 0 = train, 1 = validation, 2 = test. Positives-only sets get
one dinucleotide-shuffled negative per positive (:func:`with_shuffled_negatives`); parts are
drawn by pairs (a peak and its shuffle, :func:`pair_groups`), never splitting one.
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields

import numpy as np

from deepresolve.core.files import atomic_write, read_npz
from deepresolve.datasets.shuffle import dinucleotide_shuffle
from deepresolve.datasets.splits import Split
from deepresolve.datasets.zeng import ZengSequences

log = logging.getLogger(__name__)

TRAIN, VALIDATION, TEST = 0, 1, 2
PART_NAMES = {TRAIN: "train", VALIDATION: "validation", TEST: "test"}
#: id suffixes that pair a peak with its shuffle (Zeng: ``<id>`` / ``<id>_shuf``; DeepBind:
#: ``seq_N_peak`` / ``seq_N_shuf``); a pair always lands in one part
PAIR_SUFFIXES = ("_shuf", "_peak")


class PartStore:
    """The ``.npz`` store of sequences with their parts, shared by :class:`ExperimentSequences`
    and :class:`deepresolve.analyses.multitask.MultitaskData`: every dataclass field is an array of
    the file under the field's name (a list of str as a string array), written atomically."""

    def save(self, path: str | os.PathLike) -> None:
        """Write ``.npz`` atomically (temporary file in the same folder, renamed)."""
        arrays = {
            f.name: np.array(value) if isinstance(value, list) else value
            for f in fields(self)
            for value in [getattr(self, f.name)]
        }
        with atomic_write(path, "wb") as stream:
            np.savez_compressed(stream, **arrays)

    @classmethod
    def load(cls, path: str | os.PathLike):
        """Read a file of :meth:`save`; a truncated or corrupt one raises
        :class:`deepresolve.core.files.UnreadableFileError`."""
        names = [f.name for f in fields(cls)]
        data = read_npz(path, names)
        return cls(**{n: data[n].tolist() if data[n].dtype.kind == "U" else data[n] for n in names})


@dataclass
class ExperimentSequences(PartStore):
    """Labelled sequences of one experiment and the part each belongs to.

    Attributes
    ----------
    ids : list of str
    X : ndarray, shape=(n, length, 4)
        One-hot (uint8), or float32 where N was encoded as 0.25.
    labels : ndarray, shape=(n,), int64
    part : ndarray, shape=(n,), int8
        :data:`TRAIN`, :data:`VALIDATION` or :data:`TEST`.
    """

    ids: list[str]
    X: np.ndarray
    labels: np.ndarray
    part: np.ndarray

    def split(self) -> Split:
        """Row indices of the three parts (:class:`deepresolve.datasets.splits.Split`)."""
        return Split(*(np.flatnonzero(self.part == p) for p in (TRAIN, VALIDATION, TEST)))


def assign_parts(
    sets: Mapping[str, ZengSequences],
    *,
    validation_fraction: float,
    test_fraction: float,
    seed: int,
) -> ExperimentSequences:
    """Join the given sequence sets and assign every sequence a part.

    ``sets`` holds ``train`` and optionally ``validation`` and ``test`` (e.g. the Zeng files
    ``train.data`` / ``test.data``). A set given as ``test`` alone (no ``train``) is all test:
    enough for a published model, not for training. Missing parts are drawn at random from
    ``train`` (``test_fraction`` first, then ``validation_fraction`` of all train rows), seeded.
    """
    unknown = set(sets) - {"train", "validation", "test"}
    if unknown or not sets:
        raise ValueError(f"sequence sets: expected train/validation/test, got {sorted(sets)}")
    lengths = {name: s.X.shape[1] for name, s in sets.items() if len(s.ids)}
    if len(set(lengths.values())) > 1:
        raise ValueError(f"sequence sets of different lengths: {lengths}")
    rng = np.random.default_rng(np.random.SeedSequence([seed, 2]))
    parts = []
    for name, code in (("train", TRAIN), ("validation", VALIDATION), ("test", TEST)):
        if name in sets:
            parts.append(np.full(len(sets[name].ids), code, dtype=np.int8))
    part = np.concatenate(parts)
    if "train" in sets:
        # draw pairs (a peak and its shuffle), not rows: both always land in one part
        groups, first = pair_groups(sets["train"].ids)
        order = rng.permutation(len(first))
        n_test = 0 if "test" in sets else int(round(len(order) * test_fraction))
        drawn = np.zeros(len(first), dtype=np.int8)
        drawn[order[:n_test]] = TEST
        if "validation" not in sets:
            n_validation = int(round(len(order) * validation_fraction))
            drawn[order[n_test : n_test + n_validation]] = VALIDATION
        part[: len(groups)] = drawn[groups]
    ordered = [sets[name] for name in ("train", "validation", "test") if name in sets]
    ids = [i for s in ordered for i in s.ids]
    repeated = [i for i, count in Counter(ids).items() if count > 1]
    if repeated:
        raise ValueError(f"sequence id {repeated[0]!r} occurs in more than one set (or twice)")
    X = np.concatenate([s.X for s in ordered])
    labels = np.concatenate([np.asarray(s.labels, dtype=np.int64) for s in ordered])
    return ExperimentSequences(ids=ids, X=X, labels=labels, part=part)


def pair_groups(ids: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Group ids that differ only by a suffix of :data:`PAIR_SUFFIXES` (a peak, its shuffle).

    Returns ``(groups, first)``: ``groups: array, shape=(n,)`` the group of each id, numbered
    in order of first appearance; ``first: array, shape=(n_groups,)`` each group's first row.
    """
    keys = [_pair_key(i) for i in ids]
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    # renumber by first appearance, so the numbering does not depend on how ids sort
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(len(first))
    return rank[inverse], np.sort(first)


def _pair_key(seq_id: str) -> str:
    # "x_peak_shuf" (a shuffle made here of DeepBind's peak "x_peak") -> "x", like "x_shuf"
    for suffix in PAIR_SUFFIXES:
        seq_id = seq_id.removesuffix(suffix)
    return seq_id


def with_shuffled_negatives(sequences: ZengSequences, *, seed: int, source: str) -> ZengSequences:
    """A set of positives only gets one dinucleotide-shuffled negative per positive.

    The shuffles (:func:`deepresolve.datasets.shuffle.dinucleotide_shuffle`, seeded) follow the
    positives, with ids ``<id>_shuf`` and label 0, as rule ``chipseq_sequences`` makes them
    for peaks. A set with both labels is returned as it is.

    Raises
    ------
    ValueError
        Every label is 0 (``source`` names the file): there is nothing to learn from.
    """
    labels = np.asarray(sequences.labels)
    if labels.size and (labels == 0).all():
        raise ValueError(
            f"{source}: all {labels.size} sequences are labelled 0 (unbound), none bound; give "
            "the file of bound sequences (peaks), alone or with negatives"
        )
    if labels.size == 0 or (labels == 0).any():
        return sequences
    shuffles = dinucleotide_shuffle(np.asarray(sequences.X), seed=seed)
    log.info("%s: positives only; %d dinucleotide-shuffled negatives added", source, len(labels))
    return ZengSequences(
        list(sequences.ids) + [f"{i}_shuf" for i in sequences.ids],
        np.concatenate([sequences.X, shuffles]),
        np.concatenate([labels, np.zeros_like(labels)]),
    )


def cap_positives(sequences: ZengSequences, max_positives: int | None, *, seed: int):
    """At most ``max_positives`` positives (with their shuffles), a seeded sample in file order.

    Negatives without a positive in their pair are kept in the same proportion. ``None``, or
    no more positives than that, returns ``sequences`` unchanged.
    """
    labels = np.asarray(sequences.labels)
    groups, first = pair_groups(list(sequences.ids))
    positive = np.zeros(len(first), dtype=bool)
    positive[groups[labels == 1]] = True
    n_positive = int(positive.sum())
    if max_positives is None or n_positive <= max_positives:
        return sequences
    rng = np.random.default_rng(np.random.SeedSequence([seed, 4]))
    keep = np.zeros(len(first), dtype=bool)
    keep[rng.choice(np.flatnonzero(positive), max_positives, replace=False)] = True
    others = np.flatnonzero(~positive)
    n_others = int(round(len(others) * max_positives / n_positive))
    keep[rng.choice(others, n_others, replace=False)] = True
    rows = np.flatnonzero(keep[groups])
    log.info(
        "kept %d of %d positives (max_positives), %d rows", max_positives, n_positive, len(rows)
    )
    return ZengSequences([sequences.ids[r] for r in rows], sequences.X[rows], labels[rows])


def check_parts(experiment: str, sequences: ExperimentSequences, needed: Iterable[int]) -> None:
    """Each part of ``needed`` must hold both labels; raise ``ValueError`` saying which not.

    ``needed``: :data:`TRAIN`, :data:`VALIDATION`, :data:`TEST` codes (a published model needs
    the test part only).
    """
    for code in needed:
        labels = sequences.labels[sequences.part == code]
        counts = {label: int((labels == label).sum()) for label in (0, 1)}
        if labels.size == 0 or min(counts.values()) == 0:
            raise ValueError(
                f"experiment {experiment}: the {PART_NAMES[code]} part holds "
                f"{counts[1]} bound and {counts[0]} unbound sequences; it needs both. Give "
                f"that part's file with both labels, or positives only (shuffled negatives "
                "are then added), or more sequences to draw it from"
            )


def prepare_sequences(
    sets: Mapping[str, ZengSequences],
    *,
    origin: Mapping[str, str],
    max_positives: int | None,
    validation_fraction: float,
    test_fraction: float,
    seed: int,
) -> ExperimentSequences:
    """An experiment's sequences from its sets: negatives for positives-only sets, the train
    set capped, then the parts (:func:`assign_parts`).

    Parameters
    ----------
    sets : mapping
        ``train`` / ``validation`` / ``test`` -> sequences as read.
    origin : mapping
        The same keys -> the file each set comes from (named in messages).
    max_positives : int or None
        Cap of the train set's positives (:func:`cap_positives`).
    validation_fraction, test_fraction, seed
        As for :func:`assign_parts`; each set's shuffles get their own seed from ``seed``.
    """
    ready = {}
    for index, part in enumerate(("train", "validation", "test")):
        if part not in sets:
            continue
        part_seed = int(np.random.SeedSequence([seed, 3, index]).generate_state(1)[0])
        ready[part] = with_shuffled_negatives(
            sets[part], seed=part_seed, source=str(origin.get(part, part))
        )
    if "train" in ready:
        ready["train"] = cap_positives(ready["train"], max_positives, seed=seed)
    return assign_parts(
        ready,
        validation_fraction=validation_fraction,
        test_fraction=test_fraction,
        seed=seed,
    )
