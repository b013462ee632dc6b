from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from deepresolve.motifs import jaspar, tf_names
from tests.conftest import ROOT

TF_MOTIFS = ROOT / "config" / "tf_motifs.tsv"

TRICKY = {
    "wgEncodeAwgTfbsSydhK562Elk112771IggrabUniPk": ("Sydh", "K562", "ELK1"),
    "wgEncodeAwgTfbsHaibA549Creb1sc240V0416102Dex100nmUniPk": ("Haib", "A549", "CREB1"),
    "wgEncodeAwgTfbsHaibHelas3NrsfPcr1xUniPk": ("Haib", "Helas3", "REST"),
    "wgEncodeAwgTfbsHaibA549GrPcr1xDex500pmUniPk": ("Haib", "A549", "NR3C1"),
    "wgEncodeAwgTfbsSydhHepg2Grp20ForsklnUniPk": ("Sydh", "Hepg2", "NR3C1"),
    "wgEncodeAwgTfbsHaibK562Pu1Pcr1xUniPk": ("Haib", "K562", "SPI1"),
    "wgEncodeAwgTfbsSydhHepg2Tr4UcdUniPk": ("Sydh", "Hepg2", "NR2C2"),
    "wgEncodeAwgTfbsUtaMcf7CmycSerumstvdUniPk": ("Uta", "Mcf7", "MYC"),
    "wgEncodeAwgTfbsSydhK562Atf106325UniPk": ("Sydh", "K562", "ATF1"),
    "wgEncodeAwgTfbsSydhGm12878Rfx5200401194IggmusUniPk": ("Sydh", "Gm12878", "RFX5"),
    "wgEncodeAwgTfbsSydhGm12878Znf143166181apUniPk": ("Sydh", "Gm12878", "ZNF143"),
    "wgEncodeAwgTfbsSydhHelas3Tcf7l2c9b92565UcdUniPk": ("Sydh", "Helas3", "TCF7L2"),
    "wgEncodeAwgTfbsHaibEcc1EralphaaV0416102Est10nm1hUniPk": ("Haib", "Ecc1", "ESR1"),
    "wgEncodeAwgTfbsHaibT47dEraaV0416102Bpa1hUniPk": ("Haib", "T47d", "ESR1"),
    "wgEncodeAwgTfbsSydhHepg2ErraForsklnUniPk": ("Sydh", "Hepg2", "ESRRA"),
    "wgEncodeAwgTfbsSydhHelas3Ap2gammaUniPk": ("Sydh", "Helas3", "TFAP2C"),
    "wgEncodeAwgTfbsSydhMcf7Hae2f1UcdUniPk": ("Sydh", "Mcf7", "E2F1"),
    "wgEncodeAwgTfbsUchicagoK562EjunbUniPk": ("Uchicago", "K562", "JUNB"),
    "wgEncodeAwgTfbsSydhGm10847NfkbTnfaIggrabUniPk": ("Sydh", "Gm10847", "RELA"),
    "wgEncodeAwgTfbsHaibH1hescSp4v20V0422111UniPk": ("Haib", "H1hesc", "SP4"),
    "wgEncodeAwgTfbsSydhHelas3Prdm19115IggrabUniPk": ("Sydh", "Helas3", "PRDM1"),
    "wgEncodeAwgTfbsHaibA549Yy1cV0422111Etoh02UniPk": ("Haib", "A549", "YY1"),
    "wgEncodeAwgTfbsSydhShsy5yGata3sc269sc269UcdUniPk": ("Sydh", "Shsy5y", "GATA3"),
    "wgEncodeAwgTfbsUwSknshraCtcfUniPk": ("Uw", "Sknshra", "CTCF"),
    "wgEncodeAwgTfbsSydhPbdefetalGata1UcdUniPk": ("Sydh", "Pbdefetal", "GATA1"),
    "wgEncodeAwgTfbsHaibK562Stat5asc74442V0422111UniPk": ("Haib", "K562", "STAT5A"),
    "wgEncodeAwgTfbsSydhHepg2Srebp1InslnUniPk": ("Sydh", "Hepg2", "SREBF1"),
    "wgEncodeAwgTfbsSydhK562Pol24h8UniPk": ("Sydh", "K562", "POLR2A"),  # not among the 422
}


@pytest.mark.parametrize("name", sorted(TRICKY))
def test_parse_tricky_names(name):
    parts = tf_names.parse_experiment(name)
    assert (parts["lab"], parts["cell"], parts["tf"]) == TRICKY[name]
    assert parts["factor"] + parts["suffix"] == parts["factor_token"]
    assert (
        name == "wgEncodeAwgTfbs" + parts["lab"] + parts["cell"] + parts["factor_token"] + "UniPk"
    )


def test_parse_splits_antibody_and_treatment_codes():
    parts = tf_names.parse_experiment("wgEncodeAwgTfbsSydhK562Elk112771IggrabUniPk/")
    assert parts == {
        "lab": "Sydh",
        "cell": "K562",
        "factor_token": "Elk112771Iggrab",
        "factor": "Elk1",
        "suffix": "12771Iggrab",
        "tf": "ELK1",
    }
    assert tf_names.parse_experiment("wgEncodeAwgTfbsHaibK562CtcfcPcr1xUniPk")["factor"] == "Ctcf"


@pytest.mark.parametrize(
    "name, message",
    [
        ("wgEncodeSydhTfbsK562CtcfStdAln", "expected"),
        ("wgEncodeAwgTfbsFooK562CtcfUniPk", "unknown lab"),
        ("wgEncodeAwgTfbsSydhK562Xyz9UniPk", "unknown factor"),
        ("wgEncodeAwgTfbsSydhK562UniPk", "expected capitalised"),
    ],
)
def test_parse_rejects(name, message):
    with pytest.raises(ValueError, match=message):
        tf_names.parse_experiment(name)


