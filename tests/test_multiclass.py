import os
import subprocess
import sys

import keras
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from deepresolve.analyses.multiclass import (
    bicluster,
    chunk_nivs,
    class_chunks,
    cluster_classes,
    dnase_block,
    factor_counts,
    feature_top_classes,
    fim_chunk,
    merge_fim_chunk_files,
    merge_fim_chunks,
    strong_correlation_counts,
)
from deepresolve.figures.multiclass import (
    figure_class_clustering,
    figure_class_differences,
    figure_dnase_bicluster,
    figure_similarity_matrix,
    figure_strong_correlation_counts,
)
from deepresolve.method.fim import feature_importance_maps, starts
from deepresolve.method.fim_result import FIMResult
from deepresolve.method.importance import niv
from deepresolve.method.similarity import class_difference_maps, class_similarity
from deepresolve.models.cnn import build_cnn
from deepresolve.models.deepsea import FIM_LAYER, build_deepsea, read_class_names
from tests.conftest import ROOT
from tests.png_checks import assert_png_drawn

OPTIONS = dict(n_runs=3, max_steps=150, patience=10, seed=11)


@pytest.fixture(scope="module")
def multitask():
    keras.utils.set_random_seed(4)
    return build_cnn(200, 7, dense_units=[16])


@pytest.fixture(scope="module")
def full_and_chunks(multitask):
    full = feature_importance_maps(multitask, **OPTIONS)
    chunks = [fim_chunk(multitask, chunk=i, chunk_size=3, **OPTIONS) for i in range(3)]
    return full, chunks


def assert_same_result(merged: FIMResult, full: FIMResult, rtol=1e-5, atol=1e-5):
    np.testing.assert_array_equal(merged.class_indices, full.class_indices)
    np.testing.assert_array_equal(merged.steps, full.steps)
    np.testing.assert_array_equal(merged.converged, full.converged)
    assert merged.layer_name == full.layer_name
    assert merged.params == full.params
    np.testing.assert_allclose(merged.fims, full.fims, rtol=rtol, atol=atol)
    np.testing.assert_allclose(merged.scores, full.scores, rtol=rtol, atol=atol)
    np.testing.assert_allclose(merged.objectives, full.objectives, rtol=rtol, atol=atol)


def test_class_chunks():
    chunks = class_chunks(919, 100)
    assert len(chunks) == 10
    assert chunks[0] == range(0, 100) and chunks[-1] == range(900, 919)
    assert class_chunks(3, 5) == [range(0, 3)]
    with pytest.raises(ValueError, match="must be >= 1"):
        class_chunks(5, 0)


def test_chunk_starts_continue_the_single_stream():
    shape = (3, 2)
    full = np.random.default_rng(9).standard_normal((700, *shape)).astype(np.float32)
    for first, n in [(0, 5), (3, 4), (256, 1), (511, 189)]:
        np.testing.assert_array_equal(starts(9, n, shape, first_row=first), full[first : first + n])


def test_merged_chunks_equal_one_call(full_and_chunks):
    full, chunks = full_and_chunks
    assert [c.class_indices.tolist() for c in chunks] == [[0, 1, 2], [3, 4, 5], [6]]
    assert chunks[0].fims.shape == (3, 3, 48, 32)
    merged = merge_fim_chunks(chunks, expected_classes=range(7))
    # oneDNN's kernels depend on the batch size: equal up to float32 rounding in-process
    # (bit for bit without oneDNN: test_merged_chunks_equal_one_call_bit_for_bit)
    assert_same_result(merged, full)


def test_merged_chunks_equal_one_call_bit_for_bit():
    script = f"""
import keras, numpy as np
from deepresolve.method.fim import feature_importance_maps
from deepresolve.models.cnn import build_cnn
from deepresolve.analyses.multiclass import fim_chunk, merge_fim_chunks
keras.utils.set_random_seed(4)
model = build_cnn(200, 7, dense_units=[16])
options = {OPTIONS!r}
full = feature_importance_maps(model, classes=[6, 0, 2, 5, 1], **options)
merged = merge_fim_chunks(
    [fim_chunk(model, classes=[6, 0, 2, 5, 1], chunk=i, chunk_size=2, **options) for i in range(3)]
)
for key in ("fims", "scores", "objectives", "steps", "converged", "class_indices"):
    assert np.array_equal(getattr(full, key), getattr(merged, key)), key
print("identical")
"""
    env = dict(os.environ, TF_ENABLE_ONEDNN_OPTS="0", TF_CPP_MIN_LOG_LEVEL="3")
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().endswith("identical")


