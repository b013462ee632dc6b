"""DeepResolve on single-task TF models (deepresolve.analyses.tf_models): motif collection, model
import with exclusions, and the batched analysis against the same models analysed one at a time."""

from types import SimpleNamespace

import keras
import numpy as np
import pandas as pd
import pytest

from deepresolve.analyses.tf_models import (
    RANKED_COLUMNS,
    MotifCollection,
    analyse_models,
    build_motif_collection,
    load_published_models,
    read_motif_collection,
    results_tables,
    tf_motif_collection,
    write_motif_collection,
)
from deepresolve.models.keras1 import ARCHITECTURE_FILE, WEIGHTS_FILE

CTCF = "wgEncodeAwgTfbsBroadDnd41CtcfUniPk"
FOSL2 = "wgEncodeAwgTfbsHaibHepg2Fosl2V0416101UniPk"
ELK1 = "wgEncodeAwgTfbsSydhK562Elk112771IggrabUniPk"


def fake_motif(matrix_id, name, consensus):
    counts = {b: [10 if c == b else 1 for c in consensus] for b in "ACGT"}
    return SimpleNamespace(matrix_id=matrix_id, name=name, counts=counts)


def tf_motif_table():
    return pd.DataFrame(
        {
            "experiment": ["e1", "e2", "e3"],
            "tf": ["CTCF", "MYC", "POLR2A"],
            "jaspar_ids": ["MA1.1,MA2.1", "MA3.1", ""],
            "jaspar_release": "JASPAR2026",
        }
    )


MOTIFS = [
    fake_motif("MA1.1", "CTCF", "CCGCGNGGNGGCAG".replace("N", "A")),
    fake_motif("MA2.1", "CTCF", "TGGCCACCAGGGGG"),
    fake_motif("MA3.1", "MAX::MYC", "CACGTG"),
    fake_motif("MA4.1", "GATA1", "AGATAA"),
]


def test_motif_collection_selection_and_round_trip(tmp_path):
    primary = build_motif_collection(tf_motif_table(), ["e1", "e2"], "primary", MOTIFS)
    assert list(primary.known("e1")) == ["MA1.1"]
    assert primary.tf_matrices("e1") == {"MA1.1", "MA2.1"}
    assert len(primary.pwms) == 4  # the whole collection, for the strict statistic
    every = build_motif_collection(tf_motif_table(), ["e1"], "all", MOTIFS)
    assert list(every.known("e1")) == ["MA1.1", "MA2.1"]

    path = tmp_path / "motifs.json"
    write_motif_collection(path, primary)
    back = read_motif_collection(path)
    assert back.experiments == primary.experiments and back.names["MA3.1"] == "MAX::MYC"
    np.testing.assert_allclose(back.pwms["MA4.1"], primary.pwms["MA4.1"], atol=1e-6)
    np.testing.assert_allclose(back.pwms["MA4.1"].sum(axis=1), 1.0, atol=1e-5)
    with pytest.raises(KeyError, match="'e9' has no known motifs"):
        back.known("e9")


def test_motif_collection_refuses_a_tf_without_motif():
    with pytest.raises(ValueError, match="e3: no JASPAR matrix"):
        build_motif_collection(tf_motif_table(), ["e3"], "primary", MOTIFS)
    with pytest.raises(ValueError, match="selection"):
        build_motif_collection(tf_motif_table(), ["e1"], "best", MOTIFS)


def test_multi_output_model_is_refused():
    collection = build_motif_collection(tf_motif_table(), ["e1"], "primary", MOTIFS)
    inputs = keras.Input((20, 4))
    h = keras.layers.GlobalMaxPooling1D()(keras.layers.Conv1D(3, 5)(inputs))
    model = keras.Model(inputs, keras.layers.Dense(2)(h))
    with pytest.raises(ValueError, match="e1: expected a single-task model"):
        analyse_models({"e1": model}, collection)


