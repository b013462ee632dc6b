"""Table 1 under other matching choices (deepresolve.analyses.matching): settings, statistics,
counts."""

import os
import shutil

import numpy as np
import pandas as pd
import pytest

from deepresolve.analyses.matching import (
    cell_counts,
    choice_settings,
    describe,
    filter_statistics,
    paper_distance,
    tf_matrices,
)
from deepresolve.analyses.method_comparison import protocol_rows
from deepresolve.analyses.table1 import PAPER_TABLE1, column_name
from deepresolve.motifs.jaspar import fetch_motifs, motif_pwms
from deepresolve.motifs.tomtom import tomtom_version

CTCF = "wgEncodeAwgTfbsBroadDnd41CtcfUniPk"
CTCF_PRIMARY = "MA0139.2"  # JASPAR2026


def planted_filters(seed: int = 0) -> np.ndarray:
    """8 filters of width 25: filter 3 is CTCF's primary JASPAR2026 matrix (19 bp) padded with
    uniform columns, the others random (Dirichlet(1) per position)."""
    rng = np.random.default_rng(seed)
    pwms = rng.dirichlet(np.ones(4), size=(8, 25))
    ctcf = motif_pwms(fetch_motifs("JASPAR2026"))[CTCF_PRIMARY]
    pwms[3] = 0.25
    pwms[3, 3 : 3 + len(ctcf)] = ctcf
    return pwms


def test_choice_settings_defaults_and_errors():
    assert choice_settings({}) == choice_settings({"engine": "memelite", "dist": "ed"})
    assert "JASPAR2026, primary of the TF" in describe(choice_settings({}))
    assert "E <=" in describe(choice_settings({"statistic": "E"}))
    with pytest.raises(ValueError, match=r"table1.matching.x: unknown keys \['distance'\]"):
        choice_settings({"distance": "ed"}, "table1.matching.x")
    with pytest.raises(ValueError, match="memelite has only dist ed.*set engine: meme"):
        choice_settings({"dist": "pearson"}, "table1.matching.x")
    with pytest.raises(ValueError, match="memelite has only dist ed"):
        choice_settings({"incomplete_scores": True})
    with pytest.raises(ValueError, match="targets: expected one of"):
        choice_settings({"targets": "all"})


def test_cell_counts_p_is_strict_e_is_inclusive_and_ranking_decides():
    """One experiment, 4 filters: filter 2 has exactly 0.05. p < 0.05 does not count it, the
    authors' E <= 0.05 does; ranked first it counts at top-1, ranked last only at top-5."""
    statistics = pd.DataFrame(
        {"experiment": "e1", "filter": [0, 1, 2, 3], "value": [0.9, 0.3, 0.05, 0.7]}
    )
    first = {"e1": np.array([1.0, 2.0, 9.0, 0.0])}  # filter 2 ranked first
    last = {"e1": np.array([3.0, 2.0, 0.0, 1.0])}
    as_p = cell_counts(statistics, first, "p")
    as_e = cell_counts(statistics, first, "E")
    assert as_p["n_experiments"] == as_e["n_experiments"] == 1
    assert as_p[column_name(1, 0.05)] == 0 and as_e[column_name(1, 0.05)] == 1
    assert as_p[column_name(1, 0.5)] == 1
    late = cell_counts(statistics, last, "E")
    assert late[column_name(1, 0.05)] == 0 and late[column_name(3, 0.05)] == 0
    assert late[column_name(5, 0.05)] == 1
    assert cell_counts(statistics, {"e9": np.zeros(4)}, "p")["n_experiments"] == 0
    paper = {column_name(k, t): v for (k, t), v in PAPER_TABLE1["DeepResolve"].items()}
    assert paper_distance(paper) == 0
    assert paper_distance({**paper, column_name(1, 0.5): paper[column_name(1, 0.5)] + 7}) == 7


