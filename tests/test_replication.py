"""Claims as k of n replicate networks: the tables and the figures from per-network records."""

import pytest

from deepresolve.claims_plot import figure_claims_summary, figure_probe
from deepresolve.replication import claim_rates, replicate_table
from deepresolve.synthetic import PAPER_TEST_AUC


def _landscape(depends_on):
    return {
        "patterns": ["CGCTTG", "CAGATG"],
        "fixed": [],
        "scale": [0.0, 0.5, 1.0],
        "score": [[-1.0, 0.0, 1.0], [0.0, -1.0, 0.0], [1.0, 0.0, -1.0]],
        "r2_sum": 0.2 if depends_on == "a - b" else 0.9,
        "r2_difference": 0.9 if depends_on == "a - b" else 0.2,
        "depends_on": depends_on,
        "predicts_pass": depends_on == "a - b",
    }


def _records():
    cases = [
        {"patterns": [], "label": 0, "mean_score": -3.0, "sd_score": 1.0},
        {"patterns": ["CGCTTG"], "label": 1, "mean_score": 2.0, "sd_score": 1.0},
        {"patterns": ["CAGATG"], "label": 1, "mean_score": 2.5, "sd_score": 1.0},
        {"patterns": ["CGCTTG", "CAGATG"], "label": 0, "mean_score": -1.0, "sd_score": 1.0},
    ]
    claims, metrics = [], []
    # network 0 passes with an a - b landscape, 1 fails with a + b, 2 passes with a + b
    for r, (passed, depends_on) in enumerate([(True, "a - b"), (False, "a + b"), (True, "a + b")]):
        claims.append(
            {
                "dataset": "I",
                "replicate": r,
                "claim": "Dataset I: ...",
                "passed": passed,
                "n_opposite_sign_runs": 9 if passed else 3,
                "probe": {
                    "constructed": [
                        {"class": "CGCTTG XOR CAGATG", "cases": cases, "computes_logic": True}
                    ],
                    "computes_logic": True,
                    "landscape": _landscape(depends_on),
                },
            }
        )
        metrics.append(
            {
                "dataset": "I",
                "replicate": r,
                "seed": 2018 + r,
                "test_auc": {"CGCTTG XOR CAGATG": 0.90 + 0.01 * r},
            }
        )
    return claims, metrics


def test_rates_count_passes_aucs_and_probe_agreement():
    claims, metrics = _records()
    table = replicate_table(claims, metrics)
    assert table["passed"].tolist() == [True, False, True]
    assert table["depends_on"].tolist() == ["a - b", "a + b", "a + b"]
    rates = claim_rates(
        claims, metrics, {"I": {"fraction": 0.05}}, labels="planted", oniv_mode="released"
    ).iloc[0]
    assert (rates["n_passed"], rates["n_replicates"]) == (2, 3)
    assert rates["rate"] == pytest.approx(2 / 3)
    assert rates["passed_replicates"] == "0,2"
    assert rates["test_auc_mean"] == "0.910" and rates["test_auc_min"] == "0.900"
    assert rates["paper_test_auc"] == f"{PAPER_TEST_AUC['I'][0]:.3f}"  # the paper's, 3 decimals
    assert rates["probe_agrees"] == "2 of 3" and rates["logic_computed"] == "3 of 3"
    assert rates["label_noise"] == 0.05


def test_mismatched_records_are_refused():
    claims, metrics = _records()
    with pytest.raises(ValueError, match="rep0 paired with metrics of I rep2"):
        replicate_table(claims, metrics[::-1])


def test_figures_render(tmp_path):
    claims, metrics = _records()
    rates = claim_rates(
        claims, metrics, {"I": {"fraction": 0.05}}, labels="planted", oniv_mode="released"
    )
    figure_probe(claims, title="probe").savefig(tmp_path / "probe.png")
    figure_claims_summary(rates, replicate_table(claims, metrics), title="summary").savefig(
        tmp_path / "summary.png"
    )
    assert (tmp_path / "probe.png").stat().st_size > 10000
    assert (tmp_path / "summary.png").stat().st_size > 10000