@pytest.mark.shared_data("published-422tf-models")
def test_every_published_model_parses(shared_data):
    names = sorted(p.name for p in (shared_data / "published-422tf-models").iterdir())
    assert len(names) == 422
    parsed = [tf_names.parse_experiment(name) for name in names]
    assert all(p["tf"] for p in parsed)
    table = tf_names.read_tf_motifs(TF_MOTIFS)
    assert sorted(table["experiment"]) == names


def test_matrices_for_tf_dimers_and_case():
    fake = [
        SimpleNamespace(matrix_id="MA0147.4", name="MYC"),
        SimpleNamespace(matrix_id="MA0059.2", name="MAX::MYC"),
        SimpleNamespace(matrix_id="MA0058.4", name="MAX"),
        SimpleNamespace(matrix_id="MA0080.7", name="Spi1"),
        SimpleNamespace(matrix_id="MA0003.4", name="TFAP2A(var.2)"),
        SimpleNamespace(matrix_id="MA9999.1", name="MYCN"),
    ]
    assert jaspar.matrices_for_tf("MYC", fake) == ["MA0147.4", "MA0059.2"]
    assert jaspar.matrices_for_tf("max", fake) == ["MA0058.4", "MA0059.2"]
    assert jaspar.matrices_for_tf("SPI1", fake) == ["MA0080.7"]
    assert jaspar.matrices_for_tf("TFAP2A", fake) == ["MA0003.4"]
    assert jaspar.matrices_for_tf("POLR2A", fake) == []


def test_no_motif_gets_a_reason():
    table = tf_names.build_tf_motif_table(
        ["wgEncodeAwgTfbsSydhK562Pol24h8UniPk", "wgEncodeAwgTfbsBroadK562CtcfUniPk"],
        motifs=[SimpleNamespace(matrix_id="MA0139.2", name="CTCF")],
    )
    assert list(table["jaspar_ids"]) == ["", "MA0139.2"]
    assert "POLR2A" in table.loc[0, "reason"] and table.loc[1, "reason"] == ""


def test_committed_table_has_422_rows_and_regenerates():
    table = tf_names.read_tf_motifs(TF_MOTIFS)
    assert tuple(table.columns) == tf_names.TF_MOTIF_COLUMNS
    assert len(table) == 422 and table["experiment"].is_unique
    assert (table["jaspar_release"] == jaspar.JASPAR_RELEASE).all()
    assert ((table["jaspar_ids"] == "") == (table["reason"] != "")).all()
    regenerated = tf_names.build_tf_motif_table(table["experiment"])
    pd.testing.assert_frame_equal(regenerated, table)


def test_ctcf_experiments_map_to_ma0139():
    table = tf_names.read_tf_motifs(TF_MOTIFS)
    ctcf = table[table["tf"] == "CTCF"]
    assert len(ctcf) >= 90
    assert all(ids.split(",")[0].startswith("MA0139.") for ids in ctcf["jaspar_ids"])


def test_pwms_and_nsites():
    motifs = [m for m in jaspar.fetch_motifs() if m.matrix_id.startswith("MA0139.")]
    pwms, sites = jaspar.motif_pwms(motifs), jaspar.motif_nsites(motifs)
    (matrix_id,) = pwms
    assert pwms[matrix_id].shape[1] == 4
    np.testing.assert_allclose(pwms[matrix_id].sum(axis=1), 1.0)
    assert sites[matrix_id] > 100


def test_package_cache_holds_what_pyjaspar_gives():
    """The committed JASPAR cache is pyjaspar's CORE vertebrates collection, every count, in
    pyjaspar's order (rebuild with scripts/build_jaspar_cache.py when this fails)."""
    cached = jaspar.fetch_motifs()
    assert len(cached) > 1000
    assert cached == jaspar.read_pyjaspar()


def test_edited_cache_is_refused_naming_the_rebuild(tmp_path, monkeypatch, caplog):
    """A cache whose SHA-256 differs from its line in jaspar.sha256 (edited, truncated) is
    refused with the file and the command that rebuilds it; a release neither cached nor in
    pyjaspar too; an older release that pyjaspar has is parsed from its database, saying so."""
    matrices = jaspar.fetch_motifs()[:3]
    path = jaspar.write_jaspar_cache(matrices, "JASPAR2026", tmp_path)
    monkeypatch.setattr(jaspar, "JASPAR_DATA", tmp_path)
    jaspar.fetch_motifs.cache_clear()
    try:
        assert jaspar.fetch_motifs() == matrices
        jaspar.fetch_motifs.cache_clear()
        path.write_text(path.read_text().replace("MA0", "MB0", 1))
        with pytest.raises(ValueError, match="SHA-256") as error:
            jaspar.fetch_motifs()
        assert str(path) in str(error.value)
        assert "scripts/build_jaspar_cache.py --release JASPAR2026" in str(error.value)
        with pytest.raises(ValueError, match="no JASPAR cache for JASPAR2099.*no such release"):
            jaspar.fetch_motifs("JASPAR2099")
        with caplog.at_level("INFO", logger="deepresolve.motifs.jaspar"):
            older = jaspar.fetch_motifs("JASPAR2016")
        assert "JASPAR2016: not cached in the package, parsing pyjaspar" in caplog.text
        assert len(older) > 300 and {m.matrix_id[:2] for m in older} == {"MA"}
        assert older != matrices
    finally:
        jaspar.fetch_motifs.cache_clear()