def test_deepsea_architecture_chunks():
    keras.utils.set_random_seed(5)
    model = build_deepsea(200, 919)
    options = dict(n_runs=2, max_steps=4, patience=10, seed=3, classes=[0, 400, 918])
    full = feature_importance_maps(model, FIM_LAYER, **options)
    chunks = [fim_chunk(model, FIM_LAYER, chunk=i, chunk_size=2, **options) for i in range(2)]
    merged = merge_fim_chunks(chunks, expected_classes=[0, 400, 918])
    assert merged.fims.shape == (3, 2, 10, 480)
    assert merged.layer_name == FIM_LAYER
    assert_same_result(merged, full)


def test_merge_files_streams_the_same_result(full_and_chunks, tmp_path):
    full, chunks = full_and_chunks
    paths = []
    for i, chunk in enumerate(chunks):
        paths.append(tmp_path / f"chunk_{i}.npz")
        chunk.save(paths[-1])
    out = tmp_path / "merged" / "fim.npz"
    merge_fim_chunk_files(paths, out, expected_classes=range(7))
    loaded = FIMResult.load(out)
    in_memory = merge_fim_chunks(chunks)
    for key in ("fims", "scores", "objectives", "steps", "converged", "class_indices"):
        np.testing.assert_array_equal(getattr(loaded, key), getattr(in_memory, key))
        assert getattr(loaded, key).dtype == getattr(in_memory, key).dtype
    assert loaded.params == full.params and loaded.layer_name == full.layer_name
    assert not list(out.parent.glob(".*tmp"))

    nivs = chunk_nivs(paths)
    np.testing.assert_allclose(nivs.nivs, niv(in_memory.fims))
    np.testing.assert_array_equal(nivs.scores, in_memory.scores)
    np.testing.assert_array_equal(nivs.class_indices, np.arange(7))


def test_merge_errors(full_and_chunks, multitask):
    _, chunks = full_and_chunks
    with pytest.raises(ValueError, match=r"classes \[0, 1, 2\] occur in more than one chunk"):
        merge_fim_chunks([chunks[0], chunks[0]])
    with pytest.raises(ValueError, match="missing \\[6\\]"):
        merge_fim_chunks(chunks[:2], expected_classes=range(7))
    other = fim_chunk(multitask, chunk=2, chunk_size=3, **{**OPTIONS, "seed": 12})
    with pytest.raises(ValueError, match="different settings"):
        merge_fim_chunks([*chunks[:2], other])
    with pytest.raises(ValueError, match="make 3 chunks"):
        fim_chunk(multitask, chunk=3, chunk_size=3, **OPTIONS)


# --------------------------------------------------------------------------- analyses


def planted_similarity():
    """Two planted groups {0, 1, 2} and {3, 4} of classes with ONIVs sharing their pattern."""
    rng = np.random.default_rng(0)
    patterns = rng.uniform(0, 1, (2, 40))
    member = [0, 0, 0, 1, 1]
    oniv = patterns[member] + 0.05 * rng.normal(size=(5, 40))
    return class_similarity(oniv), oniv


def test_cluster_classes_recovers_planted_groups():
    similarity, _ = planted_similarity()
    linkage, frame = cluster_classes(similarity, list("abcde"), n_clusters=2)
    assert linkage.shape == (4, 4)
    assert sorted(frame["leaf"]) == list(range(5))
    clusters = frame["cluster"].to_numpy()
    assert len(set(clusters[:3])) == 1 and len(set(clusters[3:])) == 1
    assert clusters[0] != clusters[3]
    with pytest.raises(ValueError, match="method"):
        cluster_classes(similarity, method="ward")


def small_table(tmp_path):
    lines = [
        "K562|DNase|None",
        "HepG2|DNase|None",
        "GM12878|DNase|None",
        "K562|CTCF|None",
        "HepG2|CTCF|None",
        "K562|EZH2|None",
        "K562|H3K27ac|None",
    ]
    path = tmp_path / "small.names"
    path.write_text("\n".join(lines) + "\n")
    return read_class_names(path, n_classes=None)


def hand_made_similarity():
    """Rows/columns: 3 DNase, CTCF (K562), CTCF (HepG2), EZH2, H3K27ac."""
    a = np.eye(7)
    block = np.array(
        [
            [0.6, 0.5, -0.7, 0.2],
            [0.4, 0.9, -0.5, np.nan],
            [-0.6, 0.55, -0.49, 0.5],
        ]
    )
    a[:3, 3:] = block
    a[3:, :3] = block.T
    return a


