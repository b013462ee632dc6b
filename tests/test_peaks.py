"""Experiments from narrowPeak + genome (deepresolve.datasets.peaks), written in the Zeng format."""

from __future__ import annotations

import gzip
import logging

import numpy as np
import pandas as pd
import pytest

from deepresolve.datasets.fasta import IndexedFasta
from deepresolve.datasets.peaks import (
    build_experiment,
    peak_sequences,
    read_narrowpeak,
    summit_windows,
)
from deepresolve.datasets.sequences import decode
from deepresolve.datasets.shuffle import dinucleotide_counts
from deepresolve.datasets.zeng import read_zeng, write_zeng

SIZES = {"chr1": 1000, "chr2": 400, "chrX": 300}


@pytest.fixture
def genome(tmp_path):
    """A random genome with soft-masked stretches, 60 letters per line, and its sequences."""
    rng = np.random.default_rng(0)
    sequences = {name: "".join(rng.choice(list("ACGT"), size)) for name, size in SIZES.items()}
    sequences["chr1"] = (
        sequences["chr1"][:200] + sequences["chr1"][200:300].lower() + (sequences["chr1"][300:])
    )
    sequences["chr2"] = sequences["chr2"][:350] + "N" * 10 + sequences["chr2"][360:]
    path = tmp_path / "genome.fa"
    with open(path, "w") as handle:
        for name, sequence in sequences.items():
            handle.write(f">{name}\n")
            handle.writelines(sequence[i : i + 60] + "\n" for i in range(0, len(sequence), 60))
    return path, sequences


def narrowpeak(tmp_path, rows, name="peaks.narrowPeak"):
    """rows: (chrom, start, end, summit offset); the other columns as ENCODE writes them."""
    lines = [
        f"{chrom}\t{start}\t{end}\t.\t1000\t.\t{50.5 - i}\t-1\t4.2\t{peak}\n"
        for i, (chrom, start, end, peak) in enumerate(rows)
    ]
    path = tmp_path / name
    path.write_text("track type=narrowPeak\n" + "".join(lines))
    return path


ROWS = [("chr1", 100, 400, 150), ("chr1", 600, 900, 10), ("chrX", 100, 250, -1)]


def test_read_narrowpeak_plain_and_gzip(tmp_path):
    path = narrowpeak(tmp_path, ROWS)
    packed = tmp_path / "peaks.narrowPeak.gz"
    packed.write_bytes(gzip.compress(path.read_bytes()))
    for peaks in (read_narrowpeak(path), read_narrowpeak(packed)):
        assert peaks["chrom"].tolist() == ["chr1", "chr1", "chrX"]
        assert peaks["peak"].tolist() == [150, 10, -1]
        assert peaks["line"].tolist() == [2, 3, 4]
        assert peaks["signal_value"].tolist() == [50.5, 49.5, 48.5]
        assert peaks["start"].dtype == np.int64


def test_summit_windows_centre_and_ids():
    peaks = pd.DataFrame(
        [(c, s, e, p, i + 1) for i, (c, s, e, p) in enumerate(ROWS)],
        columns=["chrom", "start", "end", "peak", "line"],
    )
    odd = summit_windows(peaks, 101)
    # summit = start + peak, or the midpoint when peak is -1
    assert odd["summit"].tolist() == [250, 610, 175]
    assert (odd["summit"] - odd["start"]).tolist() == [50] * 3
    assert (odd["end"] - odd["start"]).tolist() == [101] * 3
    # ids are 1-based inclusive like the Zeng files' (chr20:42901189-42901289 is 101 bp)
    assert odd["id"].tolist() == ["chr1:201-301", "chr1:561-661", "chrX:126-226"]
    even = summit_windows(peaks, 200)
    assert (even["summit"] - even["start"]).tolist() == [100] * 3
    assert even["id"][0] == "chr1:151-350"
    with pytest.raises(ValueError, match="positive integer"):
        summit_windows(peaks, 0)


@pytest.mark.parametrize("length", [101, 200])
def test_peak_sequences_are_the_genome_windows(tmp_path, genome, length):
    path, sequences = genome
    windows = peak_sequences(narrowpeak(tmp_path, ROWS), path, length=length)
    for row in windows.itertuples():
        assert row.sequence == sequences[row.chrom][row.start : row.end].upper()
        assert len(row.sequence) == length
    # the first window overlaps the soft-masked stretch and comes out upper case
    assert sequences["chr1"][250:260].islower()
    assert windows["sequence"][0].isupper()


