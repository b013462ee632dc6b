"""Convolutional filters as motifs: PWMs, information content, MEME files, k-mer matching
(their logos: :mod:`deepresolve.figures.logos`).

Shapes used throughout:

- ``kernel: array, shape=(width, 4, n_filters)``: the weights of a Keras ``Conv1D`` layer on
  one-hot DNA (input channels in the order A, C, G, T; see :mod:`deepresolve.datasets.sequences`).
- ``pwm: array, shape=(width, 4)`` and ``pwms: array, shape=(n_filters, width, 4)``: position
  weight matrices, one row per position, each row a probability distribution over A, C, G, T.

Filter ``j`` is the neuron ``j`` of the convolutional layer, so the index returned by
:func:`neuron_for_pattern` is the index into a neuron importance vector (NIV / ONIV).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence
from os import PathLike

import numpy as np
import pandas as pd

from deepresolve.datasets.sequences import ALPHABET, encode_indices

# memelite (numba) is imported where used: a process that only writes motif files starts faster

_COMPLEMENT = str.maketrans("ACGTacgt", "TGCAtgca")


def _validate_kernel(kernel: np.ndarray) -> np.ndarray:
    kernel = np.asarray(kernel, dtype=float)
    if kernel.ndim != 3 or kernel.shape[1] != 4:
        raise ValueError(f"kernel: expected shape (width, 4, n_filters), got {kernel.shape}")
    return kernel


def validate_pwms(pwms: np.ndarray) -> np.ndarray:
    """``pwms`` as float ``(n, width, 4)`` (one ``(width, 4)`` PWM: ``n = 1``), or ValueError."""
    pwms = np.asarray(pwms, dtype=float)
    if pwms.ndim == 2:
        pwms = pwms[None]
    if pwms.ndim != 3 or pwms.shape[-1] != 4:
        raise ValueError(f"pwms: expected shape (n_motifs, width, 4), got {pwms.shape}")
    return pwms


def filters_to_pwms(kernel: np.ndarray) -> np.ndarray:
    """Convert convolutional filters into position weight matrices (the paper's rule, §3.1).

    Negative weights are set to 0 and each position (row of the PWM) is rescaled to sum to 1;
    a position whose weights are all <= 0 carries no preference and becomes uniform (0.25 each).

    Parameters
    ----------
    kernel: array, shape=(width, 4, n_filters)
        Conv1D weights on one-hot DNA (A, C, G, T).

    Returns
    -------
    pwms: array, shape=(n_filters, width, 4)
        One PWM per filter, each row summing to 1.
    """
    kernel = _validate_kernel(kernel)
    positive = np.clip(np.transpose(kernel, (2, 0, 1)), 0.0, None)
    totals = positive.sum(axis=-1, keepdims=True)
    uniform = np.full_like(positive, 0.25)
    return np.divide(positive, totals, out=uniform, where=totals > 0)


def information_content(pwm: np.ndarray) -> np.ndarray:
    """Information content of each position against a uniform background, in bits.

    ``IC = 2 + sum_b p_b log2 p_b`` with ``0 log 0 = 0``: 2 bits for a single certain base,
    0 bits for a uniform position.

    Parameters
    ----------
    pwm: array, shape=(..., width, 4)
        One or more PWMs; each row a distribution over A, C, G, T.

    Returns
    -------
    ic: array, shape=(..., width)
        Bits per position, in [0, 2].
    """
    pwm = np.asarray(pwm, dtype=float)
    if pwm.shape[-1] != 4:
        raise ValueError(f"pwm: expected last axis of size 4 (A, C, G, T), got {pwm.shape}")
    plogp = np.where(pwm > 0, pwm * np.log2(np.where(pwm > 0, pwm, 1.0)), 0.0)
    return 2.0 + plogp.sum(axis=-1)


def write_meme(
    path: str | PathLike,
    pwms: np.ndarray,
    names: Sequence[str] | None = None,
    *,
    background: Sequence[float] = (0.25, 0.25, 0.25, 0.25),
    nsites: int | Sequence[int] = 20,
    alt_names: Sequence[str] | None = None,
) -> None:
    """Write PWMs as a MEME minimal motif format file (version 4, DNA, both strands).

    Parameters
    ----------
    path: str or path
        File to write.
    pwms: array, shape=(n_motifs, width, 4), or list of arrays of shape (width_i, 4)
        Probabilities of A, C, G, T per position (e.g. from :func:`filters_to_pwms`).
    names: list of n_motifs str, optional
        Motif identifiers, without whitespace; default ``filter_0``, ``filter_1``, ...
    background: 4 floats
        Background letter frequencies of A, C, G, T.
    nsites: int or list of n_motifs int
        The ``nsites=`` field (one for all motifs, or one per motif); a filter has no sites, so
        this only sets the pseudocount weight that MEME-suite tools (e.g. Tomtom) give the
        matrix; a known motif carries its own count of sites.
    alt_names: list of n_motifs str, optional
        MEME's alternate name after the identifier (``MOTIF MA0139.2 CTCF``).
    """
    if isinstance(pwms, np.ndarray):
        pwms = validate_pwms(pwms)
    else:  # motifs of different widths, e.g. known motifs
        pwms = [validate_pwms(pwm)[0] for pwm in pwms]
    if names is None:
        names = [f"filter_{i}" for i in range(len(pwms))]
    names = list(names)
    if len(names) != len(pwms):
        raise ValueError(f"names: got {len(names)} names for {len(pwms)} motifs")
    for name in names:
        if not name or len(name.split()) != 1:
            raise ValueError(f"names: motif name {name!r} must be one word without whitespace")
    background = [float(b) for b in background]
    if len(background) != 4 or not np.isclose(sum(background), 1.0):
        raise ValueError(f"background: expected 4 frequencies summing to 1, got {background}")

    lines = [
        "MEME version 4",
        "",
        f"ALPHABET= {ALPHABET}",
        "",
        "strands: + -",
        "",
        "Background letter frequencies",
        " ".join(
            f"{base} {meme_number(freq)}" for base, freq in zip(ALPHABET, background, strict=True)
        ),
        "",
    ]
    sites = [nsites] * len(pwms) if np.isscalar(nsites) else list(nsites)
    if len(sites) != len(pwms):
        raise ValueError(f"nsites: got {len(sites)} values for {len(pwms)} motifs")
    headers = (
        names if alt_names is None else [f"{n} {a}" for n, a in zip(names, alt_names, strict=True)]
    )
    for header, pwm, n in zip(headers, pwms, sites, strict=True):
        lines.append(f"MOTIF {header}")
        lines.append(f"letter-probability matrix: alength= 4 w= {len(pwm)} nsites= {n} E= 0")
        lines.extend(meme_rows(pwm))
        lines.append("")
    with open(path, "w") as handle:
        handle.write("\n".join(lines))


def meme_number(value: float) -> str:
    """The shortest decimal that reads back as the same double (``repr``: ``0.25``, ``1e-07``,
    ``0.30000000000000004``).

    MEME's parser reads any decimal or exponent (``NUM_RE`` in ``regex-utils.h``, then
    ``strtod``), so a file written this way gives MEME's tools the very numbers that
    in-memory code (the memelite engine) compares. With 6 decimals instead, as MEME writes its
    own files, 13 of the 6,752 Table 1 (filter, known motif) p-values of MEME's tomtom differed
    by up to 1.6e-3 in log10 from memelite's on the same matrices
    (``benchmarks/meme_parity.py``).
    """
    return repr(float(value))


def meme_rows(pwm: np.ndarray) -> list[str]:
    """The lines of a MEME ``letter-probability matrix``, one per position, full precision
    (:func:`meme_number`).

    Parameters
    ----------
    pwm: array, shape=(width, 4)

    Returns
    -------
    lines: list of width str
    """
    return [" ".join(meme_number(p) for p in row) for row in pwm]


def read_meme(path: str | PathLike) -> dict[str, np.ndarray]:
    """Read a MEME motif file with ``memelite``.

    Returns
    -------
    pwms: dict of str -> array, shape=(width, 4)
        Motif name (the rest of its ``MOTIF`` line) -> probabilities of A, C, G, T per position.
    """
    import memelite.io

    return {name: pwm.T for name, pwm in memelite.io.read_meme(str(path)).items()}


def _reverse_complement(pattern: str) -> str:
    return pattern.translate(_COMPLEMENT)[::-1]


def _alignment_scores(kernel: np.ndarray, pattern: str, min_overlap: int) -> tuple:
    """Scores of ``pattern`` against every filter at every allowed offset.

    Returns ``offsets: shape=(n_offsets,)`` and ``scores: shape=(n_offsets, n_filters)``.
    """
    width = kernel.shape[0]
    codes = encode_indices(pattern, name="pattern")
    k = len(codes)
    offsets = np.arange(min_overlap - k, width - min_overlap + 1)
    scores = np.zeros((len(offsets), kernel.shape[2]))
    for i, offset in enumerate(offsets):
        positions = offset + np.arange(k)
        inside = (positions >= 0) & (positions < width)
        scores[i] = kernel[positions[inside], codes[inside]].sum(axis=0)
    return offsets, scores


def match_pattern_to_filters(
    kernel: np.ndarray,
    pattern: str,
    *,
    reverse_complement: bool = False,
    min_overlap: int | None = None,
) -> pd.DataFrame:
    """Rank filters by how well a planted k-mer aligns with their weights.

    The score of an alignment is the sum of the kernel weights of the k-mer's bases at the
    positions it covers: the filter's pre-activation (without bias) on that k-mer placed at
    that offset in otherwise-zero input. A filter's score is its best alignment.

    Offsets: by default the shorter of (k-mer, filter) must lie completely inside the longer
    one, i.e. the whole k-mer is covered when ``k <= width`` and the whole filter when
    ``k > width``; partial overlap at the ends is only used when ``min_overlap`` is lowered
    below ``min(k, width)`` (useful when a filter has learned a shifted motif).

    Parameters
    ----------
    kernel: array, shape=(width, 4, n_filters)
        Conv1D weights on one-hot DNA (A, C, G, T).
    pattern: str
        The k-mer, over A, C, G, T.
    reverse_complement: bool
        Also align the reverse complement and keep the better strand per filter.
    min_overlap: int, optional
        Fewest aligned positions; default ``min(k, width)`` (full containment).

    Returns
    -------
    ranking: DataFrame, one row per filter, best first, with columns
        ``rank`` (1 = best), ``filter`` (neuron index), ``score`` (best summed weight),
        ``offset`` (filter position of the k-mer's first base; negative when the k-mer starts
        before the filter), ``strand`` ('+' or '-'), ``max_score`` (the largest sum any k-mer
        could reach over the same aligned positions) and ``relative_score`` (score / max_score,
        1 = the k-mer is the filter's consensus there).
    """
    kernel = _validate_kernel(kernel)
    width, _, n_filters = kernel.shape
    pattern = pattern.upper()
    full = min(len(pattern), width)
    min_overlap = full if min_overlap is None else int(min_overlap)
    if not 1 <= min_overlap <= full:
        raise ValueError(f"min_overlap: expected 1..{full}, got {min_overlap}")

    strands = {"+": pattern}
    if reverse_complement:
        strands["-"] = _reverse_complement(pattern)
    best_score = np.full(n_filters, -np.inf)
    best_offset = np.zeros(n_filters, dtype=int)
    best_strand = np.full(n_filters, "+", dtype=object)
    for strand, kmer in strands.items():
        offsets, scores = _alignment_scores(kernel, kmer, min_overlap)
        top = scores.argmax(axis=0)
        better = scores[top, np.arange(n_filters)] > best_score
        best_score[better] = scores[top, np.arange(n_filters)][better]
        best_offset[better] = offsets[top][better]
        best_strand[better] = strand

    column_max = kernel.max(axis=1)  # (width, n_filters)
    max_score = np.empty(n_filters)
    for j in range(n_filters):
        positions = best_offset[j] + np.arange(len(pattern))
        positions = positions[(positions >= 0) & (positions < width)]
        max_score[j] = column_max[positions, j].sum()
    relative = np.divide(best_score, max_score, out=np.full(n_filters, np.nan), where=max_score > 0)
    ranking = pd.DataFrame(
        {
            "filter": np.arange(n_filters),
            "score": best_score,
            "offset": best_offset,
            "strand": best_strand.astype(str),
            "max_score": max_score,
            "relative_score": relative,
        }
    )
    ranking = ranking.sort_values("score", ascending=False, kind="stable").reset_index(drop=True)
    ranking.insert(0, "rank", np.arange(1, n_filters + 1))
    return ranking


def neuron_for_pattern(kernel: np.ndarray, pattern: str, **kwargs) -> int:
    """Index of the filter (neuron) that best captures ``pattern``.

    ``kernel: array, shape=(width, 4, n_filters)``; keyword arguments go to
    :func:`match_pattern_to_filters`.
    """
    return int(match_pattern_to_filters(kernel, pattern, **kwargs)["filter"].iloc[0])


def assign_patterns(
    kernel: np.ndarray,
    patterns: Iterable[str],
    *,
    distinct: bool = False,
    **kwargs,
) -> dict[str, int]:
    """Map each planted pattern to the filter (neuron) that captures it.

    Each pattern gets its best filter by :func:`match_pattern_to_filters`. Patterns that pick
    the same filter keep that filter, and a ``UserWarning`` names them (a network may
    genuinely learn two similar k-mers in one filter). With ``distinct=True`` the patterns
    are instead given different filters, maximising the total score (Hungarian assignment).

    Parameters
    ----------
    kernel: array, shape=(width, 4, n_filters)
    patterns: iterable of str
    distinct: bool
        Force one filter per pattern.
    **kwargs
        Passed to :func:`match_pattern_to_filters` (``reverse_complement``, ``min_overlap``).

    Returns
    -------
    pattern_neurons: dict of str -> int
        Pattern -> filter index, in the order given.
    """
    kernel = _validate_kernel(kernel)
    patterns = list(dict.fromkeys(patterns))
    scores = np.empty((len(patterns), kernel.shape[2]))
    for i, pattern in enumerate(patterns):
        ranking = match_pattern_to_filters(kernel, pattern, **kwargs)
        scores[i, ranking["filter"].to_numpy()] = ranking["score"].to_numpy()
    if distinct:
        if len(patterns) > kernel.shape[2]:
            raise ValueError(
                f"{len(patterns)} patterns cannot get distinct filters out of {kernel.shape[2]}"
            )
        from scipy.optimize import linear_sum_assignment

        rows, cols = linear_sum_assignment(scores, maximize=True)
        return {patterns[r]: int(c) for r, c in zip(rows, cols, strict=True)}
    assignment = {pattern: int(scores[i].argmax()) for i, pattern in enumerate(patterns)}
    _warn_shared_filters(assignment)
    return assignment


def _warn_shared_filters(assignment: Mapping[str, int]) -> None:
    by_filter: dict[int, list[str]] = {}
    for pattern, neuron in assignment.items():
        by_filter.setdefault(neuron, []).append(pattern)
    for neuron, shared in by_filter.items():
        if len(shared) > 1:
            warnings.warn(
                f"patterns {', '.join(shared)} are all best captured by filter {neuron}",
                UserWarning,
                stacklevel=3,
            )


def pattern_filter_sets(
    kernel: np.ndarray, patterns: Iterable[str], fraction: float, **kwargs
) -> dict[str, list[int]]:
    """Every filter (neuron) that captures each planted pattern, read from the filter weights.

    A filter captures a pattern when its best alignment score for the pattern
    (:func:`match_pattern_to_filters`: the filter's pre-activation, without bias, on the k-mer)
    is positive and at least ``fraction`` times the best filter's score for that pattern. The
    best filter (the one :func:`assign_patterns` gives) is always in the set; a filter can be in
    the sets of two patterns.

    Parameters
    ----------
    kernel: array, shape=(width, 4, n_filters)
    patterns: iterable of str
    fraction: float
        In (0, 1]; 1 keeps the best filter only (ties aside).
    **kwargs
        Passed to :func:`match_pattern_to_filters`.

    Returns
    -------
    filter_sets: dict of str -> list of int
        Pattern -> filter indices, best first.
    """
    if not 0 < fraction <= 1:
        raise ValueError(f"fraction: expected a value in (0, 1], got {fraction}")
    sets = {}
    for pattern in dict.fromkeys(patterns):
        ranking = match_pattern_to_filters(kernel, pattern, **kwargs)
        best = ranking["score"].iloc[0]
        keep = (ranking["score"] >= fraction * best) & (ranking["score"] > 0)
        keep.iloc[0] = True
        sets[pattern] = [int(f) for f in ranking.loc[keep, "filter"]]
    return sets
