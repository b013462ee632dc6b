"""FASTA + target readers and the indexed genome reader (deepresolve.datasets.fasta)."""

from __future__ import annotations

import gzip
import os
import shutil

import numpy as np
import pytest

from deepresolve.datasets.fasta import IndexedFasta, iter_fasta, read_fasta, read_targets
from deepresolve.datasets.sequences import decode

SEQ = "ACGTACGTAC"
OTHER = "TTTTGGGGCC"


def write(tmp_path, text, name="test.fa"):
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.mark.shared_data("chipseq-example")
@pytest.mark.parametrize(("split", "n", "bound"), [("test", 19544, 9823), ("valid", 1000, 500)])
def test_reads_chipseq_example(shared_data, split, n, bound):
    folder = shared_data / "chipseq-example"
    data = read_fasta(folder / f"{split}.fa", folder / f"{split}.target", length=101)
    assert data.X.shape == (n, 101, 4)
    assert data.X.dtype == np.uint8
    assert (data.X.sum(axis=-1) == 1).all()
    assert int(data.labels.sum()) == bound
    assert len(set(data.ids)) == n
    # the unbound sequences are the dinucleotide-shuffled ones
    shuffled = np.array([i.endswith("_shuf") for i in data.ids])
    assert (shuffled == (data.labels == 0)).all()
    with open(folder / f"{split}.fa") as handle:
        header, sequence = handle.readline(), handle.readline()
    assert data.ids[0] == header[1:].strip()
    assert decode(data.X[:1]) == [sequence.strip()]


def test_multiline_records_targets_and_gzip(tmp_path):
    fasta = f">a desc\n{SEQ[:4]}\n{SEQ[4:]}\n\n>b\n{OTHER[:7].lower()}\n{OTHER[7:]}\n>c\n{SEQ}\n"
    targets = "1\t0\n0 1\n1\t0\n"
    plain = read_fasta(write(tmp_path, fasta), write(tmp_path, targets, "test.target"))
    packed_fa, packed_target = tmp_path / "p.fa.gz", tmp_path / "p.target.gz"
    packed_fa.write_bytes(gzip.compress(fasta.encode()))
    packed_target.write_bytes(gzip.compress(targets.encode()))
    for data in (plain, read_fasta(packed_fa, packed_target)):
        assert data.ids == ["a", "b", "c"]
        assert decode(data.X) == [SEQ, OTHER, SEQ]
        assert data.labels.tolist() == [1, 0, 1]
        assert data.labels.dtype == np.int64


def test_single_column_targets_and_positives_only(tmp_path):
    fasta = write(tmp_path, f">a\n{SEQ}\n>b\n{OTHER}\n")
    data = read_fasta(fasta, write(tmp_path, "0\n1\n\n", "t.target"))
    assert data.labels.tolist() == [0, 1]
    positives = read_fasta(fasta)
    assert positives.labels.tolist() == [1, 1]
    assert decode(positives.X) == [SEQ, OTHER]


def test_uniform_n_policy(tmp_path):
    path = write(tmp_path, f">a\n{SEQ}\n>b\nNCGTA\nCGTAn\n")
    with pytest.raises(ValueError, match=r"test\.fa, line 4: letter 'N' at position 1.*n_policy"):
        read_fasta(path)
    data = read_fasta(path, n_policy="uniform")
    assert data.X.dtype == np.float32
    np.testing.assert_array_equal(data.X[1, [0, 9]], np.full((2, 4), 0.25))
    np.testing.assert_array_equal(data.X[1, 1], [0, 1, 0, 0])
    with pytest.raises(ValueError, match="n_policy"):
        read_fasta(path, n_policy="drop")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (f">a\n{SEQ}\n>b\nACGTA\nCGXAC\n", r"line 5: letter 'X' at position 3"),
        (f">a\n{SEQ}\n>b\nACGTÄCGTAC\n", r"line 4: letter 'Ä' at position 5"),
        (f">a\n{SEQ}\n>b\nACGT\nACG\n", r"line 3: record 'b' is 7 bp, expected 10 bp \(from the"),
        (f">a\n{SEQ}\n>b\n{OTHER}\n>a\n{SEQ}\n", r"line 5: identifier 'a' already used on line 1"),
        (f"{SEQ}\n>a\n{SEQ}\n", r"line 1: sequence before the first '>' header"),
        (f">a\n{SEQ}\n> \n{SEQ}\n", r"line 3: header '>' without a name"),
        (f">a\n{SEQ}\n>b\n\n>c\n{SEQ}\n", r"line 3: record 'b' has no sequence"),
        ("\n\n", r": no sequences \(empty file\)"),
    ],
)
def test_fasta_errors_name_file_and_line(tmp_path, text, message):
    with pytest.raises(ValueError, match=rf"test\.fa(, )?{message}"):
        read_fasta(write(tmp_path, text))


