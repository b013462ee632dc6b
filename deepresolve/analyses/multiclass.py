"""Many-class models (paper §5.2, Figures 7-8): FIMs in class chunks, and the DeepSEA analyses.

FIMs in chunks
    :func:`fim_chunk` computes the FIMs of one chunk of consecutive classes (one Snakemake job,
    so a cluster can spread 919 classes over GPUs); memory grows with the chunk, not with the
    number of classes. Each chunk draws exactly the starts that :func:`deepresolve.method.fim.
    feature_importance_maps` would give those classes in one call over all of them (the rows of
    one ``default_rng(seed)`` stream, drawn up to the chunk and the rows before it discarded),
    and every run's ascent is independent of the others, so :func:`merge_fim_chunks` of the
    chunks equals the single call: bit for bit with ``TF_ENABLE_ONEDNN_OPTS=0``; with oneDNN on
    (TensorFlow's CPU default) up to float32 rounding, as its matrix kernels depend on the batch
    size (about 1e-6 relative, same steps). :func:`merge_fim_chunk_files` writes the merged
    ``.npz`` one chunk at a time; :func:`chunk_nivs` reads NIVs and scores one file at a time.

Analyses of the class similarity matrix ``A``
(:func:`deepresolve.method.similarity.class_similarity`)
    - :func:`cluster_classes`: hierarchical clustering of all classes with ``1 - A`` as the
      distance (scipy), leaf order and flat clusters;
    - :func:`dnase_block`, :func:`bicluster`: the TF/histone x DNase block of ``A`` (Figure 8A),
      rows and columns clustered separately;
    - :func:`strong_correlation_counts`: per TF/histone experiment, the number of DNase
      experiments it correlates with at ``A >= threshold`` and at ``A <= -threshold``
      (Figure 8B), and :func:`factor_counts` summed per factor;
    - class difference maps of chosen pairs:
      :func:`deepresolve.method.similarity.class_difference_maps`;
    - :func:`feature_top_classes`: for each feature (neuron), the classes in which it is among the
      5 highest-ONIV features (the paper's "experiment matrix" per sequence feature).

Figures of these tables: :mod:`deepresolve.figures.multiclass`.

Class tables are those of :func:`deepresolve.models.deepsea.read_class_names` (columns ``label``,
``assay``, ``group``; index = class index), or any DataFrame with these columns.
Shapes: ``C`` classes, ``T`` runs, ``K`` features (neurons).
"""

from __future__ import annotations

import json
import logging
import os
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy.cluster import hierarchy
from scipy.spatial.distance import squareform

from deepresolve.core.files import atomic_write, read_npz, reading
from deepresolve.method.fim_result import FIM_KEYS, FIMResult
from deepresolve.method.importance import niv
from deepresolve.method.similarity import class_labels

if TYPE_CHECKING:  # TensorFlow only where FIMs are computed (fim_chunk), not where read
    import keras

    from deepresolve.method.network import SplitModel

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------- FIMs in chunks


def class_chunks(n_classes: int, chunk_size: int) -> list[range]:
    """Positions ``0 .. n_classes - 1`` in consecutive chunks of ``chunk_size`` (last shorter).

    ``class_chunks(919, 100)`` gives 10 chunks, ``range(0, 100)`` ... ``range(900, 919)``.
    """
    if n_classes < 1 or chunk_size < 1:
        raise ValueError(f"n_classes ({n_classes}) and chunk_size ({chunk_size}) must be >= 1")
    return [range(s, min(s + chunk_size, n_classes)) for s in range(0, n_classes, chunk_size)]


