"""Reader of the Zeng et al. motif_discovery files (deepresolve.datasets.zeng)."""

from __future__ import annotations

import gzip

import numpy as np
import pytest

from deepresolve.core.files import atomic_write
from deepresolve.datasets.sequences import decode
from deepresolve.datasets.zeng import read_zeng, write_zeng

SEQ = "ACGTACGTAC"
OTHER = "TTTTGGGGCC"


def write(tmp_path, text, name="test.data"):
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.mark.shared_data("zeng-motif-discovery")
@pytest.mark.parametrize(
    ("experiment", "split", "n_lines"),
    [
        ("wgEncodeAwgTfbsBroadDnd41CtcfUniPk", "test", 19383),
        ("wgEncodeAwgTfbsBroadGm12878CtcfUniPk", "test", 17359),
        ("wgEncodeAwgTfbsBroadDnd41Ezh239875UniPk", "train", 2681),
        ("wgEncodeAwgTfbsBroadDnd41Ezh239875UniPk", "test", 671),
    ],
)
def test_reads_real_files(shared_data, experiment, split, n_lines):
    path = shared_data / "zeng-motif-discovery" / experiment / f"{split}.data"
    data = read_zeng(path, length=101)
    assert len(data.ids) == n_lines
    assert data.X.shape == (n_lines, 101, 4)
    assert data.X.dtype == np.uint8
    assert (data.X.sum(axis=-1) == 1).all()
    assert set(np.unique(data.labels)) == {0, 1}
    shuffled = np.array([i.endswith("_shuf") for i in data.ids])
    assert (shuffled == (data.labels == 0)).all()
    first = path.read_text().split("\n", 1)[0].split()
    assert data.ids[0] == first[0].lstrip(">")
    assert decode(data.X[:1]) == [first[1]]


def test_parses_small_file_and_gzip(tmp_path):
    text = f">chr1:1-10 {SEQ} 1\n\n>chr1:1-10_shuf {OTHER.lower()} 0\n"
    plain = read_zeng(write(tmp_path, text))
    packed = tmp_path / "test.data.gz"
    packed.write_bytes(gzip.compress(text.encode()))
    for data in (plain, read_zeng(packed)):
        assert data.ids == ["chr1:1-10", "chr1:1-10_shuf"]
        assert decode(data.X) == [SEQ, OTHER]
        assert data.labels.tolist() == [1, 0]


