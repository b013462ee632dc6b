import shutil

import numpy as np
import pandas as pd
import pytest

from deepresolve.motifs import jaspar, tomtom
from deepresolve.motifs.pwm import read_meme
from tests.conftest import ROOT

EXAMPLE_TSV = ROOT / "tests" / "data" / "tomtom_meme_example.tsv"


@pytest.fixture(scope="module")
def targets():
    """JASPAR CORE vertebrates PWMs and site counts (a realistic TOMTOM target database)."""
    motifs = jaspar.fetch_motifs()
    return jaspar.motif_pwms(motifs), jaspar.motif_nsites(motifs)


@pytest.fixture(scope="module")
def ctcf_hits(targets):
    pwms, nsites = targets
    ctcf = pwms["MA0139.2"]
    rng = np.random.default_rng(1)
    queries = {
        "self": ctcf,
        "revcomp": ctcf[::-1, ::-1],
        "slice": ctcf[4:14],
        "random": rng.dirichlet(np.full(4, 0.3), size=12),  # sequence-like, matches nothing
    }
    return tomtom.run_tomtom(queries, pwms, target_nsites=nsites), len(pwms)


def _best(table: pd.DataFrame, query: str) -> pd.Series:
    return table[table["query"] == query].iloc[0]


def test_schema_and_order(ctcf_hits):
    table, n_targets = ctcf_hits
    assert tuple(table.columns) == tomtom.COLUMNS
    assert len(table) == 4 * n_targets
    assert list(table["query"].unique()) == ["self", "revcomp", "slice", "random"]
    for _, group in table.groupby("query", sort=False):
        assert group["p"].is_monotonic_increasing
        assert group["target"].is_unique
    assert set(table["strand"]) <= {"+", "-"}
    assert table["offset"].dtype.kind == "i" and table["overlap"].dtype.kind == "i"
    np.testing.assert_allclose(table["E"], table["p"] * n_targets)
    assert (table["q"] >= table["p"]).all() and (table["q"] <= 1).all()


def test_self_match_ranks_first(ctcf_hits):
    table, _ = ctcf_hits
    best = _best(table, "self")
    assert (best["target"], best["strand"], best["offset"], best["overlap"]) == (
        "MA0139.2",
        "+",
        0,
        15,
    )
    assert best["p"] < 1e-30 and best["E"] < 1e-25


def test_reverse_complement_found_on_minus_strand(ctcf_hits):
    table, _ = ctcf_hits
    best = _best(table, "revcomp")
    assert (best["target"], best["strand"], best["offset"]) == ("MA0139.2", "-", 0)
    assert best["p"] == pytest.approx(_best(table, "self")["p"], rel=1e-6)


def test_offset_is_target_minus_query_column(ctcf_hits):
    # The query is target columns 4..13: its first column sits on target column 4.
    best = _best(ctcf_hits[0], "slice")
    assert (best["target"], best["strand"], best["offset"], best["overlap"]) == (
        "MA0139.2",
        "+",
        4,
        10,
    )
    assert best["p"] < 1e-20


def test_random_pwm_is_not_significant(ctcf_hits):
    table, _ = ctcf_hits
    random = table[table["query"] == "random"]
    assert random["E"].min() > 0.05
    assert random["q"].min() > 0.05
    assert random.set_index("target").loc["MA0139.2", "p"] > 0.05


def test_memelite_rejects_what_it_cannot_do(targets):
    pwms, _ = targets
    query = {"q": pwms["MA0139.2"]}
    with pytest.raises(ValueError, match="min_overlap"):
        tomtom.run_tomtom(query, pwms, min_overlap=5)
    with pytest.raises(ValueError, match="complete scores"):
        tomtom.run_tomtom(query, pwms, incomplete_scores=True)
    with pytest.raises(TypeError, match="unknown options"):
        tomtom.run_tomtom(query, pwms, n_bins=3)
    with pytest.raises(ValueError, match="engine"):
        tomtom.run_tomtom(query, pwms, engine="homer")
    with pytest.raises(ValueError, match="shape"):
        tomtom.run_tomtom({"bad": np.ones((5, 3))}, pwms)