def fim_chunk(
    model: keras.Model | SplitModel,
    layer: str | None = None,
    *,
    chunk: int,
    chunk_size: int,
    classes=None,
    **options,
) -> FIMResult:
    """FIMs of chunk ``chunk`` of the classes, as one :func:`feature_importance_maps` would give.

    Parameters
    ----------
    model, layer : as :func:`deepresolve.method.fim.feature_importance_maps`.
    chunk : int
        Which chunk, ``0 .. len(class_chunks(C, chunk_size)) - 1``.
    chunk_size : int
        Classes per chunk.
    classes : sequence of int, optional
        The full list of output indices that the chunks cut up; ``None`` = all outputs.
    **options
        ``n_runs``, ``l2``, ``seed``, ... of :func:`deepresolve.method.fim.feature_importance_maps`.

    Returns
    -------
    FIMResult
        ``fims (c, T, *feature_shape)`` of the chunk's ``c`` classes, ``class_indices`` their
        output indices; ``params`` equal to those of the unchunked call.
    """
    from deepresolve.method.fim import feature_importance_maps
    from deepresolve.method.network import SplitModel, split_model

    split = model if isinstance(model, SplitModel) else split_model(model, layer)
    all_classes = np.arange(split.n_classes) if classes is None else np.asarray(classes)
    chunks = class_chunks(len(all_classes), chunk_size)
    if not 0 <= chunk < len(chunks):
        raise ValueError(
            f"chunk {chunk} out of range: {len(all_classes)} classes in chunks of {chunk_size} "
            f"make {len(chunks)} chunks (0 .. {len(chunks) - 1})"
        )
    positions = chunks[chunk]
    log.info("FIMs of chunk %d of %d: class positions %s", chunk, len(chunks), positions)
    return feature_importance_maps(
        split,
        classes=all_classes[positions.start : positions.stop],
        first_class=positions.start,
        **options,
    )


def _check_chunks(layers, params, feature_shapes, runs, class_lists, expected_classes) -> None:
    if len(set(layers)) > 1:
        raise ValueError(f"chunks come from different layers: {sorted(set(layers))}")
    if len({json.dumps(p, sort_keys=True) for p in params}) > 1:
        raise ValueError("chunks were computed with different settings (params differ)")
    if len(set(feature_shapes)) > 1 or len(set(runs)) > 1:
        raise ValueError(
            f"chunks differ in feature-map shape {sorted(set(feature_shapes))} or runs "
            f"{sorted(set(runs))}"
        )
    merged = np.concatenate(class_lists)
    values, counts = np.unique(merged, return_counts=True)
    if (counts > 1).any():
        raise ValueError(f"classes {values[counts > 1].tolist()} occur in more than one chunk")
    if expected_classes is not None and not np.array_equal(merged, expected_classes):
        missing = sorted(set(np.asarray(expected_classes).tolist()) - set(merged.tolist()))
        raise ValueError(
            "the chunks do not hold the expected classes in order"
            + (f"; missing {missing[:20]}" if missing else "")
        )


def merge_fim_chunks(chunks: Sequence[FIMResult], expected_classes=None) -> FIMResult:
    """One :class:`FIMResult` of all classes from chunk results, in the given order.

    Parameters
    ----------
    chunks : sequence of FIMResult
        Results of :func:`fim_chunk`, in chunk order.
    expected_classes : sequence of int, optional
        The class indices the merged result must hold, in order (e.g. ``range(919)``).

    Raises
    ------
    ValueError
        If the chunks differ in layer, settings, feature shape or runs, share a class, or do not
        make up ``expected_classes``.
    """
    if not chunks:
        raise ValueError("chunks: expected at least one FIMResult")
    _check_chunks(
        [c.layer_name for c in chunks],
        [c.params for c in chunks],
        [c.fims.shape[2:] for c in chunks],
        [c.fims.shape[1] for c in chunks],
        [c.class_indices for c in chunks],
        expected_classes,
    )
    return FIMResult(
        **{
            key: np.concatenate([getattr(c, key) for c in chunks])
            for key in ("fims", "scores", "objectives", "steps", "converged", "class_indices")
        },
        layer_name=chunks[0].layer_name,
        params=dict(chunks[0].params),
    )


def _npy_header(archive: zipfile.ZipFile, key: str) -> tuple[tuple[int, ...], np.dtype]:
    with archive.open(f"{key}.npy") as stream:
        version = np.lib.format.read_magic(stream)
        read = (
            np.lib.format.read_array_header_1_0
            if version == (1, 0)
            else np.lib.format.read_array_header_2_0
        )
        shape, _, dtype = read(stream)
    return shape, dtype


_SMALL_KEYS = ("scores", "objectives", "steps", "converged", "class_indices")