def test_required_length(tmp_path):
    with pytest.raises(ValueError, match=r"line 1: record 'a' is 10 bp, expected 101 bp"):
        read_fasta(write(tmp_path, f">a\n{SEQ}\n"), length=101)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1\t0\n1\t1\n", r"line 2: label '1 1' is not '1 0' \(bound\) or '0 1'"),
        ("1\t0\n0\t0\n", r"line 2: label '0 0' is not '1 0'"),
        ("1\t0\nyes\tno\n", r"line 2: label 'yes no' is not"),
        ("1\n2\n", r"line 2: label '2' is not 0 or 1"),
        ("1\t0\n1\n", r"line 2: 1 columns, expected 2 as on line 1"),
        ("1 0 0\n", r"line 1: expected 1 column \(1/0\) or 2 columns"),
        ("1\n\n0\n", r"line 2: blank line among the labels"),
        ("\n", r": no labels \(empty file\)"),
    ],
)
def test_target_errors_name_file_and_line(tmp_path, text, message):
    with pytest.raises(ValueError, match=rf"test\.target(, )?{message}"):
        read_targets(write(tmp_path, text, "test.target"))


def test_label_count_must_match(tmp_path):
    fasta = write(tmp_path, f">a\n{SEQ}\n>b\n{OTHER}\n>c\n{SEQ}\n")
    few = write(tmp_path, "1\n0\n", "few.target")
    with pytest.raises(
        ValueError,
        match=r"few\.target has 2 labels but .*test\.fa has 3 sequences: no label "
        r"for 'c' \(.*test\.fa, line 5\)",
    ):
        read_fasta(fasta, few)
    many = write(tmp_path, "1\n0\n1\n0\n", "many.target")
    with pytest.raises(ValueError, match=r"many\.target, line 4 and after have no sequence"):
        read_fasta(fasta, many)


def test_missing_files(tmp_path):
    with pytest.raises(ValueError, match=r"absent\.fa: cannot open"):
        read_fasta(tmp_path / "absent.fa")
    with pytest.raises(ValueError, match=r"absent\.target: cannot open"):
        read_fasta(write(tmp_path, f">a\n{SEQ}\n"), tmp_path / "absent.target")
    with pytest.raises(ValueError, match=r"absent\.fa: cannot open genome"):
        IndexedFasta(tmp_path / "absent.fa")


def test_iter_fasta_yields_header_lines(tmp_path):
    path = write(tmp_path, f">a x y\n{SEQ}\n\n>b\n{OTHER[:3]}\n{OTHER[3:]}\n")
    assert [tuple(r) for r in iter_fasta(path)] == [("a", SEQ, 1), ("b", OTHER, 4)]


# --- indexed genome ---------------------------------------------------------------------------


def random_genome(seed=0, sizes=(("chr1", 1000), ("chr2", 257), ("chrM", 60))):
    rng = np.random.default_rng(seed)
    return {name: "".join(rng.choice(list("ACGTacgtN"), size)) for name, size in sizes}


def write_genome(path, genome, width=60, newline="\n"):
    with open(path, "w", newline="") as handle:
        for name, sequence in genome.items():
            handle.write(f">{name} some description{newline}")
            for i in range(0, len(sequence), width):
                handle.write(sequence[i : i + width] + newline)
    return path


