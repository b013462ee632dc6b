"""The synthetic claims as a replication study: one row per replicate network, and each claim
as k of n testable networks with their test AUCs, what the XOR networks' NIV signs show, and
the probe.

Inputs are the JSON records the workflow writes per replicate network (``claims.json`` of
:func:`deepresolve.analyses.claims.claims_on_filter_sets` plus ``probe`` of
:func:`deepresolve.analyses.probe.probe_network`; ``metrics.json`` of training) and per dataset
(``label_noise.json`` of :func:`deepresolve.datasets.synthetic.label_noise`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from deepresolve.analyses.claims import XOR_CATEGORIES
from deepresolve.datasets.synthetic import PAPER_TEST_AUC

# claims.tsv column counting each XOR category of claims.json (not testable: n_not_testable).
_CATEGORY_COLUMNS = {
    "failed: signs flip": "n_failed_signs_flip",
    "failed: opposite, no flip": "n_failed_opposite_no_flip",
    "failed: same signs": "n_failed_same_signs",
}


def _aucs(metrics: Mapping) -> list[float]:
    return [float(a) for a in metrics["test_auc"].values()]


def _joined(values: Sequence[float]) -> str:
    return "/".join(f"{v:.3f}" for v in values)


def _xor_columns(claim: Mapping) -> dict:
    """replicates.tsv's columns of the XOR record (empty for datasets without XOR)."""
    xor = claim.get("xor")
    if xor is None:
        return {
            "xor_category": "",
            "xor_a_up_runs": pd.NA,
            "xor_b_up_runs": pd.NA,
            "xor_same_sign_runs": pd.NA,
        }
    if xor["category"] not in XOR_CATEGORIES:
        raise ValueError(
            f"claims of {claim['dataset']} rep{claim['replicate']}: unknown XOR category "
            f"{xor['category']!r}; known: {', '.join(XOR_CATEGORIES)}"
        )
    return {
        "xor_category": xor["category"],
        "xor_a_up_runs": xor["n_a_up"],
        "xor_b_up_runs": xor["n_b_up"],
        "xor_same_sign_runs": xor["n_same_sign"],
    }


def replicate_table(claims: Sequence[Mapping], metrics: Sequence[Mapping]) -> pd.DataFrame:
    """One row per replicate network: verdict, test AUCs, XOR signs, probe.

    Parameters
    ----------
    claims, metrics: lists of dicts, one per network, in the same order
        ``claims.json`` and ``metrics.json`` records.

    Returns
    -------
    DataFrame with ``dataset, replicate, seed, passed`` (the paper's thresholds), ``testable``
    (false when the two XOR patterns share a filter), ``test_auc`` (per class, "/"-joined),
    ``xor_category`` (:func:`deepresolve.analyses.claims.xor_category`) with the runs in which the
    first XOR pattern's neuron is up and the second down (``xor_a_up_runs``), the reverse
    (``xor_b_up_runs``) and both of one sign (``xor_same_sign_runs``), these four empty for
    datasets without XOR; ``computes_logic``, ``depends_on``, ``r2_sum``, ``r2_difference`` (the
    probe's landscape, empty without XOR) and ``details`` (the claim's numbers, JSON).
    """
    rows = []
    for claim, metric in zip(claims, metrics, strict=True):
        if (claim["dataset"], claim["replicate"]) != (metric["dataset"], metric["replicate"]):
            raise ValueError(
                f"claims of {claim['dataset']} rep{claim['replicate']} paired with metrics of "
                f"{metric['dataset']} rep{metric['replicate']}"
            )
        if "testable" not in claim:
            raise ValueError(
                f"claims of {claim['dataset']} rep{claim['replicate']} have no 'testable' key: "
                "written by an older version; rerun rule claims"
            )
        landscape = claim["probe"]["landscape"] or {}
        skip = {"dataset", "replicate", "claim", "passed", "testable", "probe"}
        rows.append(
            {
                "dataset": claim["dataset"],
                "replicate": int(claim["replicate"]),
                "seed": int(metric["seed"]),
                "passed": bool(claim["passed"]),
                "testable": bool(claim["testable"]),
                "test_auc": _joined(_aucs(metric)),
                **_xor_columns(claim),
                "computes_logic": bool(claim["probe"]["computes_logic"]),
                "depends_on": landscape.get("depends_on", ""),
                "r2_sum": landscape.get("r2_sum", np.nan),
                "r2_difference": landscape.get("r2_difference", np.nan),
                "details": json.dumps(
                    {k: v for k, v in claim.items() if k not in skip}, sort_keys=True
                ),
            }
        )
    table = pd.DataFrame(rows)
    for column in ("xor_a_up_runs", "xor_b_up_runs", "xor_same_sign_runs"):
        table[column] = table[column].astype("Int64")
    return table