@pytest.mark.filterwarnings("ignore:tomtom was given")
def test_filter_statistics_finds_the_planted_filter_under_each_choice():
    """The CTCF matrix planted as filter 3 is the best filter against CTCF's primary matrix,
    against all of CTCF's matrices, and among all of JASPAR (its E = p x the release's size);
    JASPAR2016 knows CTCF by an older version of the matrix."""
    pwms_of = {CTCF: planted_filters()}
    motifs = fetch_motifs("JASPAR2026")
    assert tf_matrices([CTCF], motifs, "JASPAR2026")[CTCF][0] == CTCF_PRIMARY
    known = filter_statistics(pwms_of, motifs, choice_settings({}))
    assert len(known) == 8 and set(known["target"]) == {CTCF_PRIMARY}
    assert known["value"].idxmin() == 3 and known.loc[3, "p"] < 1e-6
    np.testing.assert_array_equal(known["E"], known["p"])  # one target: E = p
    every = filter_statistics(pwms_of, motifs, choice_settings({"known": "all"}))
    assert every["value"].idxmin() == 3
    assert set(every["target"]) <= set(tf_matrices([CTCF], motifs, "JASPAR2026")[CTCF])
    jaspar = filter_statistics(pwms_of, motifs, choice_settings({"targets": "jaspar"} | E))
    best = jaspar.set_index("filter").loc[3]
    assert best["E"] == pytest.approx(best["p"] * len(motifs)) and best["E"] < 0.05
    assert best["value"] == best["E"]
    old = filter_statistics(pwms_of, fetch_motifs("JASPAR2016"), choice_settings(RELEASE_2016))
    assert old["target"].iloc[0].startswith("MA0139.") and old["value"].idxmin() == 3


E = {"statistic": "E"}
RELEASE_2016 = {"release": "JASPAR2016"}


@pytest.mark.filterwarnings("ignore:tomtom was given")
def test_meme_engine_choices_agree_with_memelite_at_its_settings_and_run_the_authors_flags(
    shared_data, monkeypatch
):
    """MEME's tomtom at memelite's settings gives memelite's p (1e-5 in log10, as
    tests/test_tomtom_meme.py on real models); the authors' flags (pearson, incomplete scores,
    no pseudocount) still put the planted filter first. The tomtom of PATH, else the one CI
    builds (tests/test_tomtom_meme.py's meme_tomtom_folder says when it skips)."""
    from .test_tomtom_meme import meme_tomtom_folder

    monkeypatch.setenv("PATH", meme_tomtom_folder(shared_data) + os.pathsep + os.environ["PATH"])
    found = shutil.which("tomtom")
    tomtom_version(found)
    pwms_of = {CTCF: planted_filters(1)}
    motifs = fetch_motifs("JASPAR2026")
    lite = filter_statistics(pwms_of, motifs, choice_settings({}))
    meme = filter_statistics(pwms_of, motifs, choice_settings({"engine": "meme"}))
    np.testing.assert_allclose(np.log10(meme["p"]), np.log10(lite["p"]), atol=1e-5)
    authors = {"engine": "meme", "dist": "pearson", "incomplete_scores": True}
    theirs = filter_statistics(pwms_of, motifs, choice_settings(authors | E | {"motif_pseudo": 0}))
    assert theirs["value"].idxmin() == 3 and theirs.loc[3, "value"] < 0.05


def test_protocol_rows_put_paper_authors_and_ours_per_method():
    from deepresolve.analyses.table1 import experiment_detail

    from .test_table1 import ranked_table

    detail = experiment_detail(ranked_table("e1", [0, 1, 2, 3], [0.01, 1, 1, 1], [True] * 4))
    cells = {column_name(k, t): 1 for k in (1, 3, 5) for t in (0.5, 0.05)}
    matching = pd.DataFrame(
        [
            {"choice": "ours", "settings": "s", "ranking": "ours", "n_experiments": 1, **cells},
            {"choice": "authors_x", "settings": "a", "ranking": "ours", "n_experiments": 1} | cells,
        ]
    )
    curve = pd.DataFrame(
        [
            {"l2": 0.5, "seed": 7, "n_experiments": 1, "closest": True, **cells},
            {"l2": 3.0, "seed": -1, "n_experiments": 1, "closest": False, **cells},
        ]
    )
    rows = protocol_rows({"DeepResolve": detail, "enhanced DeepMotif": detail}, matching, curve)
    dr = rows[rows["method"] == "DeepResolve"]["row"].tolist()
    assert dr[0] == "paper" and dr[-1] == "ours (default)"
    assert any("matching authors_x (a)" in r for r in dr) and not any("ours (s)" in r for r in dr)
    assert any("lambda 0.5, seed 7 (closest to the paper)" in r for r in dr)
    paper = rows[(rows["method"] == "enhanced DeepMotif") & (rows["row"] == "paper")]
    assert paper[column_name(1, 0.05)].item() == 42
