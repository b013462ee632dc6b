"""DeepResolve on single-task TF ChIP-seq CNNs (paper §5.1, Table 1).

For each model: FIMs of its one class at the pooled filter layer, the ONIV (one value per
convolutional filter), filters ranked by ONIV, filters as PWMs, and two TOMTOM comparisons of
every filter:

- against the experiment's *known* motif(s) only, the paper's protocol ("match them with known
  motif for the target TF using TOMTOM"); its p-values use the known motif's own columns as the
  null background, which is what makes the paper's thresholds loose;
- against the whole JASPAR CORE vertebrates collection (:class:`MotifCollection`), which gives
  the strict statistic of :mod:`deepresolve.analyses.table1`: E < 0.05 over the database, and the
  TF's own matrix is the filter's best match.

Many models of one architecture go through one batched gradient ascent and one memelite call
per chunk of filters. The published models, read as arrays
(:func:`read_published_models`), take the NumPy engine
(:func:`deepresolve.method.dense_fim.dense_feature_importance_maps`: the network above their
pooled filters is two Dense layers), so these analyses import no TensorFlow; Keras models take
the TensorFlow engine (:func:`deepresolve.method.fim.feature_importance_maps_many`). Per-model
results equal those of a run on the model alone up to float32 rounding, and so do the two
engines' (tests/test_dense_fim.py).

Shapes: ``K`` filters of width ``w``; PWMs ``(K, w, 4)`` over A, C, G, T; ONIV ``(K,)``.
"""

from __future__ import annotations

import json
import logging
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from os import PathLike
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from deepresolve.core.files import read_json
from deepresolve.method.dense_fim import dense_feature_importance_maps
from deepresolve.method.importance import ONIVResult, niv, oniv, rank_filters
from deepresolve.models.keras1 import Keras1Network, read_keras1_network
from deepresolve.motifs.pwm import filters_to_pwms
from deepresolve.motifs.tomtom import COLUMNS as TOMTOM_COLUMNS
from deepresolve.motifs.tomtom import run_tomtom

if TYPE_CHECKING:  # Keras models take the TensorFlow engine, imported only for them
    import keras

log = logging.getLogger(__name__)

#: Columns of the ranked-filter table (one row per filter of one experiment, best rank first).
RANKED_COLUMNS = (
    "experiment",
    "rank",
    "filter",
    "oniv",
    "variance",
    "nonlinear",
    "known_target",
    "known_p",
    "jaspar_target",
    "jaspar_name",
    "jaspar_E",
    "tf_is_best_jaspar",
)
JASPAR_TOP = 5  # JASPAR matches kept per filter in jaspar_hits.tsv
PWM_DECIMALS = 6  # decimals of the JASPAR PWMs of a MotifCollection (and its JSON file)
_QUERIES_PER_CALL = 2048  # filters per memelite call against the whole collection


@dataclass(frozen=True)
class MotifCollection:
    """A JASPAR collection and, per experiment, which of its matrices are the TF's.

    Attributes
    ----------
    release : str
        e.g. ``"JASPAR2026"`` (CORE vertebrates, as shipped by pyjaspar).
    pwms : dict of str -> array, shape=(width, 4)
        Matrix ID -> probabilities of A, C, G, T per position.
    nsites : dict of str -> int
        Sites behind each matrix (weights TOMTOM's pseudocount).
    names : dict of str -> str
        Matrix ID -> TF name(s), e.g. ``"CTCF"``, ``"MAX::MYC"``.
    experiments : dict of str -> dict
        Experiment -> ``{"tf": symbol, "known": [IDs compared in the paper's statistic],
        "tf_matrices": [every ID of the TF, alone or in a dimer]}``.
    """

    release: str
    pwms: dict[str, np.ndarray]
    nsites: dict[str, int]
    names: dict[str, str]
    experiments: dict[str, dict]

    def known(self, experiment: str) -> dict[str, np.ndarray]:
        """PWMs of the experiment's known motif(s), by matrix ID."""
        return {i: self.pwms[i] for i in self._entry(experiment)["known"]}

    def tf_matrices(self, experiment: str) -> set[str]:
        """Every matrix ID of the experiment's TF."""
        return set(self._entry(experiment)["tf_matrices"])

    def _entry(self, experiment: str) -> dict:
        if experiment not in self.experiments:
            raise KeyError(f"experiment {experiment!r} has no known motifs in this collection")
        return self.experiments[experiment]