def claim_rates(
    claims: Sequence[Mapping],
    metrics: Sequence[Mapping],
    label_noise: Mapping[str, Mapping],
    *,
    labels: str,
    oniv_mode: str,
) -> pd.DataFrame:
    """Each dataset's claim as k of n replicate networks.

    Parameters
    ----------
    claims, metrics: lists of dicts, one per network (as :func:`replicate_table`)
    label_noise: dict of dataset -> ``label_noise.json`` record
    labels, oniv_mode: str
        The run's label mode and ONIV mode, recorded in every row.

    Returns
    -------
    DataFrame, one row per dataset: ``dataset, claim``; ``n_passed`` (testable networks that
    pass), ``n_testable``, ``n_not_testable`` (the two XOR patterns share a filter, so there are
    no two neurons to compare), ``n_replicates`` (all networks), ``rate`` (``n_passed /
    n_testable``), ``passed_replicates``; for the XOR claims the testable networks that fail,
    by what their NIV signs show (:func:`deepresolve.analyses.claims.xor_category`):
    ``n_failed_signs_flip``, ``n_failed_opposite_no_flip``, ``n_failed_same_signs`` (empty
    without XOR); ``test_auc_mean`` (per class), ``test_auc_min``, ``paper_test_auc``,
    ``labels, label_noise`` (fraction of sequences whose label disagrees with their content),
    ``logic_computed`` (networks whose constructed-sequence scores follow the rule),
    ``landscape_a_minus_b`` (networks whose probe landscape over a, b >= 0 is better explained
    by a - b than by a + b; empty without XOR), ``oniv_mode``.
    """
    table = replicate_table(claims, metrics)
    sentence = {c["dataset"]: c["claim"] for c in claims}
    auc = {d: [] for d in sentence}
    for metric in metrics:
        auc[metric["dataset"]].append(_aucs(metric))
    rows = []
    for dataset, part in table.groupby("dataset", sort=False):
        n = len(part)
        aucs = np.array(auc[dataset])
        testable = part[part["testable"]]
        passed = testable[testable["passed"]]
        has_xor = (part["xor_category"] != "").all()
        categories = part["xor_category"].value_counts()
        rows.append(
            {
                "dataset": dataset,
                "claim": sentence[dataset],
                "n_passed": len(passed),
                "n_testable": len(testable),
                "n_not_testable": n - len(testable),
                "n_replicates": n,
                "rate": len(passed) / len(testable) if len(testable) else np.nan,
                "passed_replicates": ",".join(map(str, passed["replicate"])),
                **{
                    column: int(categories.get(category, 0)) if has_xor else pd.NA
                    for category, column in _CATEGORY_COLUMNS.items()
                },
                "test_auc_mean": _joined(aucs.mean(axis=0)),
                "test_auc_min": _joined(aucs.min(axis=0)),
                "paper_test_auc": _joined(PAPER_TEST_AUC[dataset]),
                "labels": labels,
                "label_noise": float(label_noise[dataset]["fraction"]),
                "logic_computed": f"{int(part['computes_logic'].sum())} of {n}",
                "landscape_a_minus_b": (
                    f"{int((part['depends_on'] == 'a - b').sum())} of {n}" if has_xor else ""
                ),
                "oniv_mode": oniv_mode,
            }
        )
    rates = pd.DataFrame(rows)
    for column in _CATEGORY_COLUMNS.values():
        rates[column] = rates[column].astype("Int64")
    return rates