def test_empty_batch_gives_empty_tables():
    assert analyse_models({}, MotifCollection("J", {}, {}, {}, {})) == {}
    tables = results_tables([])
    assert list(tables["ranked"].columns) == list(RANKED_COLUMNS)
    assert all(frame.empty for frame in tables.values())


def published_sources(shared_data, experiments):
    models = shared_data / "published-422tf-models"
    return {e: (models / e / ARCHITECTURE_FILE, models / e / WEIGHTS_FILE) for e in experiments}


@pytest.mark.shared_data("published-422tf-models")
def test_unreadable_model_is_excluded_with_its_file_named(shared_data, tmp_path):
    sources = published_sources(shared_data, [CTCF, ELK1])
    broken = tmp_path / "broken.h5"
    broken.write_bytes(sources[ELK1][1].read_bytes()[:5000])  # truncated HDF5
    sources[ELK1] = (sources[ELK1][0], broken)
    models, excluded = load_published_models(sources, exclude_failures=True)
    assert list(models) == [CTCF]
    assert excluded[0]["experiment"] == ELK1 and "broken.h5" in excluded[0]["reason"]
    with pytest.raises(ValueError, match="broken.h5"):
        load_published_models(sources, exclude_failures=False)


@pytest.fixture(scope="module")
def jaspar_collection():
    from deepresolve.motifs.jaspar import fetch_motifs
    from deepresolve.motifs.tf_names import read_tf_motifs

    from .conftest import ROOT

    table = read_tf_motifs(ROOT / "config/tf_motifs.tsv")
    return build_motif_collection(table, [CTCF, FOSL2, ELK1], "primary", fetch_motifs())


@pytest.mark.shared_data("published-422tf-models")
def test_batch_equals_models_alone_and_finds_ctcf(shared_data, jaspar_collection):
    models, _ = load_published_models(
        published_sources(shared_data, [CTCF, FOSL2, ELK1]), exclude_failures=False
    )
    options = {"n_runs": 5}
    batched = analyse_models(models, jaspar_collection, fim_options=options, seed=3)
    ctcf = batched[CTCF].ranked
    assert list(ctcf.columns) == list(RANKED_COLUMNS) and len(ctcf) == 16
    top = ctcf.iloc[0]
    # the CTCF model's most important filter is CTCF, by the paper's and the strict statistic
    assert top["known_target"] == "MA0139.2" and top["known_p"] < 1e-4
    assert top["jaspar_name"] == "CTCF" and top["jaspar_E"] < 0.05 and top["tf_is_best_jaspar"]
    assert batched[FOSL2].ranked.iloc[0]["known_p"] < 0.05
    assert (batched[CTCF].jaspar_hits.groupby("query").size() == 5).all()
    for experiment in models:
        alone = analyse_models(
            {experiment: models[experiment]}, jaspar_collection, fim_options=options, seed=3
        )[experiment]
        a, b = alone.ranked, batched[experiment].ranked
        assert a["filter"].head(5).tolist() == b["filter"].head(5).tolist(), experiment
        np.testing.assert_allclose(
            b["oniv"], a["oniv"], rtol=1e-2, atol=1e-2 * a["oniv"].abs().max()
        )
        pd.testing.assert_frame_equal(alone.known_hits, batched[experiment].known_hits)


def test_collection_built_in_a_job_equals_known_motifs_json(tmp_path, jaspar_collection):
    """tf_motif_collection (what a per-TF job builds from the JASPAR cache) equals the
    collection that known_motifs.json gives back, every PWM value: a per-TF rerun and a batch
    compare filters with the same matrices."""
    from .conftest import ROOT

    built = tf_motif_collection(ROOT / "config/tf_motifs.tsv", [CTCF, FOSL2, ELK1], "primary")
    path = tmp_path / "known_motifs.json"
    write_motif_collection(path, jaspar_collection)
    read = read_motif_collection(path)
    assert built.experiments == read.experiments and built.nsites == read.nsites
    assert built.pwms.keys() == read.pwms.keys()
    for matrix_id, pwm in read.pwms.items():
        np.testing.assert_array_equal(built.pwms[matrix_id], pwm)
