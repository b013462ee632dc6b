"""Claims as k of n replicate networks: the tables and the figures from per-network records."""

import itertools

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from deepresolve.analyses.replication import claim_rates, replicate_table
from deepresolve.datasets.synthetic import PAPER_TEST_AUC
from deepresolve.figures.claims import figure_claims_summary, figure_probe


def _landscape(depends_on):
    a, b = np.meshgrid(*[np.linspace(0, 1.5, 16)] * 2, indexing="ij")
    score = np.exp(-((a - b) ** 2)) if depends_on == "a - b" else np.exp(-((a + b - 1) ** 2))
    return {
        "patterns": ["CGCTTG", "CAGATG"],
        "fixed": [],
        "scale": np.linspace(0, 1.5, 16).tolist(),
        "score": score.tolist(),
        "r2_sum": 0.2 if depends_on == "a - b" else 0.9,
        "r2_difference": 0.9 if depends_on == "a - b" else 0.2,
        "depends_on": depends_on,
    }


def _records():
    cases = [
        {"patterns": [], "label": 0, "mean_score": -3.0, "sd_score": 1.0},
        {"patterns": ["CGCTTG"], "label": 1, "mean_score": 2.0, "sd_score": 1.0},
        {"patterns": ["CAGATG"], "label": 1, "mean_score": 2.5, "sd_score": 1.0},
        {"patterns": ["CGCTTG", "CAGATG"], "label": 0, "mean_score": -1.0, "sd_score": 1.0},
    ]
    claims, metrics = [], []
    # network 0 passes with an a - b landscape, 1 fails with a + b, 2 passes with a + b, 3 has
    # one filter for both patterns (not testable), 4 fails: opposite, always CGCTTG up
    networks = [
        ("passed", "a - b", (5, 5, 0)),
        ("failed: same signs", "a + b", (0, 0, 10)),
        ("passed", "a + b", (4, 6, 0)),
        ("not testable: shared filter", "a + b", (0, 0, 10)),
        ("failed: opposite, no flip", "a + b", (8, 0, 2)),
    ]
    for r, (category, depends_on, (a_up, b_up, same)) in enumerate(networks):
        claims.append(
            {
                "dataset": "I",
                "replicate": r,
                "claim": "Dataset I: ...",
                "passed": category == "passed",
                "testable": category != "not testable: shared filter",
                "n_opposite_sign_runs": a_up + b_up,
                "xor": {
                    "category": category,
                    "n_a_up": a_up,
                    "n_b_up": b_up,
                    "n_same_sign": same,
                },
                "probe": {
                    "constructed": [
                        {"class": "CGCTTG XOR CAGATG", "cases": cases, "computes_logic": r != 1}
                    ],
                    "computes_logic": r != 1,
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


def _rates(claims, metrics):
    return claim_rates(
        claims, metrics, {"I": {"fraction": 0.05}}, labels="planted", oniv_mode="released"
    )


def test_rates_count_passes_of_testable_networks_and_xor_categories():
    claims, metrics = _records()
    table = replicate_table(claims, metrics)
    assert table["passed"].tolist() == [True, False, True, False, False]
    assert table["testable"].tolist() == [True, True, True, False, True]
    assert table["xor_category"].tolist() == [c["xor"]["category"] for c in claims]
    assert table["xor_a_up_runs"].tolist() == [5, 0, 4, 0, 8]
    assert table["xor_same_sign_runs"].tolist() == [0, 10, 0, 10, 2]
    assert table["depends_on"].tolist() == ["a - b"] + ["a + b"] * 4
    assert "probe_predicts_pass" not in table
    rates = _rates(claims, metrics).iloc[0]
    assert (rates["n_passed"], rates["n_testable"], rates["n_not_testable"]) == (2, 4, 1)
    assert rates["n_replicates"] == 5 and rates["rate"] == pytest.approx(2 / 4)
    assert rates["passed_replicates"] == "0,2"
    assert rates["n_failed_same_signs"] == 1 and rates["n_failed_opposite_no_flip"] == 1
    assert rates["n_failed_signs_flip"] == 0
    assert rates["test_auc_mean"] == "0.920" and rates["test_auc_min"] == "0.900"
    assert rates["paper_test_auc"] == f"{PAPER_TEST_AUC['I'][0]:.3f}"  # the paper's
    assert rates["landscape_a_minus_b"] == "1 of 5" and rates["logic_computed"] == "4 of 5"
    assert "probe_agrees" not in rates
    assert rates["label_noise"] == 0.05


def test_tables_round_trip_with_empty_xor_columns_for_other_datasets(tmp_path):
    """Datasets without XOR get empty XOR cells (not 0), and counts stay integers in the TSV."""
    claims, metrics = _records()
    other = {**claims[0], "dataset": "IV", "probe": {**claims[0]["probe"], "landscape": None}}
    del other["xor"]
    claims.append(other)
    metrics.append({**metrics[0], "dataset": "IV", "test_auc": {"1": 0.99, "2": 0.99}})
    rates = claim_rates(
        claims,
        metrics,
        {"I": {"fraction": 0.05}, "IV": {"fraction": 0.04}},
        labels="planted",
        oniv_mode="released",
    )
    rates.to_csv(tmp_path / "claims.tsv", sep="\t", index=False)
    text = (tmp_path / "claims.tsv").read_text().splitlines()
    header, first, last = (line.split("\t") for line in (text[0], text[1], text[-1]))
    column = header.index("n_failed_same_signs")
    assert (first[column], last[column]) == ("1", "")
    assert last[header.index("landscape_a_minus_b")] == ""


def test_records_of_an_older_claims_rule_are_refused():
    claims, metrics = _records()
    del claims[1]["testable"]
    with pytest.raises(ValueError, match="I rep1 have no 'testable' key"):
        replicate_table(claims, metrics)
    claims, _ = _records()
    claims[0]["xor"]["category"] = "odd"
    with pytest.raises(ValueError, match="unknown XOR category 'odd'"):
        replicate_table(claims, metrics)


def test_mismatched_records_are_refused():
    claims, metrics = _records()
    with pytest.raises(ValueError, match="rep0 paired with metrics of I rep4"):
        replicate_table(claims, metrics[::-1])


def test_probe_figure_shows_every_network_with_its_verdict_and_category():
    claims, _ = _records()
    patterns = ["CAGGTC", "CGCTTG", "CAGATG"]
    cases = [  # dataset III's 8 cases, CAGGTC present throughout the landscape
        {"patterns": list(c), "label": int(len(c) == 2), "mean_score": 0.0, "sd_score": 1.0}
        for k in range(4)
        for c in itertools.combinations(patterns, k)
    ]
    for claim in claims:
        claim["probe"]["landscape"]["fixed"] = ["CAGGTC"]
        claim["probe"]["constructed"][0]["cases"] = cases
    fig = figure_probe(claims, title="probe")
    n = len(claims)
    assert len(fig.axes) == 3 * n  # per row: scores, landscape; then one colour bar per row
    scores, landscapes = fig.axes[0 : 2 * n : 2], fig.axes[1 : 2 * n : 2]
    titles = [ax.get_title() for ax in scores]
    assert titles[0].startswith("network 0: claim passed")
    assert titles[3].startswith("network 3: claim not testable")
    assert titles[4].endswith("XOR neurons: failed: opposite, no flip")
    for ax in scores:
        assert len(ax.patches) == 8  # one bar per constructed case
    for ax in landscapes:
        assert ax.get_xlabel().startswith("a: CGCTTG filters")
        assert ax.get_ylabel() == "b: CAGATG filters"
        assert "a − b" in ax.get_title() and "predict" not in ax.get_title()
        assert len(ax.images) == 1
        assert ax.get_title().startswith("score over a, b ≥ 0, with CAGGTC")
    # the landscape's y label does not run into its panel title (as it did at 150 dpi)
    canvas = FigureCanvasAgg(fig)
    fig.set_dpi(150)
    canvas.draw()
    renderer = canvas.get_renderer()
    for ax in landscapes:
        label = ax.yaxis.label.get_window_extent(renderer)
        title = ax.title.get_window_extent(renderer)
        assert not label.overlaps(title), (label, title)


def test_summary_figure_counts_testable_networks(tmp_path):
    claims, metrics = _records()
    rates = _rates(claims, metrics)
    fig = figure_claims_summary(rates, replicate_table(claims, metrics), title="summary")
    left, right = fig.axes
    assert [bar.get_height() for bar in left.patches] == [pytest.approx(0.5)]
    assert [t.get_text() for t in left.texts] == ["2 of 4\n+1 not testable"]
    points = {
        c.get_label(): len(c.get_offsets()) for c in right.collections if len(c.get_offsets())
    }
    assert points == {
        "network, claim passed": 2,
        "network, claim failed": 2,
        "network, not testable (shared filter)": 1,
    }
    assert [text.get_text() for text in right.get_legend().get_texts()] == [
        "network, claim passed",
        "network, claim failed",
        "network, not testable (shared filter)",
        "paper",
    ]