def test_experiment_roundtrip_through_zeng_format(tmp_path, genome):
    path, sequences = genome
    experiment = build_experiment(narrowpeak(tmp_path, ROWS), path, length=101, seed=5)
    assert experiment["label"].tolist() == [1, 1, 1, 0, 0, 0]
    positives, negatives = experiment[:3], experiment[3:]
    assert negatives["id"].tolist() == [i + "_shuf" for i in positives["id"]]
    for pos, neg in zip(positives["sequence"], negatives["sequence"], strict=True):
        assert dinucleotide_counts(neg) == dinucleotide_counts(pos)
        assert neg != pos
    out = write_zeng(
        tmp_path / "data" / "train.data",
        experiment["id"],
        experiment["sequence"],
        experiment["label"],
    )
    data = read_zeng(out, length=101)
    assert data.ids == experiment["id"].tolist()
    assert decode(data.X) == experiment["sequence"].tolist()
    np.testing.assert_array_equal(data.labels, experiment["label"])
    assert (
        out.read_text().splitlines()[0] == f">chr1:201-301 {sequences['chr1'][200:301].upper()} 1"
    )
    # the same seed gives the same file, another seed other negatives
    again = build_experiment(narrowpeak(tmp_path, ROWS), path, length=101, seed=5)
    assert again.equals(experiment)
    other = build_experiment(narrowpeak(tmp_path, ROWS), path, length=101, seed=6)
    assert (other["sequence"][3:].to_numpy() != negatives["sequence"].to_numpy()).all()


def test_reuses_an_open_genome(tmp_path, genome):
    path, _ = genome
    with IndexedFasta(path) as fasta:
        first = peak_sequences(narrowpeak(tmp_path, ROWS), fasta)
        second = peak_sequences(narrowpeak(tmp_path, ROWS[:1], "one.narrowPeak"), fasta)
    assert second["sequence"][0] == first["sequence"][0]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (("chr1", 900, 1000, 99), r"line 3: the 101 bp window chr1:950-1050 around the summit "),
        (("chr2", 0, 100, 10), r"line 3: the 101 bp window chr2:-39-61 around the summit at 11 "),
        (("chr7", 0, 100, 10), r"line 3: chromosome 'chr7' is not in .*genome\.fa \(3 seq"),
        (("X", 0, 100, 10), r"line 3: chromosome 'X' is not in .*it has 'chrX'"),
    ],
)
def test_invalid_peaks_raise_or_are_dropped(tmp_path, genome, caplog, row, message):
    path, _ = genome
    peaks = narrowpeak(tmp_path, [ROWS[0], row, ROWS[1]])
    with pytest.raises(ValueError, match=rf"peaks\.narrowPeak, {message}.*drop_invalid=True"):
        build_experiment(peaks, path, seed=0)
    with caplog.at_level(logging.WARNING, logger="deepresolve.datasets.peaks"):
        experiment = build_experiment(peaks, path, seed=0, drop_invalid=True)
    assert len(experiment) == 4
    assert experiment["line"].tolist() == [2, 4, 2, 4]
    assert "dropped 1 of 3 peaks" in caplog.text


def test_n_in_window(tmp_path, genome, caplog):
    path, _ = genome
    peaks = narrowpeak(tmp_path, [ROWS[0], ("chr2", 300, 380, 40)])
    with pytest.raises(
        ValueError,
        match=r"peaks\.narrowPeak, line 3: window chr2:291-391: letter 'N' at position 61",
    ):
        peak_sequences(peaks, path)
    with caplog.at_level(logging.WARNING, logger="deepresolve.datasets.peaks"):
        kept = peak_sequences(peaks, path, n_policy="drop")
    assert kept["line"].tolist() == [2]
    assert "dropped 1 of 2 peaks with N" in caplog.text
    experiment = build_experiment(peaks, path, seed=0, n_policy="uniform")
    assert experiment["sequence"][1].count("N") == experiment["sequence"][3].count("N") == 10
    out = write_zeng(tmp_path / "n.data", experiment["id"], experiment["sequence"], [1, 1, 0, 0])
    assert read_zeng(out, n_policy="uniform").X.dtype == np.float32
    with pytest.raises(ValueError, match="n_policy"):
        peak_sequences(peaks, path, n_policy="keep")


def test_duplicate_windows_dropped(tmp_path, genome, caplog):
    path, _ = genome
    peaks = narrowpeak(tmp_path, [ROWS[0], ("chr1", 200, 300, 50), ROWS[1]])
    with caplog.at_level(logging.WARNING, logger="deepresolve.datasets.peaks"):
        experiment = build_experiment(peaks, path, seed=0)
    assert experiment["line"].tolist() == [2, 4, 2, 4]
    assert "dropped 1 peaks whose 101 bp window repeats an earlier peak's (first: line 3)" in (
        caplog.text
    )


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "chr1\t100\t400\t.\t1000\t.\t5\t-1\t4.2\n",
            r"line 2: 9 columns, a narrowPeak line has 10",
        ),
        ("chr1\t100\t4e2\t.\t1000\t.\t5\t-1\t4.2\t10\n", r"line 2: start, end and peak"),
        ("chr1\t100\t400\t.\t1000\t.\tx\t-1\t4.2\t10\n", r"line 2: score, signalValue"),
        ("chr1\t400\t400\t.\t1000\t.\t5\t-1\t4.2\t10\n", r"line 2: peak 400-400 needs 0 <= start"),
        ("chr1\t100\t400\t.\t1000\t.\t5\t-1\t4.2\t300\n", r"line 2: summit offset 300"),
        ("# nothing\n\n", r": no peaks \(empty file\)"),
    ],
)
def test_bad_narrowpeak_lines(tmp_path, line, message):
    path = tmp_path / "bad.narrowPeak"
    path.write_text("browser position chr1\n" + line)
    with pytest.raises(ValueError, match=rf"bad\.narrowPeak(, )?{message}"):
        read_narrowpeak(path)