@pytest.mark.skipif(shutil.which("tomtom") is not None, reason="MEME tomtom is installed")
def test_meme_engine_needs_the_binary(targets):
    pwms, _ = targets
    with pytest.raises(FileNotFoundError, match="build_tomtom.sh"):
        tomtom.run_tomtom({"q": pwms["MA0139.2"]}, pwms, engine="meme")


def test_motif_pseudocount_matches_meme_formula():
    pwm = np.array([[1.0, 0.0, 0.0, 0.0], [0.25, 0.25, 0.25, 0.25]])
    out = tomtom.apply_motif_pseudocount(pwm, nsites=20, pseudocount=0.1)
    np.testing.assert_allclose(out[0], [(20 + 0.025) / 20.1] + [0.025 / 20.1] * 3)
    np.testing.assert_allclose(out[1], 0.25)
    np.testing.assert_allclose(out.sum(axis=1), 1.0)
    # nsites <= 0 falls back to MEME's default of 20 sites; pseudocount 0 is the identity.
    np.testing.assert_allclose(tomtom.apply_motif_pseudocount(pwm, nsites=0), out)
    np.testing.assert_array_equal(tomtom.apply_motif_pseudocount(pwm, pseudocount=0), pwm)


def test_rows_are_normalised_as_meme_reads_them():
    """MEME's reader rescales a row only when its sum is more than 1e-5 from 1 (motif-in.c):
    a row written with 6 decimals is compared as written, by both engines."""
    pwm = np.array(
        [
            [0.333333, 0.333333, 0.333333, 0.0],  # sums to 0.999999: kept as written
            [0.5, 0.5, 0.000011, 0.0],  # 1.000011: rescaled
            [2.0, 1.0, 1.0, 0.0],  # counts: rescaled
            [0.1, 0.2, 0.3, 0.4],
        ]
    )
    out = tomtom.meme_normalise(pwm)
    np.testing.assert_array_equal(out[[0, 3]], pwm[[0, 3]])
    np.testing.assert_allclose(out[1], pwm[1] / 1.000011, rtol=1e-15)
    np.testing.assert_allclose(out[2], [0.5, 0.25, 0.25, 0.0])
    assert out is not pwm and pwm[2, 0] == 2.0


def test_benjamini_hochberg():
    p = np.array([0.01, 0.04, 0.03, 0.5])
    # Sorted: 0.01*4/1, 0.03*4/2, 0.04*4/3, 0.5*4/4, then the running minimum from the top.
    expected = [0.04, 0.04 * 4 / 3, 0.04 * 4 / 3, 0.5]
    np.testing.assert_allclose(tomtom.benjamini_hochberg(p), expected)
    np.testing.assert_allclose(tomtom.benjamini_hochberg(np.array([0.9, 0.95])), [0.95, 0.95])
    assert tomtom.benjamini_hochberg(np.array([])).size == 0


def test_read_meme_tomtom_tsv():
    table = tomtom.read_meme_tomtom_tsv(EXAMPLE_TSV)
    assert tuple(table.columns) == tomtom.COLUMNS
    assert len(table) == 5
    first = table.iloc[0]
    assert (first["query"], first["target"], first["offset"], first["overlap"]) == (
        "filter_0",
        "MA0139.2",
        -3,
        15,
    )
    assert first["strand"] == "-"
    assert first["p"] == pytest.approx(3.52e-12) and first["q"] == pytest.approx(7.17e-09)
    np.testing.assert_allclose(table["E"], table["p"] * 1019, rtol=1e-5)
    assert list(table["query"]) == ["filter_0"] * 3 + ["filter_5"] * 2
    assert list(table["strand"]) == ["-", "+", "+", "+", "-"]