def merge_fim_chunk_files(
    paths: Sequence[str | os.PathLike], out_path: str | os.PathLike, expected_classes=None
) -> None:
    """Merge chunk files (:meth:`FIMResult.save`) into one, holding one chunk's FIMs at a time.

    The output is the file that ``merge_fim_chunks([FIMResult.load(p) for p in paths])
    .save(out_path)`` writes (same keys, loadable by :meth:`FIMResult.load`), written atomically.
    Checks as :func:`merge_fim_chunks`.
    """
    if not paths:
        raise ValueError("paths: expected at least one chunk file")
    small, layers, params, shapes = [], [], [], []
    for path in paths:
        data = read_npz(path, [key for key in FIM_KEYS if key != "fims"])
        small.append({key: data[key] for key in _SMALL_KEYS})
        layers.append(str(data["layer_name"]))
        params.append(json.loads(str(data["params"])))
        with reading(path, "NumPy .npz"), zipfile.ZipFile(path) as archive:
            shape, dtype = _npy_header(archive, "fims")
        shapes.append((shape, dtype))
    _check_chunks(
        layers,
        params,
        [s[2:] for s, _ in shapes],
        [s[1] for s, _ in shapes],
        [s["class_indices"] for s in small],
        expected_classes,
    )
    dtype = shapes[0][1]
    total = (sum(s[0] for s, _ in shapes), *shapes[0][0][1:])
    with (
        atomic_write(out_path, "wb") as handle,
        zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as out,
    ):
        with out.open("fims.npy", "w", force_zip64=True) as stream:
            header = {
                "descr": np.lib.format.dtype_to_descr(dtype),
                "fortran_order": False,
                "shape": total,
            }
            np.lib.format.write_array_header_2_0(stream, header)
            for path in paths:
                fims = read_npz(path, ["fims"])["fims"]
                stream.write(np.ascontiguousarray(fims, dtype=dtype).data)
        arrays = {key: np.concatenate([s[key] for s in small]) for key in _SMALL_KEYS}
        arrays["layer_name"] = np.array(layers[0])
        arrays["params"] = np.array(json.dumps(params[0], sort_keys=True))
        for key, value in arrays.items():
            with out.open(f"{key}.npy", "w", force_zip64=True) as stream:
                np.lib.format.write_array(stream, value, allow_pickle=False)
    log.info("merged %d chunk files into %s: FIMs %s", len(paths), out_path, total)


@dataclass(frozen=True)
class ClassNIVs:
    """NIVs and scores of many classes, without their FIMs.

    Attributes
    ----------
    nivs : ndarray, shape=(C, T, K)
    scores : ndarray, shape=(C, T)
    class_indices : ndarray, shape=(C,), int
    """

    nivs: np.ndarray
    scores: np.ndarray
    class_indices: np.ndarray


def chunk_nivs(paths: Sequence[str | os.PathLike]) -> ClassNIVs:
    """NIVs (:func:`deepresolve.method.importance.niv`) and scores of FIM files, one file at a time.

    For 919 DeepSEA classes x 10 runs the FIMs take 1 GB (float32), their NIVs 35 MB; this
    reads each chunk's FIMs, reduces them and drops them.
    """
    if not paths:
        raise ValueError("paths: expected at least one FIM file")
    parts = []
    for path in paths:
        result = FIMResult.load(path)
        parts.append((niv(result.fims), result.scores, result.class_indices))
    classes = np.concatenate([p[2] for p in parts])
    values, counts = np.unique(classes, return_counts=True)
    if (counts > 1).any():
        raise ValueError(f"classes {values[counts > 1].tolist()} occur in more than one file")
    return ClassNIVs(
        np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts]), classes
    )


# --------------------------------------------------------------------------- analyses


def check_similarity(similarity, n_classes: int | None = None) -> np.ndarray:
    """``similarity`` as a float64 ``(C, C)`` array (C == ``n_classes`` if given), or ValueError."""
    similarity = np.asarray(similarity, dtype=np.float64)
    if similarity.ndim != 2 or similarity.shape[0] != similarity.shape[1]:
        raise ValueError(f"similarity: expected shape (C, C), got {similarity.shape}")
    if n_classes is not None and similarity.shape[0] != n_classes:
        raise ValueError(
            f"similarity: expected shape ({n_classes}, {n_classes}) to match the class table, "
            f"got {similarity.shape}"
        )
    return similarity


def check_class_table(table: pd.DataFrame, columns=("label", "group")) -> pd.DataFrame:
    """``table`` if it has ``columns`` (a class-names table), else ValueError naming them."""
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ValueError(f"class table: missing columns {missing} (see read_class_names)")
    if not table["label"].is_unique:
        raise ValueError("class table: labels must be unique")
    return table