def build_motif_collection(
    tf_motifs: pd.DataFrame, experiments: Iterable[str], selection: str, motifs: Iterable
) -> MotifCollection:
    """The collection for ``experiments`` from ``config/tf_motifs.tsv`` and JASPAR matrices.

    Parameters
    ----------
    tf_motifs : DataFrame
        :func:`deepresolve.motifs.tf_names.read_tf_motifs` (``experiment``, ``tf``, ``jaspar_ids``
        comma-separated, ``jaspar_release``).
    experiments : iterable of str
        Experiments to include; each must have at least one JASPAR ID.
    selection : {"primary", "all"}
        Known motifs of the paper's statistic: the first ID only, or every ID of the TF.
    motifs : iterable of Bio.motifs.jaspar.Motif
        The whole collection (e.g. :func:`deepresolve.motifs.jaspar.fetch_motifs`).
    """
    from deepresolve.motifs.jaspar import motif_nsites, motif_pwms

    if selection not in ("primary", "all"):
        raise ValueError(f"selection: expected 'primary' or 'all', got {selection!r}")
    motifs = list(motifs)
    table = tf_motifs.set_index("experiment")
    entries = {}
    for experiment in experiments:
        ids = [i for i in table.loc[experiment, "jaspar_ids"].split(",") if i]
        if not ids:
            raise ValueError(f"experiment {experiment}: no JASPAR matrix in config/tf_motifs.tsv")
        entries[experiment] = {
            "tf": table.loc[experiment, "tf"],
            "known": ids[:1] if selection == "primary" else ids,
            "tf_matrices": ids,
        }
    pwms = motif_pwms(motifs)
    missing = sorted({i for e in entries.values() for i in e["tf_matrices"]} - set(pwms))
    if missing:
        raise ValueError(f"JASPAR matrices {missing} of config/tf_motifs.tsv are not in JASPAR")
    return MotifCollection(
        release=str(table["jaspar_release"].iloc[0]),
        # rounded as write_motif_collection writes them: a collection built in a job equals
        # one read back from known_motifs.json, so both give the same TOMTOM p-values
        pwms={i: np.round(pwm, PWM_DECIMALS) for i, pwm in pwms.items()},
        nsites=motif_nsites(motifs),
        names={m.matrix_id: m.name for m in motifs},
        experiments=entries,
    )


def tf_motif_collection(
    tf_motifs: str | PathLike, experiments: Iterable[str], selection: str
) -> MotifCollection:
    """:func:`build_motif_collection` from the ``config/tf_motifs.tsv`` file ``tf_motifs`` and
    the JASPAR release it names (:func:`deepresolve.motifs.jaspar.fetch_motifs`, the package's
    cache: milliseconds, no pyjaspar query)."""
    from deepresolve.motifs.jaspar import fetch_motifs
    from deepresolve.motifs.tf_names import read_tf_motifs

    table = read_tf_motifs(tf_motifs)
    release = table["jaspar_release"].iloc[0]
    return build_motif_collection(table, experiments, selection, fetch_motifs(release))


def write_motif_collection(path: str | PathLike, collection: MotifCollection) -> None:
    """Write a collection as JSON (read back with :func:`read_motif_collection`)."""
    document = {
        "release": collection.release,
        "experiments": collection.experiments,
        "matrices": {
            i: {
                "name": collection.names[i],
                "nsites": collection.nsites[i],
                "pwm": np.round(collection.pwms[i], PWM_DECIMALS).tolist(),
            }
            for i in sorted(collection.pwms)
        },
    }
    with open(path, "w") as handle:
        json.dump(document, handle)


def read_motif_collection(path: str | PathLike) -> MotifCollection:
    """Read a collection written by :func:`write_motif_collection`; a truncated or corrupt
    file raises :class:`deepresolve.core.files.UnreadableFileError`."""
    document = read_json(path)
    matrices = document["matrices"]
    return MotifCollection(
        release=document["release"],
        pwms={i: np.asarray(m["pwm"], dtype=float) for i, m in matrices.items()},
        nsites={i: int(m["nsites"]) for i, m in matrices.items()},
        names={i: m["name"] for i, m in matrices.items()},
        experiments=document["experiments"],
    )