@pytest.mark.parametrize(("width", "newline"), [(60, "\n"), (50, "\r\n"), (7, "\n")])
def test_indexed_fasta_fetch_matches_sequence(tmp_path, width, newline):
    genome = random_genome()
    path = write_genome(tmp_path / "genome.fa", genome, width, newline)
    rng = np.random.default_rng(1)
    with IndexedFasta(path) as fasta:
        assert fasta.lengths == {name: len(s) for name, s in genome.items()}
        for _ in range(300):
            name = list(genome)[rng.integers(len(genome))]
            start = int(rng.integers(len(genome[name])))
            end = int(rng.integers(start, len(genome[name]) + 1))
            assert fasta.fetch(name, start, end) == genome[name][start:end]
        assert fasta.fetch("chr2", 0, 257) == genome["chr2"]
        with pytest.raises(ValueError, match=r"chr2:250-258 is outside chr2 \(0-257\)"):
            fasta.fetch("chr2", 250, 258)
        with pytest.raises(KeyError):
            fasta.fetch("chr3", 0, 1)
    # the index is written beside the FASTA in samtools faidx format, with no temporary left
    eol = len(newline)
    assert (tmp_path / "genome.fa.fai").read_text().splitlines()[1].split("\t") == [
        "chr2",
        "257",
        str(_offset_of(path, "chr2")),
        str(width),
        str(width + eol),
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["genome.fa", "genome.fa.fai"]


def _offset_of(path, name):
    data = path.read_bytes()
    header = data.index(f">{name} ".encode())
    return data.index(b"\n", header) + 1


def test_index_matches_pyfaidx(tmp_path):
    pyfaidx = pytest.importorskip("pyfaidx")
    genome = random_genome(3)
    (tmp_path / "ours").mkdir()
    (tmp_path / "theirs").mkdir()
    ours = write_genome(tmp_path / "ours" / "g.fa", genome)
    theirs = shutil.copy(ours, tmp_path / "theirs" / "g.fa")
    IndexedFasta(ours).close()
    pyfaidx.Faidx(str(theirs)).close()
    assert (ours.parent / "g.fa.fai").read_text() == (theirs.parent / "g.fa.fai").read_text()


def test_index_reused_rebuilt_and_in_memory(tmp_path):
    genome = random_genome()
    path = write_genome(tmp_path / "genome.fa", genome)
    IndexedFasta(path).close()
    fai = tmp_path / "genome.fa.fai"
    # a fresh index is trusted (here: a deliberately wrong length shows it was read)
    fai.write_text(fai.read_text().replace("chrM\t60\t", "chrM\t59\t"))
    with IndexedFasta(path) as fasta:
        assert fasta.lengths["chrM"] == 59
    # an index older than the FASTA is rebuilt
    os.utime(fai, (1, 1))
    with IndexedFasta(path) as fasta:
        assert fasta.lengths["chrM"] == 60
    assert "chrM\t60\t" in fai.read_text()
    # an index that cannot be written is kept in memory
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    with IndexedFasta(path, fai=blocker / "genome.fa.fai") as fasta:
        assert fasta.fetch("chrM", 0, 60) == genome["chrM"]
    fai.write_text("chr1\tx\n")
    os.utime(path, (1, 1))
    with pytest.raises(ValueError, match=r"genome\.fa\.fai, line 1: not a FASTA index line"):
        IndexedFasta(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (">a\nACGT\nACGTA\nAC\n", r"line 3: line of 'a' has 5 bases, its first has 4"),
        (">a\nACGT\nAC\nACGT\n", r"line 3: line of 'a' shorter than its first"),
        (">a\nACGT\n\nACGT\n", r"line 3: line of 'a' shorter than its first"),
        (">a\nACGT\n>a\nACGT\n", r"line 3: sequence name 'a' already used on line 1"),
        (">a\n>b\nACGT\n", r"line 1: sequence 'a' is empty"),
        ("ACGT\n>a\nACGT\n", r"line 1: sequence before the first '>' header"),
        (">a\nACGT\r\nACGT\n", r"line 3: mixed line ends"),
        ("", r": no sequences \(empty FASTA\)"),
    ],
)
def test_index_errors_name_file_and_line(tmp_path, text, message):
    path = write(tmp_path, text, "genome.fa")
    path.write_bytes(text.encode())
    with pytest.raises(ValueError, match=rf"genome\.fa(, )?{message}"):
        IndexedFasta(path)
    assert not (tmp_path / "genome.fa.fai").exists()


def test_gzip_genome_refused_with_advice(tmp_path):
    path = tmp_path / "genome.fa.gz"
    path.write_bytes(gzip.compress(b">a\nACGT\n"))
    with pytest.raises(ValueError, match=r"genome\.fa\.gz: gzip-compressed.*gunzip"):
        IndexedFasta(path)


def test_last_line_without_newline(tmp_path):
    path = tmp_path / "genome.fa"
    path.write_bytes(b">a\nACGT\nACGT\n>b\nACGT\nAC")
    with IndexedFasta(path) as fasta:
        assert fasta.fetch("a", 2, 7) == "GTACG"
        assert fasta.fetch("b", 0, 6) == "ACGTAC"