def similarity_distance(similarity) -> np.ndarray:
    """``1 - A`` as a condensed distance vector for scipy; undefined (NaN) correlations count as
    0 (distance 1), e.g. a class whose non-negative ONIV is all zero."""
    similarity = check_similarity(similarity)
    distance = np.clip(1.0 - np.nan_to_num(similarity, nan=0.0), 0.0, 2.0)
    distance = (distance + distance.T) / 2
    np.fill_diagonal(distance, 0.0)
    return squareform(distance, checks=False)


def cluster_classes(
    similarity, labels=None, *, method: str = "average", n_clusters: int = 20
) -> tuple[np.ndarray, pd.DataFrame]:
    """Hierarchical clustering of the classes with ``1 - A`` as the distance (paper §5.2).

    Parameters
    ----------
    similarity : array, shape=(C, C)
        Class similarity matrix ``A``.
    labels : sequence of C str, optional
    method : str
        :func:`scipy.cluster.hierarchy.linkage` method for a precomputed distance: ``average``
        (default), ``complete``, ``single`` or ``weighted``.
    n_clusters : int
        Flat clusters cut from the tree (``fcluster`` ``maxclust``; at most C).

    Returns
    -------
    (linkage, DataFrame)
        The ``(C - 1, 4)`` linkage matrix, and one row per class: ``class_index``, ``label``,
        ``leaf`` (position in the dendrogram order), ``cluster`` (1-based).
    """
    if method not in ("average", "complete", "single", "weighted"):
        raise ValueError(f"method: expected average, complete, single or weighted, got {method!r}")
    similarity = check_similarity(similarity)
    n = similarity.shape[0]
    if n < 2:
        raise ValueError("similarity: need at least 2 classes to cluster")
    linkage = hierarchy.linkage(similarity_distance(similarity), method=method)
    leaf = np.empty(n, dtype=int)
    leaf[hierarchy.leaves_list(linkage)] = np.arange(n)
    clusters = hierarchy.fcluster(linkage, t=min(n_clusters, n), criterion="maxclust")
    frame = pd.DataFrame(
        {
            "class_index": np.arange(n),
            "label": class_labels(labels, n),
            "leaf": leaf,
            "cluster": clusters,
        }
    )
    return linkage, frame


def dnase_block(similarity, table: pd.DataFrame) -> pd.DataFrame:
    """The DNase x TF/histone block of ``A`` (Figure 7's boxed part, Figure 8A).

    Parameters
    ----------
    similarity : array, shape=(C, C)
    table : DataFrame
        C rows in output order with ``label`` and ``group`` (:func:`read_class_names`).

    Returns
    -------
    DataFrame, shape=(n_DNase, n_TF + n_histone)
        Rows: DNase experiments, columns: TF and histone experiments, by label.
    """
    table = check_class_table(table)
    similarity = check_similarity(similarity, len(table))
    group = np.asarray(table["group"].astype(str))
    rows, cols = np.flatnonzero(group == "DNase"), np.flatnonzero(group != "DNase")
    if not rows.size or not cols.size:
        raise ValueError("class table: need DNase classes and TF/histone classes")
    return pd.DataFrame(
        similarity[np.ix_(rows, cols)],
        index=pd.Index(table["label"].to_numpy()[rows], name="DNase"),
        columns=pd.Index(table["label"].to_numpy()[cols], name="TF/histone"),
    )


@dataclass(frozen=True)
class Biclustering:
    """Rows and columns of a block clustered separately.

    Attributes
    ----------
    block : DataFrame
        The block with rows and columns in dendrogram order.
    row_linkage, col_linkage : ndarray, shape=(n - 1, 4)
        scipy linkage matrices of the rows and the columns (in the input order).
    """

    block: pd.DataFrame
    row_linkage: np.ndarray
    col_linkage: np.ndarray


def bicluster(
    block: pd.DataFrame, *, method: str = "average", metric: str = "euclidean"
) -> Biclustering:
    """Cluster the rows and the columns of ``block`` (Figure 8A), seaborn's defaults.

    Each row (DNase experiment) is described by its correlations with all columns, and each
    column (TF/histone experiment) by its correlations with all rows; undefined (NaN)
    correlations count as 0.
    """
    if block.shape[0] < 2 or block.shape[1] < 2:
        raise ValueError(f"block: need at least 2 rows and 2 columns, got {block.shape}")
    values = np.nan_to_num(block.to_numpy(dtype=np.float64), nan=0.0)
    row_linkage = hierarchy.linkage(values, method=method, metric=metric)
    col_linkage = hierarchy.linkage(values.T, method=method, metric=metric)
    ordered = block.iloc[hierarchy.leaves_list(row_linkage), hierarchy.leaves_list(col_linkage)]
    return Biclustering(ordered, row_linkage, col_linkage)