def test_uniform_n_policy(tmp_path):
    path = write(tmp_path, f"a {SEQ} 1\nb NCGTACGTAN 0\n")
    with pytest.raises(ValueError, match=r"test\.data, line 2: letter 'N' at position 1.*n_policy"):
        read_zeng(path)
    data = read_zeng(path, n_policy="uniform")
    assert data.X.dtype == np.float32
    np.testing.assert_array_equal(data.X[1, 0], [0.25] * 4)
    np.testing.assert_array_equal(data.X[1, 9], [0.25] * 4)
    np.testing.assert_array_equal(data.X[1, 1], [0, 1, 0, 0])
    with pytest.raises(ValueError, match="n_policy"):
        read_zeng(path, n_policy="drop")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (f"a {SEQ} 1\nb ACGTXCGTAC 0\n", r"line 2: letter 'X' at position 5"),
        (f"a {SEQ} 1\nb ACGTÄCGTAC 0\n", r"line 2: letter .* at position 5"),
        (f"a {SEQ} 1\nb ACGTACGT 0\n", r"line 2: sequence of 8 bp, expected 10 bp \(from line 1\)"),
        (f"a {SEQ} 1\nb {SEQ} yes\n", r"line 2: label 'yes' is not 0 or 1"),
        (f"a {SEQ} 1\nb {SEQ} 2\n", r"line 2: label '2' is not 0 or 1"),
        (f"a {SEQ} 1\n\n>a {SEQ} 0\n", r"line 3: identifier 'a' already used on line 1"),
        (f"a {SEQ} 1\nb {SEQ}\n", r"line 2: expected 3 fields"),
    ],
)
def test_errors_name_file_and_line(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(ValueError, match=rf"test\.data, {message}"):
        read_zeng(path)


def test_required_length(tmp_path):
    with pytest.raises(ValueError, match=r"line 1: sequence of 10 bp, expected 101 bp"):
        read_zeng(write(tmp_path, f"a {SEQ} 1\n"), length=101)


def test_empty_file(tmp_path):
    with pytest.raises(ValueError, match=r"test\.data: no sequences \(empty file\)"):
        read_zeng(write(tmp_path, "\n\n"))


def test_missing_and_corrupt_gzip(tmp_path):
    with pytest.raises(ValueError, match="absent.data: cannot open"):
        read_zeng(tmp_path / "absent.data")
    broken = tmp_path / "broken.data.gz"
    broken.write_bytes(gzip.compress(f"a {SEQ} 1\n".encode() * 100)[:40])
    with pytest.raises(ValueError, match=r"broken\.data\.gz: cannot read"):
        read_zeng(broken)


def test_write_zeng_roundtrip_plain_and_gzip(tmp_path):
    ids, sequences, labels = [">a", "b_shuf"], [SEQ, OTHER.lower()], np.array([1, 0])
    plain = write_zeng(tmp_path / "out" / "test.data", ids, sequences, labels)
    assert plain.read_text() == f">a {SEQ} 1\n>b_shuf {OTHER.lower()} 0\n"
    packed = write_zeng(tmp_path / "test.data.gz", ids, sequences, labels)
    first_bytes = packed.read_bytes()
    for path in (plain, packed):
        data = read_zeng(path)
        assert data.ids == ["a", "b_shuf"]
        assert decode(data.X) == [SEQ, OTHER]
        assert data.labels.tolist() == [1, 0]
    # gzip output has no time stamp nor temporary name in it: same content, same bytes
    assert write_zeng(packed, ids, sequences, labels).read_bytes() == first_bytes
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "test.data.gz"]


@pytest.mark.parametrize(
    ("ids", "sequences", "labels", "message"),
    [
        (["a"], [SEQ, OTHER], [1, 0], r"1 ids, 2 sequences and 2 labels"),
        ([], [], [], r"nothing to write"),
        (["a", "a"], [SEQ, OTHER], [1, 0], r"sequence 2: identifier 'a' repeats sequence 1"),
        (["a b", "c"], [SEQ, OTHER], [1, 0], r"sequence 1: identifier 'a b' is empty or has"),
        (["a", ""], [SEQ, OTHER], [1, 0], r"sequence 2: identifier '' is empty"),
        (["a", "b"], [SEQ, "ACGT"], [1, 0], r"sequence 2 \(b\): 4 characters, expected 10"),
        (["a", "b"], [SEQ, "ACGT ACGTA"], [1, 0], r"sequence 2 \(b\): 10 characters, expected"),
        (["a", "b"], [SEQ, OTHER], [1, 2], r"sequence 2 \(b\): label 2 is not 0 or 1"),
    ],
)
def test_write_zeng_rejects_bad_input_and_writes_nothing(tmp_path, ids, sequences, labels, message):
    path = write(tmp_path, "previous content\n")
    with pytest.raises(ValueError, match=message):
        write_zeng(path, ids, sequences, labels)
    assert path.read_text() == "previous content\n"
    assert [p.name for p in tmp_path.iterdir()] == ["test.data"]


def test_atomic_write_leaves_destination_untouched_on_error(tmp_path):
    path = write(tmp_path, "old\n")
    with pytest.raises(RuntimeError), atomic_write(path) as handle:
        handle.write("half of the new content")
        raise RuntimeError("interrupted")
    assert path.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["test.data"]
    with atomic_write(path, "wb") as handle:
        handle.write(b"new\n")
    assert path.read_bytes() == b"new\n"
    with pytest.raises(ValueError, match="mode"):
        atomic_write(path, "a").__enter__()
