"""Table 1 under other matching protocols: which choice moves which DeepResolve cell.

Table 1 counts experiments whose top-k filters match "the known motif" below a threshold; how
a filter is matched is a chain of choices the paper does not spell out. The authors' scripts
(``code/utils/422tf`` of lgsaber/DeepResolve) fix some of them: filters as PWMs without
pseudocount (``1_allmotifgen_DR_weighted_oniv.py``, then ``uniprobe2meme``: uniform
background), ``tomtom -incomplete-scores -thresh 1`` against **one** motif file per experiment
(``2_match_DR.py``: the experiment's mapped matrix), and the thresholds read as **E-values**
(``3_evalu_ext.py``, ``4_count_percent_all.py``: ``E <= 0.5``, ``E <= 0.05``; with one target
``E = p``). Their MEME 4 version is not recorded; its default distance differs by version
(Pearson in 4.9-4.10, ``ed`` from 4.11, which also added the motif pseudocount), so ``dist``
is a setting.

A *choice* (:data:`DEFAULT_CHOICE`, overridden key by key) says:

``release``
    JASPAR CORE vertebrates release (through pyjaspar, offline): which matrices the TF has.
``known``
    ``primary`` (the TF's first matrix, one target per experiment) or ``all`` (every matrix
    of the TF, dimers included).
``targets``
    ``known`` (TOMTOM against the known matrices only, the paper's statistic) or ``jaspar``
    (against the whole release; the filter's E against the TF's known matrices counts).
``engine``, ``dist``, ``incomplete_scores``, ``motif_pseudo``
    TOMTOM (:func:`deepresolve.motifs.tomtom.run_tomtom`); memelite has only ``ed`` with complete
    scores, MEME's tomtom has all.
``statistic``
    ``p`` (a filter counts when ``p < threshold``, this workflow's default) or ``E`` (when
    ``E <= threshold``, ``E = p x`` the number of targets of the call, the authors').

Shapes: per experiment ``K`` filters, PWMs ``(K, w, 4)`` over A, C, G, T.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from deepresolve.analyses.table1 import TOP_K, column_name
from deepresolve.analyses.tf_models import filter_names
from deepresolve.method.importance import rank_filters
from deepresolve.motifs.tomtom import run_tomtom

#: This workflow's matching (config/table1.yaml's Table 1 rows).
DEFAULT_CHOICE = {
    "release": "JASPAR2026",
    "known": "primary",
    "targets": "known",
    "engine": "memelite",
    "dist": "ed",
    "incomplete_scores": False,
    "motif_pseudo": 0.1,
    "statistic": "p",
}
#: The two rankings of the filters each choice is counted with.
RANKINGS = ("ours", "authors' ONIV")
#: The paper's DeepResolve cells (counts of 422): (k, threshold) in Table 1's column order.
CELLS = tuple((k, t) for k in TOP_K for t in (0.5, 0.05))
_QUERIES_PER_CALL = 2048


def choice_settings(choice: Mapping, name: str = "choice") -> dict:
    """``choice`` over :data:`DEFAULT_CHOICE`, checked.

    Raises
    ------
    ValueError
        An unknown key, a value out of range, or a setting the engine cannot do (memelite:
        ``dist`` other than ``ed``, ``incomplete_scores``), naming the choice and the key.
    """
    unknown = sorted(set(choice) - set(DEFAULT_CHOICE))
    if unknown:
        raise ValueError(f"{name}: unknown keys {unknown}; known: {sorted(DEFAULT_CHOICE)}")
    settings = {**DEFAULT_CHOICE, **choice}
    allowed = {
        "known": ("primary", "all"),
        "targets": ("known", "jaspar"),
        "engine": ("memelite", "meme"),
        "statistic": ("p", "E"),
    }
    for key, values in allowed.items():
        if settings[key] not in values:
            raise ValueError(f"{name}: {key}: expected one of {values}, got {settings[key]!r}")
    if settings["engine"] == "memelite" and (
        settings["dist"] != "ed" or settings["incomplete_scores"]
    ):
        raise ValueError(
            f"{name}: memelite has only dist ed with complete scores (got dist "
            f"{settings['dist']!r}, incomplete_scores {settings['incomplete_scores']}); set "
            "engine: meme for these"
        )
    return settings


def describe(settings: Mapping) -> str:
    """One line naming a choice's settings, e.g. ``JASPAR2026, primary, known, memelite ed,
    complete, pseudo 0.1, p <``."""
    scores = "incomplete" if settings["incomplete_scores"] else "complete"
    test = "p <" if settings["statistic"] == "p" else "E <="
    return (
        f"{settings['release']}, {settings['known']} of the TF, vs {settings['targets']}, "
        f"{settings['engine']} {settings['dist']}, {scores}, pseudo "
        f"{settings['motif_pseudo']:g}, {test}"
    )


def tf_matrices(experiments: Sequence[str], motifs: Sequence, release: str) -> dict[str, list[str]]:
    """Experiment -> its TF's matrix IDs in ``motifs`` (JASPAR ``release``), primary first;
    experiments whose TF has none are left out
    (:func:`deepresolve.motifs.tf_names.build_tf_motif_table`).
    """
    from deepresolve.motifs.tf_names import build_tf_motif_table

    table = build_tf_motif_table(experiments, release, motifs)
    return {
        row.experiment: row.jaspar_ids.split(",") for row in table.itertuples() if row.jaspar_ids
    }


def filter_statistics(
    pwms_of: Mapping[str, np.ndarray], motifs: Sequence, settings: Mapping
) -> pd.DataFrame:
    """Each filter's statistic against its experiment's known motif(s) under one choice.

    Parameters
    ----------
    pwms_of : dict of str -> array, shape=(K, w, 4)
        Experiment -> its filters as PWMs (filter ``i`` named ``filter_<i>``).
    motifs : sequence of Bio.motifs.jaspar.Motif
        The release's CORE vertebrates matrices (:func:`deepresolve.motifs.jaspar.fetch_motifs`).
    settings : dict
        :func:`choice_settings`.

    Returns
    -------
    DataFrame
        One row per (experiment, filter) of the experiments whose TF has a matrix in
        ``motifs``: ``experiment, filter, target, p, E, value`` (``value``: the statistic the
        thresholds apply to, p or E; the best over the known matrices).
    """
    from deepresolve.motifs.jaspar import motif_nsites, motif_pwms

    known_of = tf_matrices(list(pwms_of), motifs, settings["release"])
    if settings["known"] == "primary":
        known_of = {e: ids[:1] for e, ids in known_of.items()}
    pwms, nsites = motif_pwms(motifs), motif_nsites(motifs)
    options = {"engine": settings["engine"], "motif_pseudo": settings["motif_pseudo"]}
    if settings["engine"] == "meme":
        options |= {"dist": settings["dist"], "incomplete_scores": settings["incomplete_scores"]}
    parts = []
    with warnings.catch_warnings():
        # memelite warns that p against < 25 targets depends on them: the paper's statistic
        warnings.filterwarnings("ignore", message="tomtom was given", category=UserWarning)
        if settings["targets"] == "known":
            for experiment, ids in known_of.items():
                queries = _queries({experiment: pwms_of[experiment]})
                targets = {i: pwms[i] for i in ids}
                hits = run_tomtom(
                    queries, targets, target_nsites={i: nsites[i] for i in ids}, **options
                )
                parts.append(hits)
        else:
            queries = _queries({e: pwms_of[e] for e in known_of})
            names = list(queries)
            for start in range(0, len(names), _QUERIES_PER_CALL):
                chunk = {n: queries[n] for n in names[start : start + _QUERIES_PER_CALL]}
                hits = run_tomtom(chunk, pwms, target_nsites=nsites, **options)
                experiment = hits["query"].str.split("|", regex=False).str[0]
                own = [t in known_of[e] for e, t in zip(experiment, hits["target"], strict=True)]
                parts.append(hits[own])
    hits = pd.concat(parts, ignore_index=True)
    hits[["experiment", "filter"]] = hits["query"].str.split(
        "|filter_", n=1, expand=True, regex=False
    )
    hits["filter"] = hits["filter"].astype(int)
    hits["value"] = hits[settings["statistic"]]
    best = hits.sort_values(["value", "target"], kind="stable").drop_duplicates(
        ["experiment", "filter"]
    )
    best = best.sort_values(["experiment", "filter"], kind="stable")
    return best[["experiment", "filter", "target", "p", "E", "value"]].reset_index(drop=True)


def _queries(pwms_of: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """``"<experiment>|filter_<i>"`` -> PWM of every filter of every experiment."""
    return {
        f"{experiment}|{name}": pwm
        for experiment, pwms in pwms_of.items()
        for name, pwm in zip(filter_names(len(pwms)), pwms, strict=True)
    }


def cell_counts(
    statistics: pd.DataFrame, importance: Mapping[str, np.ndarray], statistic: str
) -> dict[str, int]:
    """Table 1's six DeepResolve cells from :func:`filter_statistics` and a filter ranking.

    ``importance``: experiment -> ``(K,)`` values in filter order (largest ranks first); only
    experiments present in both count. ``statistic`` ``p`` counts ``value < t``, ``E``
    counts ``value <= t``. Returns ``{"n_experiments": n, "top1_p<0.5": count, ...}``.
    """
    counts = {column_name(k, t): 0 for k, t in CELLS}
    n = 0
    for experiment, group in statistics.groupby("experiment", sort=False):
        if experiment not in importance:
            continue
        n += 1
        value = np.full(len(importance[experiment]), np.inf)
        value[group["filter"].to_numpy()] = group["value"].to_numpy()
        order = rank_filters(importance[experiment])
        for k, t in CELLS:
            top = value[order[:k]]
            counts[column_name(k, t)] += int((top <= t if statistic == "E" else top < t).any())
    return {"n_experiments": n, **counts}


def paper_distance(counts: Mapping[str, float]) -> float:
    """Sum over the six cells of ``|count - paper's count|`` (the paper's DeepResolve row)."""
    from deepresolve.analyses.table1 import PAPER_TABLE1

    paper = PAPER_TABLE1["DeepResolve"]
    return float(sum(abs(counts[column_name(k, t)] - paper[(k, t)]) for k, t in CELLS))