def test_strong_correlation_counts_on_a_hand_made_matrix(tmp_path):
    table = small_table(tmp_path)
    block = dnase_block(hand_made_similarity(), table)
    assert block.shape == (3, 4)
    assert block.index.tolist() == ["K562|DNase|None", "HepG2|DNase|None", "GM12878|DNase|None"]
    counts = strong_correlation_counts(block, threshold=0.5, table=table)
    expected = {
        # label: (n_positive, n_negative); the threshold is inclusive, NaN counts as neither
        "K562|CTCF|None": (1, 1),
        "HepG2|CTCF|None": (3, 0),
        "K562|EZH2|None": (0, 2),
        "K562|H3K27ac|None": (1, 0),
    }
    for label, (positive, negative) in expected.items():
        assert tuple(counts.loc[label, ["n_positive", "n_negative"]]) == (positive, negative)
    # sorted by net = positive - negative
    assert counts.index.tolist() == [
        "HepG2|CTCF|None",
        "K562|H3K27ac|None",
        "K562|CTCF|None",
        "K562|EZH2|None",
    ]
    assert counts.loc["K562|H3K27ac|None", "group"] == "histone"
    strict = strong_correlation_counts(block, threshold=0.65)
    assert strict.loc["HepG2|CTCF|None", "n_positive"] == 1
    assert tuple(strict.loc["K562|CTCF|None", ["n_positive", "n_negative"]]) == (0, 0)
    assert strict.loc["K562|EZH2|None", "n_negative"] == 1
    per_factor = factor_counts(counts)
    assert per_factor.loc["CTCF"].tolist() == [2, 4, 1, 3]
    assert per_factor.index.tolist() == ["CTCF", "H3K27ac", "EZH2"]
    with pytest.raises(ValueError, match="threshold"):
        strong_correlation_counts(block, threshold=0)


def test_bicluster_orders_rows_and_columns(tmp_path):
    table = small_table(tmp_path)
    block = dnase_block(hand_made_similarity(), table)
    clustering = bicluster(block)
    assert sorted(clustering.block.index) == sorted(block.index)
    assert sorted(clustering.block.columns) == sorted(block.columns)
    assert clustering.row_linkage.shape == (2, 4) and clustering.col_linkage.shape == (3, 4)
    np.testing.assert_array_equal(
        clustering.block.to_numpy(), block.loc[clustering.block.index, clustering.block.columns]
    )


def test_class_difference_maps():
    oniv = np.array([[1.0, 0.0, 2.0], [0.5, 1.0, 2.0], [0.0, 0.0, 0.0]])
    frame = class_difference_maps(oniv, [(0, 1), ("c", "a")], labels=["a", "b", "c"])
    assert frame["pair"].unique().tolist() == ["a - b", "c - a"]
    np.testing.assert_allclose(frame["difference"], [0.5, -1.0, 0.0, -1.0, 0.0, -2.0])
    assert frame[["index_a", "index_b"]].drop_duplicates().to_numpy().tolist() == [[0, 1], [2, 0]]
    with pytest.raises(ValueError, match="unknown class 'z'"):
        class_difference_maps(oniv, [("a", "z")], labels=["a", "b", "c"])
    with pytest.raises(ValueError, match="out of range"):
        class_difference_maps(oniv, [(0, 3)])


def test_feature_top_classes():
    oniv = np.array(
        [
            [5.0, 4.0, 3.0, 2.0, 1.0, 0.0],
            [0.0, 1.0, 2.0, 3.0, 4.0, 5.0],
            [1.0, 9.0, 1.0, 1.0, 1.0, 1.0],
        ]
    )
    frame = feature_top_classes(oniv, ["x", "y", "z"], top=2)
    assert len(frame) == 6
    by_neuron = frame.groupby("neuron")["label"].apply(list).to_dict()
    assert by_neuron == {0: ["x", "z"], 1: ["x", "z"], 4: ["y"], 5: ["y"]}
    assert frame.loc[frame["neuron"] == 1, "rank"].tolist() == [2, 1]
    assert frame.loc[frame["neuron"] == 0, "n_classes"].tolist() == [2, 2]
    with pytest.raises(ValueError, match="top"):
        feature_top_classes(oniv, top=7)