@dataclass
class ExperimentResult:
    """DeepResolve on one TF model.

    Attributes
    ----------
    experiment : str
    pwms : ndarray, shape=(K, w, 4)
        Filters as PWMs (:func:`deepresolve.motifs.pwm.filters_to_pwms`), filter order.
    ranked : DataFrame
        :data:`RANKED_COLUMNS`, one row per filter, rank 1 (largest ONIV) first.
    known_hits : DataFrame
        TOMTOM of every filter (``query`` = ``filter_<i>``) against the known motif(s).
    jaspar_hits : DataFrame
        Each filter's :data:`JASPAR_TOP` best matches in the whole collection (E over it).
    """

    experiment: str
    pwms: np.ndarray
    ranked: pd.DataFrame
    known_hits: pd.DataFrame
    jaspar_hits: pd.DataFrame


def read_published_models(
    sources: Mapping[str, tuple[str | PathLike, str | PathLike]], *, exclude_failures: bool
) -> tuple[dict[str, Keras1Network], list[dict[str, str]]]:
    """Read published Keras 1.2 models as arrays, without TensorFlow
    (:func:`deepresolve.models.keras1.read_keras1_network`).

    Parameters
    ----------
    sources : dict of str -> (json_path, h5_path)
        Experiment -> its two model files.
    exclude_failures : bool
        True: a model that cannot be read (corrupt or truncated HDF5, a JSON of another
        architecture) is left out and reported; False: its error is raised.

    Returns
    -------
    (models, excluded)
        Experiment -> network, and ``[{"experiment", "reason"}]`` for the models left out.
    """
    models, excluded = {}, []
    for experiment, files in sources.items():
        try:
            models[experiment] = read_keras1_network(tuple(files), name=experiment)
        except ValueError as error:
            if not exclude_failures:
                raise
            log.error("%s excluded: %s", experiment, error)
            excluded.append({"experiment": experiment, "reason": str(error)})
    return models, excluded


def load_published_models(
    sources: Mapping[str, tuple[str | PathLike, str | PathLike]], *, exclude_failures: bool
) -> tuple[dict[str, keras.Model], list[dict[str, str]]]:
    """:func:`read_published_models` as Keras 3 models (for the analyses that need one, e.g.
    DeepMotif's input-space ascent)."""
    networks, excluded = read_published_models(sources, exclude_failures=exclude_failures)
    return {e: network.to_keras() for e, network in networks.items()}, excluded


def model_conv_kernel(model: keras.Model | Keras1Network) -> np.ndarray:
    """The first convolution's kernel ``(width, 4, n_filters)`` of a Keras model or network."""
    if isinstance(model, Keras1Network):
        return model.conv_kernel
    from deepresolve.models.weights import conv_kernel

    return conv_kernel(model)


def filter_names(n_filters: int) -> list[str]:
    """``["filter_0", ..., "filter_<K-1>"]``: the motif names of one model's filters."""
    return [f"filter_{i}" for i in range(n_filters)]


def known_motif_hits(pwms: np.ndarray, experiment: str, motifs: MotifCollection) -> pd.DataFrame:
    """TOMTOM of ``pwms: (M, w, 4)`` (queries ``filter_<i>``) against the experiment's known
    motif(s) only: the paper's statistic. Columns of :data:`deepresolve.motifs.tomtom.COLUMNS`."""
    known = motifs.known(experiment)
    with warnings.catch_warnings():
        # memelite warns that p-values against < 25 targets depend on those targets: true, and
        # the reason the strict statistic exists; the paper's statistic is defined this way
        warnings.filterwarnings("ignore", message="tomtom was given", category=UserWarning)
        return run_tomtom(
            dict(zip(filter_names(len(pwms)), pwms, strict=True)),
            known,
            target_nsites={i: motifs.nsites[i] for i in known},
        )


