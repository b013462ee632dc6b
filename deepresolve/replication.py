"""The synthetic claims as a replication study: one row per replicate network, and each claim
as k of n networks with their test AUCs and whether the probe predicts the verdict.

Inputs are the JSON records the workflow writes per replicate network (``claims.json`` of
:func:`deepresolve.claims.claims_on_filter_sets` plus ``probe`` of
:func:`deepresolve.probe.probe_network`; ``metrics.json`` of training) and per dataset
(``label_noise.json`` of :func:`deepresolve.synthetic.label_noise`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from deepresolve.synthetic import PAPER_TEST_AUC


def _aucs(metrics: Mapping) -> list[float]:
    return [float(a) for a in metrics["test_auc"].values()]


def _joined(values: Sequence[float]) -> str:
    return "/".join(f"{v:.3f}" for v in values)


def replicate_table(claims: Sequence[Mapping], metrics: Sequence[Mapping]) -> pd.DataFrame:
    """One row per replicate network: verdict, test AUCs, probe.

    Parameters
    ----------
    claims, metrics: lists of dicts, one per network, in the same order
        ``claims.json`` and ``metrics.json`` records.

    Returns
    -------
    DataFrame with ``dataset, replicate, seed, passed, test_auc`` (per class, "/"-joined),
    ``computes_logic``, ``depends_on``, ``r2_sum``, ``r2_difference``, ``probe_predicts_pass``
    (empty for datasets without an XOR landscape) and ``details`` (the claim's numbers, JSON).
    """
    rows = []
    for claim, metric in zip(claims, metrics, strict=True):
        if (claim["dataset"], claim["replicate"]) != (metric["dataset"], metric["replicate"]):
            raise ValueError(
                f"claims of {claim['dataset']} rep{claim['replicate']} paired with metrics of "
                f"{metric['dataset']} rep{metric['replicate']}"
            )
        landscape = claim["probe"]["landscape"] or {}
        skip = {"dataset", "replicate", "claim", "passed", "probe"}
        rows.append(
            {
                "dataset": claim["dataset"],
                "replicate": int(claim["replicate"]),
                "seed": int(metric["seed"]),
                "passed": bool(claim["passed"]),
                "test_auc": _joined(_aucs(metric)),
                "computes_logic": bool(claim["probe"]["computes_logic"]),
                "depends_on": landscape.get("depends_on", ""),
                "r2_sum": landscape.get("r2_sum", np.nan),
                "r2_difference": landscape.get("r2_difference", np.nan),
                "probe_predicts_pass": landscape.get("predicts_pass", ""),
                "details": json.dumps(
                    {k: v for k, v in claim.items() if k not in skip}, sort_keys=True
                ),
            }
        )
    return pd.DataFrame(rows)


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
    DataFrame, one row per dataset: ``dataset, claim, n_passed, n_replicates, rate,
    passed_replicates, test_auc_mean`` (per class), ``test_auc_min``, ``paper_test_auc``,
    ``labels, label_noise`` (fraction of sequences whose label disagrees with their content),
    ``logic_computed`` (networks whose constructed-sequence scores follow the rule),
    ``probe_agrees`` (networks whose XOR landscape predicts their verdict; empty without one),
    ``oniv_mode``.
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
        predicted = part["probe_predicts_pass"]
        has_probe = predicted.map(lambda v: isinstance(v, bool | np.bool_)).all()
        rows.append(
            {
                "dataset": dataset,
                "claim": sentence[dataset],
                "n_passed": int(part["passed"].sum()),
                "n_replicates": n,
                "rate": float(part["passed"].mean()),
                "passed_replicates": ",".join(map(str, part.loc[part["passed"], "replicate"])),
                "test_auc_mean": _joined(aucs.mean(axis=0)),
                "test_auc_min": _joined(aucs.min(axis=0)),
                "paper_test_auc": _joined(PAPER_TEST_AUC[dataset]),
                "labels": labels,
                "label_noise": float(label_noise[dataset]["fraction"]),
                "logic_computed": f"{int(part['computes_logic'].sum())} of {n}",
                "probe_agrees": (
                    f"{int((predicted.astype(bool) == part['passed']).sum())} of {n}"
                    if has_probe
                    else ""
                ),
                "oniv_mode": oniv_mode,
            }
        )
    return pd.DataFrame(rows)