@pytest.mark.shared_data("deepsea")
def test_analyses_at_deepsea_scale(shared_data):
    """919 classes, 480 features: the shapes of every table and figure."""
    table = read_class_names(shared_data / "deepsea" / "predictor.names")
    rng = np.random.default_rng(1)
    oniv = rng.normal(size=(919, 480))
    similarity = class_similarity(oniv)
    linkage, clusters = cluster_classes(similarity, table["label"], n_clusters=30)
    assert linkage.shape == (918, 4)
    assert clusters["cluster"].max() <= 30 and sorted(clusters["leaf"]) == list(range(919))
    block = dnase_block(similarity, table)
    assert block.shape == (125, 794)
    clustering = bicluster(block)
    assert clustering.block.shape == (125, 794)
    counts = strong_correlation_counts(block, threshold=0.1, table=table)
    assert len(counts) == 794 and set(counts["group"]) == {"TF", "histone"}
    assert len(factor_counts(counts)) < 794
    top = feature_top_classes(oniv, table["label"])
    assert len(top) == 919 * 5
    fig = figure_similarity_matrix(similarity, table)
    [box] = [p for p in fig.axes[0].patches if p.get_gid() == "dnase_block"]
    assert (box.get_x(), box.get_y(), box.get_width(), box.get_height()) == (124.5, -0.5, 794, 125)


def test_figures(tmp_path):
    table = small_table(tmp_path)
    similarity = hand_made_similarity()
    linkage, _ = cluster_classes(similarity, table["label"])
    block = dnase_block(similarity, table)
    clustering = bicluster(block)
    counts = strong_correlation_counts(block, threshold=0.5, table=table)
    differences = class_difference_maps(
        np.random.default_rng(0).normal(size=(7, 12)), [(0, 3), (4, 6)], table["label"]
    )
    figures = {
        "similarity": figure_similarity_matrix(similarity, table, title="Figure 7"),
        "clustering": figure_class_clustering(similarity, table, linkage),
        "bicluster": figure_dnase_bicluster(clustering, table),
        "counts": figure_strong_correlation_counts(
            counts, 0.5, order=clustering.block.columns, title="Figure 8B"
        ),
        "factors": figure_strong_correlation_counts(factor_counts(counts), 0.5),
        "differences": figure_class_differences(differences),
    }
    for name, fig in figures.items():
        assert isinstance(fig, Figure), name
        assert fig not in [plt.figure(n) for n in plt.get_fignums()], name
        fig.savefig(tmp_path / f"{name}.png", dpi=40)
        width, height = fig.get_size_inches() * 40
        assert_png_drawn(tmp_path / f"{name}.png", min_size=(int(width), int(height)))
    # Figure 8B: bars in the bi-clustered order, positives up and negatives down
    ax = figures["counts"].axes[0]
    heights = [bar.get_height() for bar in ax.patches]
    ordered = counts.loc[clustering.block.columns]
    assert heights == ordered["n_positive"].tolist() + (-ordered["n_negative"]).tolist()


def overlapping_axes(fig, artist) -> list:
    """Axes (colour bars aside) whose drawn area overlaps ``artist`` once the figure is drawn."""
    fig.draw_without_rendering()
    box = artist.get_window_extent()
    return [
        ax
        for ax in fig.axes
        if ax.get_label() != "<colorbar>" and ax.get_window_extent().overlaps(box)
    ]


def test_clustermap_title_and_legend_clear_of_the_dendrograms(tmp_path):
    table = small_table(tmp_path)
    similarity = hand_made_similarity()
    linkage, _ = cluster_classes(similarity, table["label"])
    figures = {
        "clustering": figure_class_clustering(similarity, table, linkage, title="clustered"),
        "bicluster": figure_dnase_bicluster(
            bicluster(dnase_block(similarity, table)), table, title="DNase x TF / histone"
        ),
    }
    for name, fig in figures.items():
        (legend,) = fig.legends
        (title,) = [t for t in fig.texts if t.get_text() == fig.get_suptitle()]
        assert overlapping_axes(fig, title) == [], name
        assert overlapping_axes(fig, legend) == [], name
    bicluster_groups = [t.get_text() for t in figures["bicluster"].legends[0].get_texts()]
    assert bicluster_groups == ["DNase", "TF", "histone"]  # rows are DNase, columns TF/histone
    assert figures["bicluster"].get_suptitle() == "DNase x TF / histone"