def jaspar_hits(pwms_of: Mapping[str, np.ndarray], motifs: MotifCollection) -> pd.DataFrame:
    """Best :data:`JASPAR_TOP` matches in the whole collection of every PWM of every experiment.

    ``pwms_of``: experiment -> ``(M, w, 4)``. Few memelite calls for all of them (queries are
    independent in TOMTOM). Columns of :data:`deepresolve.motifs.tomtom.COLUMNS` plus ``experiment``
    and ``name`` (the target's TF name); ``query`` is ``filter_<i>``.
    """
    queries = {
        f"{experiment}|{name}": pwm
        for experiment, pwms in pwms_of.items()
        for name, pwm in zip(filter_names(len(pwms)), pwms, strict=True)
    }
    names = list(queries)
    parts = []
    for start in range(0, len(names), _QUERIES_PER_CALL):
        chunk = {n: queries[n] for n in names[start : start + _QUERIES_PER_CALL]}
        parts.append(run_tomtom(chunk, motifs.pwms, target_nsites=motifs.nsites, top=JASPAR_TOP))
    hits = pd.concat(parts, ignore_index=True)
    hits[["experiment", "query"]] = hits["query"].str.split("|", n=1, expand=True)
    hits["name"] = hits["target"].map(motifs.names)
    return hits


def ranked_table(
    experiment: str,
    ranking: np.ndarray,
    per_filter: Mapping[str, np.ndarray],
    known_hits: pd.DataFrame,
    jaspar: pd.DataFrame,
    tf_matrices: set[str],
) -> pd.DataFrame:
    """One row per filter (or PWM), best first, with its matches.

    ``ranking: (K,)`` indices best first; ``per_filter``: column name -> ``(K,)`` values in
    filter order (e.g. ``oniv``); ``known_hits`` from :func:`known_motif_hits`, ``jaspar``
    from :func:`jaspar_hits` (this experiment's rows). Columns ``experiment, rank, filter``,
    the ``per_filter`` columns, then ``known_target, known_p, jaspar_target, jaspar_name,
    jaspar_E, tf_is_best_jaspar``.
    """
    ranking = np.asarray(ranking)
    names = np.array(filter_names(len(ranking)))[ranking]
    known = known_hits.sort_values("p", kind="stable").drop_duplicates("query").set_index("query")
    best = jaspar.drop_duplicates("query").set_index("query")  # rows are sorted by p
    ranked = pd.DataFrame(
        {
            "experiment": experiment,
            "rank": np.arange(1, len(ranking) + 1),
            "filter": ranking,
            **{column: np.asarray(values)[ranking] for column, values in per_filter.items()},
            "known_target": known["target"].reindex(names).fillna("").to_numpy(),
            "known_p": known["p"].reindex(names).fillna(1.0).to_numpy(),
            "jaspar_target": best["target"].reindex(names).fillna("").to_numpy(),
            "jaspar_name": best["name"].reindex(names).fillna("").to_numpy(),
            "jaspar_E": best["E"].reindex(names).fillna(np.inf).to_numpy(),
        }
    )
    ranked["tf_is_best_jaspar"] = ranked["jaspar_target"].isin(tf_matrices)
    return ranked


@dataclass
class ModelONIV:
    """ONIV of one single-task model and how its gradient ascent went.

    Attributes
    ----------
    summary : ONIVResult
        ``oniv``, ``variance``, ``nonlinear`` of shape ``(1, K)`` (one class).
    steps : ndarray, shape=(T,), int
        Gradient steps of each of the ``T`` runs.
    """

    summary: ONIVResult
    steps: np.ndarray


def model_onivs(
    models: Mapping[str, keras.Model | Keras1Network],
    *,
    fim_options: Mapping | None = None,
    oniv_mode: str = "released",
    seed: int = 0,
) -> dict[str, ModelONIV]:
    """FIMs of single-task models in one batched gradient ascent, and each model's ONIV.

    Parameters as :func:`analyse_models`; no TOMTOM. Returns experiment -> :class:`ModelONIV`
    in the order of ``models``.
    """
    names = list(models)
    for experiment in names:
        model = models[experiment]
        if isinstance(model, Keras1Network):
            n_outputs = int(model.arrays["logits"][0].shape[-1])
        else:
            n_outputs = int(model.outputs[0].shape[-1])
        if n_outputs != 1:
            raise ValueError(
                f"experiment {experiment}: expected a single-task model (1 output), got "
                f"{n_outputs} outputs"
            )
    if not names:
        return {}
    options = dict(fim_options or {})
    layer = options.pop("layer", None)
    networks = [models[e] for e in names]
    dense = [m.dense_above(layer) if isinstance(m, Keras1Network) else [] for m in networks]
    if all(dense):
        maps = dense_feature_importance_maps(
            dense, names=names, layer_name=layer or "pool", seed=seed, **options
        )
    else:  # Keras models, or a feature map below the pooling: the TensorFlow engine
        from deepresolve.method.fim import feature_importance_maps_many

        maps = feature_importance_maps_many(
            [m.to_keras() if isinstance(m, Keras1Network) else m for m in networks],
            layer,
            names=names,
            seed=seed,
            **options,
        )
    return {
        e: ModelONIV(oniv(niv(found.fims), found.scores, mode=oniv_mode), found.steps[0])
        for e, found in zip(names, maps, strict=True)
    }


