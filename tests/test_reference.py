"""The authors' ONIV pickle is read without running code, and our ONIVs at the authors' lambda
agree with theirs on real published models."""

import pickle

import numpy as np
import pytest
import yaml

from deepresolve.analyses.reference import (
    UnsafePickleError,
    agreement_summary,
    oniv_agreement,
    read_authors_oniv,
)

from .conftest import ROOT

PICKLE = "deepresolve-statistics/422-ONIV.pkl"


class _RunsCode:
    """Unpickling this calls os.system (a classic malicious pickle)."""

    def __reduce__(self):
        import os

        return (os.system, ("touch pwned",))


def test_a_pickle_that_would_run_code_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    bad = tmp_path / "422-ONIV.pkl"
    bad.write_bytes(pickle.dumps(_RunsCode(), protocol=2))
    with pytest.raises(UnsafePickleError) as error:
        read_authors_oniv(bad)
    message = str(error.value)
    assert str(bad) in message and "system" in message and "table1.authors_oniv" in message
    assert not (tmp_path / "pwned").exists()
    # a real pandas class is refused too: only the data-only stand-ins are allowed
    import pandas as pd

    frame = tmp_path / "frame.pkl"
    frame.write_bytes(pickle.dumps(pd.DataFrame({"oniv": [1.0]}), protocol=2))
    with pytest.raises(UnsafePickleError, match="refusing to unpickle pandas"):
        read_authors_oniv(frame)


@pytest.mark.shared_data("deepresolve-statistics")
def test_reads_the_authors_file(shared_data):
    data = shared_data
    table = read_authors_oniv(data / PICKLE)
    assert table.shape == (422, 3)
    assert table.index[0] == "wgEncodeAwgTfbsBroadDnd41CtcfUniPk"
    onivs = np.stack(table["oniv"].to_list())
    assert onivs.shape == (422, 16) and np.isfinite(onivs).all()
    assert set(table["num_compo"]) <= {1, 2, 3}
    experiments = {line.split("\t")[0] for line in (ROOT / "config/tf_motifs.tsv").open()}
    assert set(table.index) <= experiments


def test_agreement_statistics():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=16), rng.normal(size=16)
    table = oniv_agreement({"x": a, "y": a, "z": b}, {"x": a, "y": -a, "z": b * 2 + 1})
    assert table["pearson"].round(6).tolist() == [1.0, -1.0, 1.0]
    assert table["same_top1"].tolist() == [True, False, True]
    assert table["top5_overlap"].tolist() == [5, 0, 5]
    assert "same top-1 filter in 2 of 3 models" in agreement_summary(table)
    with pytest.raises(KeyError, match="no authors' ONIV"):
        oniv_agreement({"w": a}, {"x": a})
    with pytest.raises(ValueError, match="shape"):
        oniv_agreement({"x": a}, {"x": a[:8]})


@pytest.mark.shared_data("published-422tf-models", "deepresolve-statistics")
def test_our_onivs_at_the_authors_lambda_reproduce_theirs(shared_data):
    """Three published models at table1.fim (lambda 3, lr 0.01, config/config.yaml): Pearson
    r >= 0.99 with the authors' ONIV and the same top-1 filter for each."""
    from deepresolve.analyses.tf_models import load_published_models, model_onivs
    from deepresolve.method.fim import fim_options

    data = shared_data
    config = yaml.safe_load((ROOT / "config/config.yaml").read_text())
    settings = config["table1"]["fim"]
    assert (settings["l2"], settings["learning_rate"]) == (3.0, 0.01)
    experiments = [
        "wgEncodeAwgTfbsBroadDnd41CtcfUniPk",
        "wgEncodeAwgTfbsSydhK562Elk112771IggrabUniPk",
        "wgEncodeAwgTfbsHaibGm12878NrsfPcr1xUniPk",
    ]
    folder = data / "published-422tf-models"
    sources = {
        e: (folder / e / "16_G_best_archit.json", folder / e / "16_G_bestmodel_weights.h5")
        for e in experiments
    }
    models, _ = load_published_models(sources, exclude_failures=False)
    ours = model_onivs(
        models,
        fim_options=fim_options(settings),
        oniv_mode=settings["oniv_mode"],
        seed=config["seed"],
    )
    authors = read_authors_oniv(data / PICKLE)["oniv"]
    table = oniv_agreement({e: r.summary.oniv[0] for e, r in ours.items()}, authors)
    assert (table["pearson"] >= 0.99).all(), table
    assert table["same_top1"].all(), table
