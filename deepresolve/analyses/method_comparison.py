"""Table 1's four methods side by side (paper §5.1), as far as the reachable data allows: one
table (rule ``table1_methods``) of the published models and of the ChIP-seq experiments.

- **DeepResolve** and **enhanced DeepMotif** need the model only: they run on every published
  model (:func:`deepmotif_ranked` matches eDM's PWMs as :mod:`deepresolve.analyses.tf_models`
  matches DeepResolve's filters).
- **Grad-CAM** and **gradient x input** need bound sequences of the experiment: they run on the
  experiments with sequences (:func:`experiment_sequences`: a Zeng ``motif_discovery`` file or a
  DeepBind ENCODE file); their filter rankings reuse DeepResolve's per-filter TOMTOM matches
  (:func:`filter_ranked`), the filters being the same.
- **The ChIP-seq experiments** (``chipseq.experiments``, a model trained here or a published
  one, with the experiment's own sequences): :func:`compare_methods` runs all four methods on
  one such model (rule ``chipseq_methods``); :func:`split_excluded` leaves out those whose test
  AUC was unusable.

:func:`comparison_table` counts every method as Table 1 does, on all experiments it covers, on
the experiments every method covers (equal ground) and on the ChIP-seq experiments;
:func:`check_claims` tests the paper's sentences about Table 1 on equal ground;
:func:`deepresolve.figures.table1.plot_comparison` draws ours beside the paper's.

Per-experiment success tables are :func:`deepresolve.analyses.table1.experiment_detail` frames (one
row per experiment, ``top{k}_p<{t}`` / ``top{k}_strict`` booleans and ``random_`` expectations).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from os import PathLike

import keras
import numpy as np
import pandas as pd

from deepresolve.analyses.table1 import (
    COVERAGE_ALL,
    COVERAGE_CHIPSEQ,
    COVERAGE_SHARED,
    PAPER_N_EXPERIMENTS,
    PAPER_ROW_OF,
    PAPER_TABLE1,
    THRESHOLDS,
    TOP_K,
    column_name,
    counts,
    summarise,
)
from deepresolve.analyses.tf_models import (
    MotifCollection,
    analyse_models,
    jaspar_hits,
    known_motif_hits,
    ranked_table,
)
from deepresolve.datasets.chipseq_parts import TEST, ExperimentSequences
from deepresolve.method.attribution import (
    AUTHORS_DEEPMOTIF,
    ENHANCED_DEEPMOTIF,
    GRAD_CAM,
    GRADIENT_X_INPUT,
    DeepMotifResult,
    FilterScores,
    enhanced_deepmotif,
    gradient_filter_scores,
)

log = logging.getLogger(__name__)

DEEPRESOLVE = "DeepResolve"
METHODS = (DEEPRESOLVE, GRAD_CAM, GRADIENT_X_INPUT, ENHANCED_DEEPMOTIF)
SEQUENCE_SOURCES = ("zeng", "deepbind")
ALL = COVERAGE_ALL  # coverage: every experiment the method ran on
SHARED = COVERAGE_SHARED  # coverage: the experiments all four methods ran on
CHIPSEQ = COVERAGE_CHIPSEQ  # coverage: the ChIP-seq experiments (all four methods on each)
#: Fields of an experiment's summary (rule table1_gradients) and columns of the table of the
#: experiments with sequences: where the sequences come from, the positives used, the AUC.
SEQUENCE_COLUMNS = (
    "experiment",
    "source",
    "sequences",
    "positive_pool",
    "n_positives_available",
    "n_positives_used",
    "auc",
    "auc_bound",
    "auc_unbound",
    "seed",
)
#: Columns of a claims table (:func:`check_claims`).
CLAIM_COLUMNS = (
    "claim",
    "ground",
    "n_experiments",
    "k",
    "threshold",
    "deepresolve",
    "other",
    "required",
    "passed",
    "paper_deepresolve",
    "paper_other",
    "paper_passed",
)


def experiment_sequences(source: str, path: str | PathLike) -> tuple[np.ndarray, np.ndarray]:
    """One-hot sequences and labels of one experiment's file.

    Parameters
    ----------
    source : {"zeng", "deepbind"}
        A Zeng et al. ``motif_discovery`` ``*.data`` file
        (:func:`deepresolve.datasets.zeng.read_zeng`)
        or a DeepBind ``*.seq(.gz)`` file (:func:`deepresolve.datasets.deepbind.read_deepbind`).
    path : path

    Returns
    -------
    (X, labels)
        ``X: (n, length, 4)`` uint8 one-hot A, C, G, T; ``labels: (n,)`` int64, 1 = bound.
    """
    if source == "zeng":
        from deepresolve.datasets.zeng import read_zeng

        data = read_zeng(path)
        return data.X, np.asarray(data.labels, dtype=np.int64)
    if source == "deepbind":
        from deepresolve.datasets.deepbind import read_deepbind
        from deepresolve.datasets.sequences import one_hot

        table = read_deepbind(path)
        return one_hot(table["sequence"].tolist()), table["bound"].to_numpy(dtype=np.int64)
    raise ValueError(f"sequence source {source!r} is not one of {SEQUENCE_SOURCES}")


def split_excluded(evaluations: Iterable[Mapping]) -> tuple[list[Mapping], str | None]:
    """The evaluations Table 1 counts, and a note on the excluded ones.

    ``evaluations``: the ``evaluation.json`` contents of rule ``chipseq_methods``; one with an
    ``"excluded"`` reason (:func:`deepresolve.analyses.chipseq.check_test_auc` under
    ``chipseq.auc_failure: exclude``) is left out and named in the note (``None`` when nothing
    is excluded). Raises ``ValueError`` when every experiment is excluded: a table of nothing
    would read as a result.
    """
    evaluations = list(evaluations)
    counted = [e for e in evaluations if not e.get("excluded")]
    note = "; ".join(
        f"{e['experiment']} ({e['excluded']})" for e in evaluations if e.get("excluded")
    )
    if not counted:
        raise ValueError(f"every experiment of chipseq.experiments is excluded: {note}")
    return counted, note or None


def compare_methods(
    experiment: str,
    model: keras.Model,
    sequences: ExperimentSequences,
    motifs: MotifCollection,
    *,
    fim_options: Mapping | None = None,
    oniv_mode: str = "released",
    n_sequences: int = 5000,
    deepmotif_options: Mapping | None = None,
    seed: int = 0,
) -> tuple[pd.DataFrame, np.ndarray]:
    """DeepResolve, Grad-CAM, gradient x input and enhanced DeepMotif on one model.

    The input-dependent methods sample ``n_sequences`` positives of the test part (all test
    positives when fewer). Every method's ranked filters (enhanced DeepMotif: its 5 PWMs, best
    first) are matched with the experiment's known motif(s) and with the whole JASPAR collection
    like DeepResolve's (:func:`deepresolve.analyses.tf_models.ranked_table`).

    Returns
    -------
    (ranked, edm_pwms)
        ``ranked``: the ranked tables of the four methods stacked, with a ``method`` column and
        the method's own ``score`` (DeepResolve: the ONIV); ``edm_pwms: (5, w, 4)``.
    """
    rows = (sequences.part == TEST) & (sequences.labels == 1)
    if not rows.any():
        raise ValueError(f"experiment {experiment}: no positive sequence in the test part")
    dr = analyse_models(
        {experiment: model}, motifs, fim_options=fim_options, oniv_mode=oniv_mode, seed=seed
    )[experiment]
    tf_matrices = motifs.tf_matrices(experiment)
    tables = [dr.ranked.assign(method=DEEPRESOLVE, score=dr.ranked["oniv"])]
    X = sequences.X[rows].astype(np.float32)
    gradients = gradient_filter_scores(model, X, n_sequences=n_sequences, seed=seed)
    for method, scores in gradients.items():
        ranked = ranked_table(
            experiment,
            scores.ranking,
            {"score": scores.scores},
            dr.known_hits,
            dr.jaspar_hits,
            tf_matrices,
        )
        tables.append(ranked.assign(method=method))
    edm = enhanced_deepmotif(model, seed=seed, **dict(deepmotif_options or {}))
    edm_known = known_motif_hits(edm.pwms, experiment, motifs)
    edm_jaspar = jaspar_hits({experiment: edm.pwms}, motifs).drop(columns="experiment")
    order = np.arange(len(edm.pwms))  # already best first, by class score
    ranked = ranked_table(
        experiment, order, {"score": edm.scores}, edm_known, edm_jaspar, tf_matrices
    )
    tables.append(ranked.assign(method=ENHANCED_DEEPMOTIF))
    stacked = pd.concat(tables, ignore_index=True)
    first = ["experiment", "method", "rank", "filter", "score"]
    stacked = stacked[first + [c for c in stacked.columns if c not in first]]
    for method, table in stacked.groupby("method", sort=False):
        top = table.iloc[0]
        log.info(
            "%s %s: top %d, known p %.2g, best JASPAR %s (E %.2g)",
            experiment,
            method,
            top["filter"],
            top["known_p"],
            top["jaspar_name"],
            top["jaspar_E"],
        )
    return stacked, edm.pwms


def filter_ranked(
    experiment: str,
    scores: Mapping[str, FilterScores],
    known_hits: pd.DataFrame,
    jaspar: pd.DataFrame,
    tf_matrices: set[str],
) -> pd.DataFrame:
    """Ranked-filter tables of the input-dependent methods of one experiment, stacked.

    ``scores``: method -> :class:`~deepresolve.method.attribution.FilterScores`; ``known_hits`` and
    ``jaspar``: this experiment's TOMTOM tables of its filters (DeepResolve's ``hits.tsv`` and
    ``jaspar_hits.tsv`` rows, queries ``filter_<i>``). Columns of
    :func:`deepresolve.analyses.tf_models.ranked_table` with ``score`` and a ``method`` column.
    """
    tables = [
        ranked_table(
            experiment, s.ranking, {"score": s.scores}, known_hits, jaspar, tf_matrices
        ).assign(method=method)
        for method, s in scores.items()
    ]
    return pd.concat(tables, ignore_index=True)


def deepmotif_ranked(
    results: Mapping[str, DeepMotifResult], motifs: MotifCollection
) -> pd.DataFrame:
    """Enhanced DeepMotif's PWMs of many experiments matched as DeepResolve's filters are.

    ``results``: experiment -> :class:`~deepresolve.method.attribution.DeepMotifResult` (PWMs best
    class score first, which is their rank). One TOMTOM call per experiment against its known
    motif(s) (the paper's statistic) and few against all of JASPAR (the strict statistic).
    Columns of :func:`deepresolve.analyses.tf_models.ranked_table` (``filter`` = the PWM's index)
    with ``score`` = its class score.
    """
    if not results:
        return pd.DataFrame()
    jaspar = jaspar_hits({e: r.pwms for e, r in results.items()}, motifs)
    tables = []
    for experiment, result in results.items():
        known = known_motif_hits(result.pwms, experiment, motifs)
        hits = jaspar[jaspar["experiment"] == experiment].drop(columns="experiment")
        order = np.arange(len(result.pwms))
        tables.append(
            ranked_table(
                experiment,
                order,
                {"score": result.scores},
                known,
                hits,
                motifs.tf_matrices(experiment),
            )
        )
    return pd.concat(tables, ignore_index=True)


def comparison_table(
    details: Mapping[str, pd.DataFrame],
    shared: Sequence[str] | None = None,
    chipseq: Mapping[str, pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """Table 1 of every method, on all its experiments, on the shared ones and on the ChIP-seq
    experiments.

    Parameters
    ----------
    details : dict of str -> DataFrame
        Method (one of :data:`METHODS`) -> its
        :func:`deepresolve.analyses.table1.experiment_detail` on
        the published models (may be empty: a run of ChIP-seq experiments only).
    shared : sequence of str, optional
        Experiments for equal ground; default those every method covers.
    chipseq : dict of str -> DataFrame, optional
        Method -> its detail on the ChIP-seq experiments (rule ``chipseq_methods``).

    Returns
    -------
    DataFrame
        :func:`deepresolve.analyses.table1.summarise` rows of each method with a first column
        ``coverage``: :data:`ALL` (the method's own experiments), :data:`SHARED` (only the
        shared experiments; none when no experiment is shared) and :data:`CHIPSEQ`.
        Random-order rows name the method they belong to (``random order (Grad-CAM)``).
    """
    if shared is None:
        shared = shared_experiments(details) if details else []
    shared = set(shared)
    parts = []
    for method, detail in details.items():
        label = f"random order ({method})"
        parts.append(summarise(detail, method=method, random_label=label).assign(coverage=ALL))
        on_shared = detail[detail["experiment"].isin(shared)]
        if len(on_shared):
            table = summarise(on_shared, method=method, random_label=label)
            parts.append(table.assign(coverage=SHARED))
    for method, detail in (chipseq or {}).items():
        label = f"random order ({method})"
        table = summarise(detail, method=method, random_label=label)
        parts.append(table.assign(coverage=CHIPSEQ))
    table = pd.concat(parts, ignore_index=True)
    return table[["coverage", *[c for c in table.columns if c != "coverage"]]]


def shared_experiments(details: Mapping[str, pd.DataFrame]) -> list[str]:
    """Experiments present in every method's detail, in the first method's order."""
    common = set.intersection(*(set(d["experiment"]) for d in details.values()))
    first = next(iter(details.values()))
    return [e for e in first["experiment"] if e in common]


def check_claims(
    details: Mapping[str, pd.DataFrame], shared: Sequence[str] | None = None
) -> pd.DataFrame:
    """The paper's sentences about Table 1, tested on our counts (:data:`CLAIM_COLUMNS`).

    - DeepResolve >= Grad-CAM at top-1, top-3 and top-5 (both thresholds), on the experiments
      both cover;
    - DeepResolve >= gradient x input at top-1 (both thresholds), likewise;
    - DeepResolve's top-5 count at p < 0.05 at least six times enhanced DeepMotif's ("outperforms
      DeepMotif by six times"), on all experiments both cover, and again on ``shared``.

    Every claim gets a row, passed or not, with the paper's own counts and whether they pass.
    Methods missing from ``details`` give rows with ``passed`` empty (not tested).
    """
    shared = list(shared_experiments(details) if shared is None else shared)
    rows = []

    def count(method, experiments, k, threshold):
        detail = details[method]
        return int(
            detail.loc[detail["experiment"].isin(experiments), column_name(k, threshold)].sum()
        )

    def row(claim, other, ground, experiments, k, threshold, factor):
        paper_dr = PAPER_TABLE1[DEEPRESOLVE][(k, threshold)]
        paper_other = PAPER_TABLE1[other][(k, threshold)]
        record = {
            "claim": claim,
            "ground": ground,
            "n_experiments": len(experiments),
            "k": k,
            "threshold": threshold,
            "deepresolve": np.nan,
            "other": np.nan,
            "required": "",
            "passed": "",
            "paper_deepresolve": paper_dr,
            "paper_other": paper_other,
            "paper_passed": bool(paper_dr >= factor * paper_other),
        }
        if DEEPRESOLVE in details and other in details and experiments:
            dr, theirs = (
                count(DEEPRESOLVE, experiments, k, threshold),
                count(other, experiments, k, threshold),
            )
            record.update(
                deepresolve=dr,
                other=theirs,
                required=f">= {factor:g} x {theirs} = {factor * theirs:g}",
                passed=bool(dr >= factor * theirs),
            )
        rows.append(record)

    def covered(*methods):
        present = [set(details[m]["experiment"]) for m in methods if m in details]
        if len(present) < len(methods):
            return []
        common = set.intersection(*present)
        return [e for e in details[methods[0]]["experiment"] if e in common]

    for k in TOP_K:
        for t in THRESHOLDS:
            claim = f"DeepResolve >= Grad-CAM at top-{k}"
            row(claim, GRAD_CAM, SHARED, covered(DEEPRESOLVE, GRAD_CAM), k, t, 1)
    for t in THRESHOLDS:
        claim = "DeepResolve >= gradient x input at top-1"
        row(claim, GRADIENT_X_INPUT, SHARED, covered(DEEPRESOLVE, GRADIENT_X_INPUT), 1, t, 1)
    claim = "DeepResolve's top-5 count at p < 0.05 is at least six times enhanced DeepMotif's"
    row(claim, ENHANCED_DEEPMOTIF, ALL, covered(DEEPRESOLVE, ENHANCED_DEEPMOTIF), 5, 0.05, 6)
    on_shared = [e for e in covered(DEEPRESOLVE, ENHANCED_DEEPMOTIF) if e in set(shared)]
    row(claim, ENHANCED_DEEPMOTIF, SHARED, on_shared, 5, 0.05, 6)
    return pd.DataFrame(rows, columns=list(CLAIM_COLUMNS))


#: Columns of :func:`protocol_rows`: the six cells in Table 1's order.
PROTOCOL_CELLS = tuple(column_name(k, t) for k in TOP_K for t in THRESHOLDS)


def protocol_rows(
    details: Mapping[str, pd.DataFrame], matching: pd.DataFrame, curve: pd.DataFrame
) -> pd.DataFrame:
    """README's Table 1: per method the paper's row, the rows under the authors' protocol and
    our default row.

    Parameters
    ----------
    details : dict of str -> DataFrame
        Method -> :func:`deepresolve.analyses.table1.experiment_detail` (our default matching).
    matching : DataFrame
        ``results/table1/<run_name>/matching.tsv`` (:mod:`deepresolve.analyses.matching`); its
        choices named ``authors*`` are the authors' matching protocol, each ranked by our ONIVs
        and theirs.
    curve : DataFrame
        ``results/table1/<run_name>/lambda_curve.tsv``
        (:func:`deepresolve.analyses.lambda_curve.curve_table`); its ``closest`` point is the
        lambda whose row is nearest the paper's.

    Returns
    -------
    DataFrame
        Columns ``method, row, n_experiments`` and :data:`PROTOCOL_CELLS`; ``row`` says what
        the counts are: ``paper``, ``authors' protocol: ...`` or ``ours (default)``.
    """

    def row(method, label, n, cells):
        return {
            "method": method,
            "row": label,
            "n_experiments": int(n),
            **{c: cells[c] for c in PROTOCOL_CELLS},
        }

    def paper(method):
        cells = PAPER_TABLE1[PAPER_ROW_OF.get(method, method)]
        return row(
            method, "paper", PAPER_N_EXPERIMENTS, {column_name(*c): v for c, v in cells.items()}
        )

    rows = []
    for method, detail in details.items():
        if method == AUTHORS_DEEPMOTIF:
            continue
        rows.append(paper(method))
        if method == DEEPRESOLVE:
            authors = matching[matching["choice"].str.startswith("authors")]
            for _, r in authors.iterrows():
                label = (
                    f"authors' protocol: matching {r['choice']} ({r['settings']}), "
                    f"{r['ranking']} ranking"
                )
                rows.append(row(method, label, r["n_experiments"], r))
            for _, r in curve[curve["closest"].astype(str) == "True"].iterrows():
                seed = "" if int(r["seed"]) < 0 else f", seed {int(r['seed'])}"
                label = (
                    f"authors' protocol: lambda {float(r['l2']):g}{seed} (closest to the "
                    "paper), our matching"
                )
                rows.append(row(method, label, r["n_experiments"], r))
        if method == ENHANCED_DEEPMOTIF and AUTHORS_DEEPMOTIF in details:
            theirs = details[AUTHORS_DEEPMOTIF]
            label = "authors' protocol: their DM.py, our matching"
            rows.append(row(method, label, len(theirs), counts(theirs)))
        rows.append(row(method, "ours (default)", len(detail), counts(detail)))
    return pd.DataFrame(rows)