def test_read_meme4_tomtom_txt_and_errors(tmp_path):
    old = tmp_path / "tomtom.txt"
    old.write_text(
        "#Query ID\tTarget ID\tOptimal offset\tp-value\tE-value\tq-value\tOverlap\t"
        "Query consensus\tTarget consensus\tOrientation\n"
        "1\tMA0139.1\t2\t1.5e-05\t1.5e-05\t3e-05\t19\tACGT\tACGT\t+\n"
    )
    table = tomtom.read_meme_tomtom_tsv(old)
    assert table.loc[0, "target"] == "MA0139.1" and table.loc[0, "offset"] == 2
    empty = tmp_path / "empty.tsv"
    empty.write_text(EXAMPLE_TSV.read_text().splitlines()[0] + "\n\n# footer\n")
    assert tomtom.read_meme_tomtom_tsv(empty).empty
    bad = tmp_path / "bad.tsv"
    bad.write_text("filter_0\tMA0139.2\n")
    with pytest.raises(ValueError, match="header"):
        tomtom.read_meme_tomtom_tsv(bad)


def test_tomtom_command_defaults():
    argv = tomtom.tomtom_command("q.meme", "jaspar.meme")
    assert argv == [
        "tomtom",
        "-text",
        "-verbosity",
        "1",
        "-dist",
        "ed",
        "-min-overlap",
        "1",
        "-motif-pseudo",
        "0.1",
        "-thresh",
        "1",
        "q.meme",
        "jaspar.meme",
    ]
    assert "-oc" not in argv  # -text: the table on stdout, no output folder to go stale


def test_tomtom_command_options():
    argv = tomtom.tomtom_command(
        "q.meme",
        ["a.meme", "b.meme"],
        dist="pearson",
        thresh=10,
        evalue=True,
        min_overlap=5,
        incomplete_scores=True,
        reverse_complement=False,
        executable="/opt/meme/bin/tomtom",
        extra=("-png",),
    )
    assert argv[0] == "/opt/meme/bin/tomtom"
    assert argv[-3:] == ["q.meme", "a.meme", "b.meme"]
    for flag in ("-evalue", "-incomplete-scores", "-norc", "-png"):
        assert flag in argv
    assert argv[argv.index("-dist") + 1] == "pearson"
    assert argv[argv.index("-thresh") + 1] == "10"
    assert argv[argv.index("-min-overlap") + 1] == "5"
    with pytest.raises(ValueError, match="q-value"):
        tomtom.tomtom_command("q", "t", thresh=2)
    with pytest.raises(ValueError, match="min_overlap"):
        tomtom.tomtom_command("q", "t", min_overlap=0)
    assert tomtom.MEME_CONTAINER.startswith("docker://memesuite/memesuite:")
    assert tomtom.MEME_CONTAINER.endswith(tomtom.MEME_VERSION)


def test_meme_engine_plumbing_with_a_stand_in_binary(tmp_path):
    # A stand-in for MEME's tomtom: keeps its motif files and prints the example table.
    fake = tmp_path / "tomtom"
    fake.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = -version ]; then echo 5.5.8; exit 0; fi\n'
        "for last; do :; done\n"
        f'cp "$last" {tmp_path}/target.meme\n'
        f"cat {EXAMPLE_TSV}\n"
        f'printf "%s\\n" "$@" > {tmp_path}/argv.txt\n'
    )
    fake.chmod(0o755)
    rng = np.random.default_rng(0)
    targets = {f"t{w}": rng.dirichlet(np.ones(4), size=w) for w in (6, 9, 12)}
    table = tomtom.run_tomtom(
        {"filter_0": rng.dirichlet(np.ones(4), size=8)},
        targets,
        engine="meme",
        executable=str(fake),
        incomplete_scores=True,
    )
    assert tuple(table.columns) == tomtom.COLUMNS and len(table) == 5
    argv = (tmp_path / "argv.txt").read_text().split()
    assert "-incomplete-scores" in argv and argv[argv.index("-thresh") + 1] == "1"
    written = read_meme(tmp_path / "target.meme")
    assert list(written) == list(targets)
    for name, pwm in targets.items():  # every digit: tomtom compares what memelite would
        np.testing.assert_array_equal(written[name], pwm)