def strong_correlation_counts(
    block: pd.DataFrame, threshold: float = 0.5, table: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Per TF/histone experiment, the DNase experiments it correlates strongly with (Fig 8B).

    Parameters
    ----------
    block : DataFrame, shape=(n_DNase, n_TF_histone)
        :func:`dnase_block`.
    threshold : float
        "Strong": ``A >= threshold`` (positive) or ``A <= -threshold`` (negative); in (0, 1].
        The paper does not state its value.
    table : DataFrame, optional
        Class table; adds ``cell``, ``assay``, ``group`` of each experiment (by label).

    Returns
    -------
    DataFrame
        One row per column of ``block`` (index ``label``), columns ``n_positive``,
        ``n_negative``, ``net`` (= positive - negative), sorted by ``net`` (descending, stable).
    """
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold: expected a value in (0, 1], got {threshold}")
    values = block.to_numpy(dtype=np.float64)
    with np.errstate(invalid="ignore"):
        counts = pd.DataFrame(
            {
                "n_positive": (values >= threshold).sum(axis=0),
                "n_negative": (values <= -threshold).sum(axis=0),
            },
            index=pd.Index(block.columns, name="label"),
        )
    counts["net"] = counts["n_positive"] - counts["n_negative"]
    if table is not None:
        columns = [c for c in ("cell", "assay", "group") if c in table.columns]
        counts = counts.join(check_class_table(table, ()).set_index("label")[columns])
    return counts.sort_values("net", ascending=False, kind="stable")


def factor_counts(counts: pd.DataFrame) -> pd.DataFrame:
    """:func:`strong_correlation_counts` summed per factor (``assay``: CTCF, H3K27ac, ...).

    Returns
    -------
    DataFrame
        Index ``assay``; ``experiments``, ``n_positive``, ``n_negative``, ``net`` (sums), sorted
        by ``net`` per experiment (descending).
    """
    if "assay" not in counts.columns:
        raise ValueError("counts: no assay column; pass table= to strong_correlation_counts")
    per_factor = counts.groupby("assay", observed=True).agg(
        experiments=("net", "size"),
        n_positive=("n_positive", "sum"),
        n_negative=("n_negative", "sum"),
        net=("net", "sum"),
    )
    order = (per_factor["net"] / per_factor["experiments"]).sort_values(
        ascending=False, kind="stable"
    )
    return per_factor.loc[order.index]


def feature_top_classes(oniv, labels=None, *, top: int = 5) -> pd.DataFrame:
    """For each feature (neuron), the classes in which it is among the ``top`` ONIVs (§5.2).

    The paper ranks the 480 features by ONIV in each experiment and, for each feature, takes the
    experiments in which it ranks among the 5 most important.

    Parameters
    ----------
    oniv : array, shape=(C, K)
    labels : sequence of C str, optional
    top : int
        Ranks kept per class (ties broken by neuron index).

    Returns
    -------
    DataFrame
        One row per (feature, class) with the feature in the class's top ranks, sorted by
        ``neuron`` then ``class_index``: ``neuron``, ``class_index``, ``label``, ``rank``
        (1 = the class's largest ONIV), ``oniv``, ``n_classes`` (classes listing the feature).
    """
    oniv = np.asarray(oniv, dtype=np.float64)
    if oniv.ndim != 2:
        raise ValueError(f"oniv: expected shape (C, K), got {oniv.shape}")
    if not 1 <= top <= oniv.shape[1]:
        raise ValueError(f"top: expected 1 .. {oniv.shape[1]}, got {top}")
    labels = class_labels(labels, oniv.shape[0])
    order = np.argsort(-oniv, axis=1, kind="stable")[:, :top]  # (C, top)
    classes = np.repeat(np.arange(oniv.shape[0]), top)
    neurons = order.ravel()
    frame = pd.DataFrame(
        {
            "neuron": neurons,
            "class_index": classes,
            "label": np.asarray(labels)[classes],
            "rank": np.tile(np.arange(1, top + 1), oniv.shape[0]),
            "oniv": oniv[classes, neurons],
        }
    )
    frame["n_classes"] = frame.groupby("neuron")["class_index"].transform("size")
    return frame.sort_values(["neuron", "class_index"], kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------- figures