def analyse_models(
    models: Mapping[str, keras.Model | Keras1Network],
    motifs: MotifCollection,
    *,
    fim_options: Mapping | None = None,
    oniv_mode: str = "released",
    seed: int = 0,
) -> dict[str, ExperimentResult]:
    """DeepResolve on single-task models, all in one batch.

    Parameters
    ----------
    models : dict of str -> keras.Model or Keras1Network
        Experiment -> single-output model (one-hot input ``(n, L, 4)``, one logit); published
        networks (:func:`read_published_models`) take the NumPy FIM engine.
    motifs : MotifCollection
        Must list every experiment.
    fim_options : dict, optional
        Keyword arguments of :func:`deepresolve.method.fim.feature_importance_maps` (``layer``,
        ``n_runs``, ``l2``, ...; see :func:`deepresolve.method.fim.fim_options`).
    oniv_mode : {"released", "paper"}
    seed : int
        Seed of every model's random starts.

    Returns
    -------
    dict of str -> ExperimentResult
        In the order of ``models``.
    """
    names = list(models)
    for experiment in names:
        motifs.known(experiment)  # fails early for an experiment without known motifs
    onivs = model_onivs(models, fim_options=fim_options, oniv_mode=oniv_mode, seed=seed)
    if not names:
        return {}
    pwms_of = {e: filters_to_pwms(model_conv_kernel(models[e])) for e in names}
    n_filters = sum(len(pwms) for pwms in pwms_of.values())
    log.info("TOMTOM of %d filters against %d JASPAR matrices", n_filters, len(motifs.pwms))
    jaspar = jaspar_hits(pwms_of, motifs)
    results = {}
    for experiment in names:
        summary = onivs[experiment].summary
        known = known_motif_hits(pwms_of[experiment], experiment, motifs)
        hits = jaspar[jaspar["experiment"] == experiment].drop(columns="experiment")
        per_filter = {
            "oniv": summary.oniv[0],
            "variance": summary.variance[0],
            "nonlinear": summary.nonlinear[0],
        }
        ranking = rank_filters(summary.oniv[0])
        tf_matrices = motifs.tf_matrices(experiment)
        results[experiment] = ExperimentResult(
            experiment=experiment,
            pwms=pwms_of[experiment],
            ranked=ranked_table(experiment, ranking, per_filter, known, hits, tf_matrices),
            known_hits=known,
            jaspar_hits=hits.reset_index(drop=True),
        )
    return results


def results_tables(results: Sequence[ExperimentResult]) -> dict[str, pd.DataFrame]:
    """The three tables of many experiments, each with an ``experiment`` column first.

    Returns ``{"ranked": ..., "known_hits": ..., "jaspar_hits": ...}``.
    """

    empty = {
        "ranked": RANKED_COLUMNS,
        "known_hits": ("experiment", *TOMTOM_COLUMNS),
        "jaspar_hits": ("experiment", *TOMTOM_COLUMNS, "name"),
    }

    def stacked(attribute):
        if not results:  # a batch whose every model was excluded
            return pd.DataFrame(columns=list(empty[attribute]))
        frames = [getattr(r, attribute).assign(experiment=r.experiment) for r in results]
        frame = pd.concat(frames, ignore_index=True)
        return frame[["experiment", *[c for c in frame.columns if c != "experiment"]]]

    return {name: stacked(name) for name in empty}
