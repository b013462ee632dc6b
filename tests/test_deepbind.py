"""deepresolve.datasets.deepbind: DeepBind's .seq files, good and bad, and the pinned shared
copies."""

from __future__ import annotations

import gzip
import hashlib

import pytest

from deepresolve.datasets.deepbind import (
    CHECKSUMS_FILE,
    DEEPBIND_URL,
    deepbind_filename,
    read_deepbind,
)
from deepresolve.datasets.download import read_checksums

HEADER = "FoldID\tEventID\tseq\tBound\n"
GOOD = (
    HEADER
    + "A\tseq_1_peak\tACGTACGT\t1\nA\tseq_1_shuf\tacgtTGCA\t0\n\nB\tseq_2_peak\tGGGGCCCC\t1\n"
)


def write(path, text, packed=False):
    data = text.encode()
    path.write_bytes(gzip.compress(data) if packed else data)
    return path


@pytest.mark.parametrize("packed", [False, True])
def test_reads_plain_and_gzip_in_file_order(tmp_path, packed):
    name = "x.seq.gz" if packed else "x.seq"
    table = read_deepbind(write(tmp_path / name, GOOD, packed))
    assert list(table.columns) == ["fold_id", "event_id", "sequence", "bound"]
    assert table["event_id"].tolist() == ["seq_1_peak", "seq_1_shuf", "seq_2_peak"]
    assert table["fold_id"].tolist() == ["A", "A", "B"]
    assert table["sequence"].tolist() == ["ACGTACGT", "ACGTTGCA", "GGGGCCCC"]
    assert table["bound"].tolist() == [1, 0, 1]
    assert table["bound"].dtype.kind == "i"


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("", None, ["empty file"]),
        (HEADER, None, ["header only"]),
        ("FoldID EventID seq Bound\nA\ts\tACGT\t1\n", 1, ["header", "tab-separated"]),
        ("A\ts\tACGT\t1\n", 1, ["header", "FoldID"]),
        (HEADER + "A\ts\tACGT\n", 2, ["3 tab-separated fields, expected 4"]),
        (HEADER + "A\ts\tACGT\t1\textra\n", 2, ["5 tab-separated fields"]),
        (HEADER + "A\ts\tACGT\t1\nA\tt\tACNT\t1\n", 3, ["'N' at position 3", "A, C, G, T"]),
        (HEADER + "A\ts\tACGT\t1\nA\tt\tACGTA\t0\n", 3, ["5 bp", "line 2 has 4 bp"]),
        (HEADER + "A\ts\tACGT\t2\n", 2, ["Bound '2' is not 0 or 1"]),
        (HEADER + "A\ts\tACGT\t1.0\n", 2, ["Bound '1.0'"]),
        (HEADER + "A\ts\t\t1\n", 2, ["empty sequence"]),
    ],
)
def test_bad_files_name_file_and_line(tmp_path, text, line, words):
    path = write(tmp_path / "bad_B.seq", text)
    with pytest.raises(ValueError) as err:
        read_deepbind(path)
    message = str(err.value)
    assert str(path) in message
    if line is not None:
        assert f"line {line}:" in message
    for word in words:
        assert word in message


def test_corrupt_gzip_names_file(tmp_path):
    path = tmp_path / "cut_AC.seq.gz"
    path.write_bytes(gzip.compress(GOOD.encode())[:-12])
    with pytest.raises(ValueError, match="cut_AC.seq.gz"):
        read_deepbind(path)


def test_filenames_and_pinned_address():
    assert deepbind_filename("REST_GM12878_NRSF_HudsonAlpha", "B") == (
        "REST_GM12878_NRSF_HudsonAlpha_B.seq.gz"
    )
    with pytest.raises(ValueError, match="not one of"):
        deepbind_filename("REST_GM12878_NRSF_HudsonAlpha", "C")
    assert DEEPBIND_URL.startswith("https://raw.githubusercontent.com/jisraeli/DeepBind/")
    checksums = read_checksums(CHECKSUMS_FILE)
    assert len(checksums) == 16
    assert "ELK1_GM12878_ELK1_(1277-1)_Stanford_AC.seq.gz" in checksums


@pytest.mark.shared_data("deepbind-encode")
def test_shared_files_match_pins_and_format(shared_data):
    folder = shared_data / "deepbind-encode"
    checksums = read_checksums(CHECKSUMS_FILE)
    name = "REST_GM12878_NRSF_HudsonAlpha"
    for part in ("AC", "B"):
        path = folder / deepbind_filename(name, part)
        assert hashlib.sha256(path.read_bytes()).hexdigest() == checksums[path.name]
    test = read_deepbind(folder / deepbind_filename(name, "B"))
    assert len(test) == 1000 and test["bound"].sum() == 500
    assert test["sequence"].str.len().eq(101).all()
    peaks = test["event_id"].str.removesuffix("_peak")[test["bound"] == 1]
    shuffles = test["event_id"].str.removesuffix("_shuf")[test["bound"] == 0]
    assert sorted(peaks) == sorted(shuffles)
    train = read_deepbind(folder / deepbind_filename(name, "AC"))
    assert len(train) == 6406 and train["bound"].eq(1).all()
    assert not set(train["sequence"]) & set(test["sequence"])
