"""A ChIP-seq experiment from peaks: summit-centred windows of a genome plus shuffled negatives.

The design of Zeng et al. (2016), which the published DeepResolve models were trained on:
every peak of an ENCODE narrowPeak file (e.g. the ``wgEncodeAwgTfbs*UniPk`` uniform peaks of
hg19) gives one positive, the ``length`` bp window centred on its summit, and one negative, a
dinucleotide shuffle of that window (:func:`deepresolve.datasets.shuffle.dinucleotide_shuffle`)
whose id
ends in ``_shuf``. Windows are 101 bp for the published models and 200 bp in the paper's text.

Coordinates: narrowPeak and :class:`~deepresolve.datasets.fasta.IndexedFasta` are 0-based, end
exclusive; the ids are ``chrom:first-last``, 1-based and inclusive like ``samtools faidx``
regions and like the Zeng files' ids (``chr20:42901189-42901289`` is 101 bp). The summit sits at
index ``length // 2`` of its window (the centre for odd lengths).

Typical use::

    experiment = build_experiment("peaks.narrowPeak.gz", "hg19.fa", length=101, seed=0)
    write_zeng("data/train.data", experiment["id"], experiment["sequence"], experiment["label"])
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import numpy as np
import pandas as pd

from deepresolve.core.files import read_lines
from deepresolve.datasets.fasta import IndexedFasta
from deepresolve.datasets.shuffle import dinucleotide_shuffle
from deepresolve.datasets.zeng import check_letters

log = logging.getLogger("deepresolve.datasets.peaks")

NARROWPEAK_COLUMNS = (
    "chrom",
    "start",
    "end",
    "name",
    "score",
    "strand",
    "signal_value",
    "p_value",
    "q_value",
    "peak",
)
PEAK_N_POLICIES = ("error", "drop", "uniform")


def read_narrowpeak(path: str | os.PathLike) -> pd.DataFrame:
    """Read an ENCODE narrowPeak file (BED6+4; plain or gzip-compressed).

    Lines starting with ``#``, ``track`` or ``browser`` and blank lines are skipped.

    Parameters
    ----------
    path : path
        narrowPeak file: chrom, start, end (0-based, end exclusive), name, score, strand,
        signalValue, pValue, qValue, peak (summit offset from start in bp, -1 if none).

    Returns
    -------
    pandas.DataFrame
        One row per peak, columns :data:`NARROWPEAK_COLUMNS` plus ``line`` (1-based line
        number in the file); ``start``, ``end``, ``peak``, ``line`` are ``int64``,
        ``score`` and the three statistics ``float64``.

    Raises
    ------
    ValueError
        Naming the file and line: not 10 columns, a coordinate that is not an integer,
        ``start < 0`` or ``end <= start``, a summit offset outside the peak, a statistic that is
        not a number; or no peaks at all.
    """
    path = Path(path)
    rows = []
    for lineno, line in enumerate(read_lines(path), start=1):
        if not line or line.startswith(("#", "track", "browser")):
            continue
        where = f"{path}, line {lineno}"
        fields = line.split("\t") if "\t" in line else line.split()
        if len(fields) != 10:
            raise ValueError(
                f"{where}: {len(fields)} columns, a narrowPeak line has 10 (chrom, start, end, "
                f"name, score, strand, signalValue, pValue, qValue, peak): {line[:80]!r}"
            )
        try:
            start, end, peak = int(fields[1]), int(fields[2]), int(fields[9])
        except ValueError:
            raise ValueError(
                f"{where}: start, end and peak (columns 2, 3, 10) must be integers: "
                f"{fields[1]!r}, {fields[2]!r}, {fields[9]!r}"
            ) from None
        try:
            stats = [float(fields[i]) for i in (4, 6, 7, 8)]
        except ValueError:
            raise ValueError(
                f"{where}: score, signalValue, pValue and qValue (columns 5, 7-9) must be "
                f"numbers: {fields[4]!r}, {fields[6]!r}, {fields[7]!r}, {fields[8]!r}"
            ) from None
        if start < 0 or end <= start:
            raise ValueError(f"{where}: peak {start}-{end} needs 0 <= start < end")
        if peak != -1 and not 0 <= peak < end - start:
            raise ValueError(
                f"{where}: summit offset {peak} (column 10) is outside the {end - start} bp "
                "peak; expected 0 <= peak < end - start, or -1 for none"
            )
        rows.append(
            (fields[0], start, end, fields[3], stats[0], fields[5], *stats[1:], peak, lineno)
        )
    if not rows:
        raise ValueError(f"{path}: no peaks (empty file)")
    peaks = pd.DataFrame(rows, columns=[*NARROWPEAK_COLUMNS, "line"])
    return peaks.astype({"start": "int64", "end": "int64", "peak": "int64", "line": "int64"})


def summit_windows(peaks: pd.DataFrame, length: int) -> pd.DataFrame:
    """Windows of ``length`` bp centred on each peak's summit.

    Parameters
    ----------
    peaks : pandas.DataFrame
        From :func:`read_narrowpeak` (columns ``chrom``, ``start``, ``end``, ``peak``,
        ``line``). A peak without summit (``peak == -1``) is centred on its midpoint.
    length : int
        Window length in bp (101 for the published models, 200 in the paper's text).

    Returns
    -------
    pandas.DataFrame
        One row per peak: ``id`` (``chrom:first-last``, 1-based inclusive), ``chrom``,
        ``start``, ``end`` (0-based, end exclusive, ``end - start == length``), ``summit``
        (0-based position, at index ``length // 2`` of the window), ``line``. Windows may
        extend past the chromosome; :func:`peak_sequences` checks them against the genome.
    """
    if int(length) != length or length < 1:
        raise ValueError(f"window length must be a positive integer (bp), got {length!r}")
    length = int(length)
    summit = np.where(
        peaks["peak"] >= 0, peaks["start"] + peaks["peak"], (peaks["start"] + peaks["end"]) // 2
    )
    start = summit - length // 2
    end = start + length
    chrom = peaks["chrom"].astype(str).to_numpy()
    ids = [f"{c}:{s + 1}-{e}" for c, s, e in zip(chrom, start, end, strict=True)]
    return pd.DataFrame(
        {
            "id": ids,
            "chrom": chrom,
            "start": start.astype(np.int64),
            "end": end.astype(np.int64),
            "summit": summit.astype(np.int64),
            "line": peaks["line"].to_numpy(np.int64),
        }
    )


def peak_sequences(
    peaks: str | os.PathLike,
    genome: str | os.PathLike | IndexedFasta,
    *,
    length: int = 101,
    drop_invalid: bool = False,
    n_policy: str = "error",
) -> pd.DataFrame:
    """Upper-case genome sequence of the summit-centred window of every peak.

    Parameters
    ----------
    peaks : path
        narrowPeak file (:func:`read_narrowpeak`).
    genome : path or IndexedFasta
        Plain FASTA of the assembly the peaks were called on (hg19 for the ENCODE uniform
        peaks); indexed on first use (:class:`~deepresolve.datasets.fasta.IndexedFasta`).
    length : int
        Window length (bp).
    drop_invalid : bool
        Drop peaks whose window runs off the chromosome or whose chromosome is not in the
        genome, logging how many (warning); by default they raise.
    n_policy : {"error", "drop", "uniform"}
        A window holding N: raise, drop it (count logged), or keep it (then read the written
        file with ``read_zeng(..., n_policy="uniform")``).

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`summit_windows` plus ``sequence`` (``length`` letters, upper
        case), one row per kept peak in file order. A window identical to an earlier one
        (same id) is dropped with a warning, since ids must be unique.

    Raises
    ------
    ValueError
        Naming the peak file and line: a chromosome missing from the genome, a window off the
        chromosome end (unless ``drop_invalid``), a letter other than A, C, G, T (N unless
        ``n_policy`` allows it); or no peak left.
    """
    if n_policy not in PEAK_N_POLICIES:
        raise ValueError(f"n_policy must be one of {PEAK_N_POLICIES}, got {n_policy!r}")
    windows = summit_windows(read_narrowpeak(peaks), length)
    if isinstance(genome, IndexedFasta):
        return _extract(windows, genome, peaks, length, drop_invalid, n_policy)
    with IndexedFasta(genome) as fasta:
        return _extract(windows, fasta, peaks, length, drop_invalid, n_policy)


def _extract(windows, genome, peaks, length, drop_invalid, n_policy) -> pd.DataFrame:
    sizes = genome.lengths
    keep = np.ones(len(windows), dtype=bool)
    sequences: list[str] = []
    missing = off_end = with_n = 0
    for i, (chrom, start, end, summit, line) in enumerate(
        windows[["chrom", "start", "end", "summit", "line"]].itertuples(index=False)
    ):
        where = f"{peaks}, line {line}"
        if chrom not in sizes:
            if drop_invalid:
                missing += 1
                keep[i] = False
                continue
            raise ValueError(
                f"{where}: chromosome {chrom!r} is not in {genome.path} "
                f"({_describe_names(sizes, chrom)}); use the assembly the peaks were called on, "
                "or pass drop_invalid=True to drop such peaks"
            )
        if start < 0 or end > sizes[chrom]:
            if drop_invalid:
                off_end += 1
                keep[i] = False
                continue
            raise ValueError(
                f"{where}: the {length} bp window {chrom}:{start + 1}-{end} around the summit at "
                f"{summit + 1} runs off {chrom} (1-{sizes[chrom]} in {genome.path}); pass "
                "drop_invalid=True to drop such peaks"
            )
        sequence = genome.fetch(chrom, int(start), int(end)).upper()
        if n_policy == "drop" and "N" in sequence:
            with_n += 1
            keep[i] = False
            continue
        check_letters(
            sequence,
            f"{where}: window {chrom}:{start + 1}-{end}",
            "uniform" if n_policy != "error" else "error",
        )
        sequences.append(sequence)
    for count, why in (
        (missing, "on chromosomes missing from the genome"),
        (off_end, "with windows running off the chromosome"),
        (with_n, "with N in their windows"),
    ):
        if count:
            log.warning("%s: dropped %d of %d peaks %s", peaks, count, len(windows), why)
    result = windows[keep].assign(sequence=sequences)
    duplicated = result["id"].duplicated()
    if duplicated.any():
        log.warning(
            "%s: dropped %d peaks whose %d bp window repeats an earlier peak's (first: line %d)",
            peaks,
            int(duplicated.sum()),
            length,
            int(result.loc[duplicated, "line"].iloc[0]),
        )
        result = result[~duplicated]
    if result.empty:
        raise ValueError(f"{peaks}: no peak left out of {len(windows)}")
    return result.reset_index(drop=True)


def _describe_names(sizes: dict[str, int], wanted: str) -> str:
    names = list(sizes)
    shown = ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")
    text = f"{len(names)} sequences: {shown}"
    alternative = wanted.removeprefix("chr") if wanted.startswith("chr") else f"chr{wanted}"
    if alternative in sizes:
        text += f"; it has {alternative!r}: the genome and the peaks name chromosomes differently"
    return text


def build_experiment(
    peaks: str | os.PathLike,
    genome: str | os.PathLike | IndexedFasta,
    *,
    seed: int | np.random.Generator,
    length: int = 101,
    drop_invalid: bool = False,
    n_policy: str = "error",
) -> pd.DataFrame:
    """Positives from peaks and one dinucleotide-shuffled negative per positive.

    Parameters
    ----------
    peaks, genome, length, drop_invalid, n_policy
        As for :func:`peak_sequences`.
    seed : int or numpy.random.Generator
        Seed of the shuffles; the same seed gives the same negatives.

    Returns
    -------
    pandas.DataFrame
        ``2 * n`` rows, the ``n`` positives (label 1) in peak-file order, then their shuffles
        in the same order (label 0, id ``<positive id>_shuf``). Columns ``id``, ``sequence``,
        ``label`` (int64), and ``chrom``, ``start``, ``end``, ``summit``, ``line`` of the
        peak each row comes from. Write it with :func:`deepresolve.datasets.zeng.write_zeng`.
    """
    positives = peak_sequences(
        peaks, genome, length=length, drop_invalid=drop_invalid, n_policy=n_policy
    )
    negatives = positives.assign(
        id=positives["id"] + "_shuf",
        sequence=dinucleotide_shuffle(positives["sequence"].tolist(), seed=seed),
    )
    experiment = pd.concat(
        [positives.assign(label=1), negatives.assign(label=0)], ignore_index=True
    )
    experiment["label"] = experiment["label"].astype(np.int64)
    columns = ["id", "sequence", "label", "chrom", "start", "end", "summit", "line"]
    log.info("%s: %d positives, %d shuffled negatives", peaks, len(positives), len(negatives))
    return experiment[columns]