def test_empty_strong_correlations_say_none_on_integer_ticks(tmp_path):
    table = small_table(tmp_path)
    counts = strong_correlation_counts(
        dnase_block(hand_made_similarity(), table), threshold=0.95, table=table
    )
    assert counts[["n_positive", "n_negative"]].to_numpy().sum() == 0
    ax = figure_strong_correlation_counts(counts, 0.95).axes[0]
    ticks = ax.get_yticks()
    assert len(ticks) >= 3 and np.array_equal(ticks, np.round(ticks))
    (note,) = [t for t in ax.texts if t.get_gid() == "no_strong_correlations"]
    assert note.get_text() == "none at A >= 0.95 or A <= -0.95"
    full = figure_strong_correlation_counts(
        strong_correlation_counts(dnase_block(hand_made_similarity(), table), 0.5, table), 0.5
    )
    assert not [t for t in full.axes[0].texts if t.get_gid() == "no_strong_correlations"]


def test_difference_map_of_480_features_has_feature_ticks():
    labels = [f"class {i}" for i in range(3)]
    oniv = np.random.default_rng(0).normal(size=(3, 480))
    fig = figure_class_differences(class_difference_maps(oniv, [(0, 1), (1, 2)], labels))
    ax = fig.axes[0]
    ticks = [int(t.get_text()) for t in ax.get_xticklabels()]
    assert ticks == list(range(0, 480, 50))
    assert np.allclose(ax.get_xticks(), np.array(ticks) + 0.5)  # centred on their cells
    assert "0-based" in ax.get_xlabel() and "480" in ax.get_xlabel()


@pytest.mark.workflow
def test_deepsea_random_model_through_the_many_class_chain_with_dnase(tmp_path):
    """The DeepSEA config's chain (config/deepsea.yaml) for real on six of its classes: rule
    deepsea_random_model builds the 1000 bp architecture with one output per class name, FIMs
    at dropout_2 in two chunks, and Figure 8's tables from the DNase classes: the block is the
    DNase x TF/histone part of the class similarity, counted per experiment and factor."""
    import pandas as pd

    from .workflow_helpers import run_workflow

    names = ROOT / "tests/data/deepsea_six_classes.names"
    settings = tmp_path / "deepsea.yaml"
    settings.write_text(
        f"""
multiclass:
  models:
    deepsea_six:
      model: deepsea_random
      class_names: {names}
      layer: {FIM_LAYER}
      difference_pairs: [["K562|DNase|None", "K562|CTCF|None"]]
  chunk_size: 3
  fim: {{n_runs: 2, max_steps: 50}}
"""
    )
    folder = "results/multiclass/deepsea_six"
    tables = ["fim.npz", "clusters.tsv", "feature_top_classes.tsv"]
    targets = [f"{folder}/{name}" for name in (*tables, "strong_correlations_per_factor.tsv")]
    figures = ["similarity", "clustering", "differences", "dnase_bicluster", "strong_correlations"]
    targets += [f"{folder}/figures/{figure}.png" for figure in figures]
    workdir = tmp_path / "run"
    done = run_workflow(workdir, str(settings), targets=tuple(targets))
    assert done.returncode == 0, done.stderr[-5000:]
    results = workdir / folder
    model = keras.models.load_model(results / "random_model.keras", compile=False)
    assert model.input_shape == (None, 1000, 4) and model.output_shape == (None, 6)
    merged = FIMResult.load(results / "fim.npz")
    assert merged.layer_name == FIM_LAYER and merged.class_indices.tolist() == list(range(6))
    assert len(list((results / "fim_chunks").glob("*.npz"))) == 2
    similarity = pd.read_csv(results / "similarity.tsv", sep="\t", index_col=0)
    block = pd.read_csv(results / "dnase_block.tsv", sep="\t", index_col=0)
    assert sorted(block.index) == ["GM12878|DNase|None", "K562|DNase|None"]
    assert block.shape == (2, 4)
    pd.testing.assert_frame_equal(
        block, similarity.loc[block.index, block.columns], check_names=False
    )
    counts = pd.read_csv(results / "strong_correlations.tsv", sep="\t", index_col=0)
    assert sorted(counts.index) == sorted(block.columns)
    assert (counts["n_positive"] + counts["n_negative"]).between(0, 2).all()
    factors = pd.read_csv(results / "strong_correlations_per_factor.tsv", sep="\t", index_col=0)
    assert sorted(factors.index) == ["CTCF", "H3K4me3"] and (factors["experiments"] == 2).all()
    for figure in figures:
        assert (results / f"figures/{figure}.png").stat().st_size > 10_000, figure
