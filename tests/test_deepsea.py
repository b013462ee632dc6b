import logging

import keras
import numpy as np
import pytest

from deepresolve.datasets.sequences import one_hot
from deepresolve.method.network import split_model
from deepresolve.models.deepsea import (
    FIM_LAYER,
    build_deepsea,
    class_group,
    conv_3_positions,
    fim_shape,
    read_class_names,
    receptive_field,
    reorder_bases,
    use_acgt_input,
)


@pytest.fixture(scope="module")
def deepsea_1000():
    keras.utils.set_random_seed(0)
    return build_deepsea()


def test_real_shapes_at_1000_bp(deepsea_1000):
    model = deepsea_1000
    shapes = {layer.name: tuple(layer.output.shape[1:]) for layer in model.layers}
    assert shapes["conv_1"] == (993, 320)
    assert shapes["pool_1"] == (248, 320)
    assert shapes["conv_2"] == (241, 480)
    assert shapes[FIM_LAYER] == (60, 480) == fim_shape(1000)
    assert shapes["conv_3"] == (53, 960) and conv_3_positions(1000) == 53
    assert shapes["flatten"] == (50880,)  # DeepSEA's 50880 -> 925 linear layer
    assert shapes["dense_1"] == (925,)
    assert shapes["sigmoid"] == (919,)
    # the paper's "480 x 51bp" features: 480 channels, each seeing 51 bp
    assert receptive_field() == 51


def test_split_at_the_input_of_conv_3_scores_the_logits(deepsea_1000):
    split = split_model(deepsea_1000, FIM_LAYER)
    assert split.feature_shape == (60, 480)
    assert split.n_classes == 919
    assert split.upper.layers[1].name == "conv_3"
    x = one_hot(["ACGT" * 250, "TTGCA" * 200]).astype("float32")
    logits = split.upper(split.lower(x, training=False), training=False)
    np.testing.assert_allclose(
        keras.ops.sigmoid(logits), deepsea_1000(x, training=False), rtol=1e-5, atol=1e-6
    )


def test_short_input_and_no_sigmoid():
    model = build_deepsea(200, 5, sigmoid=False)
    assert model.layers[-1].name == "logits"
    assert tuple(model.get_layer(FIM_LAYER).output.shape[1:]) == (10, 480) == fim_shape(200)
    with pytest.raises(ValueError, match="too short"):
        build_deepsea(150)


def test_reorder_bases_swaps_c_and_g():
    x = one_hot("ACGT")  # (1, 4, 4), columns A, C, G, T
    deepsea = reorder_bases(x)
    # in A, G, C, T columns: A -> col 0, C -> col 2, G -> col 1, T -> col 3
    np.testing.assert_array_equal(deepsea[0].argmax(-1), [0, 2, 1, 3])
    np.testing.assert_array_equal(reorder_bases(deepsea, "AGCT", "ACGT"), x)
    kernel = np.arange(2 * 4 * 3).reshape(2, 4, 3)
    np.testing.assert_array_equal(reorder_bases(kernel, axis=1)[:, [0, 2, 1, 3]], kernel)
    with pytest.raises(ValueError, match="4 entries on axis"):
        reorder_bases(np.zeros((3, 5)))
    with pytest.raises(ValueError, match="same distinct letters"):
        reorder_bases(x, "ACGT", "ACGN")


def test_use_acgt_input_equals_reordering_the_input():
    keras.utils.set_random_seed(1)
    model = build_deepsea(200, 3)
    x = one_hot(["".join(np.random.default_rng(2).choice(list("ACGT"), 200))]).astype("float32")
    expected = model(reorder_bases(x), training=False).numpy()  # DeepSEA order in
    use_acgt_input(model)
    np.testing.assert_allclose(model(x, training=False), expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    ("assay", "group"),
    [
        ("DNase", "DNase"),
        ("CTCF", "TF"),
        ("Pol2(phosphoS2)", "TF"),
        ("H3K4me3", "histone"),
        ("H2AZ", "histone"),
        ("H2BK120ac", "histone"),
        ("H4K20me1", "histone"),
        ("HDAC2", "TF"),
        ("HNF4A", "TF"),
        ("NA", None),
    ],
)
def test_class_group(assay, group):
    assert class_group(assay) == group


@pytest.mark.shared_data("deepsea")
def test_read_predictor_names(shared_data):
    path = shared_data / "deepsea" / "predictor.names"
    table = read_class_names(path)
    assert len(table) == 919
    assert table["group"].value_counts().to_dict() == {"DNase": 125, "TF": 690, "histone": 104}
    # lines 1-125 DNase, 126-815 TF, 816-919 histone marks
    assert (table["group"].iloc[:125] == "DNase").all()
    assert (table["group"].iloc[125:815] == "TF").all()
    assert (table["group"].iloc[815:] == "histone").all()
    assert table.loc[0, "name"] == "8988T|DNase|None"
    placeholder = table[table["placeholder"]]
    assert placeholder.index.tolist() == [576]  # line 577 reads NA|NA|NA
    assert placeholder["group"].tolist() == ["TF"]
    assert table["label"].is_unique
    assert table.loc[262, "label"] == "H1-hESC|CTCF|None (2)"


def test_placeholder_warned_at_dag_time_only(tmp_path, caplog):
    """A placeholder line is a warning where the workflow reads the table for the DAG (once per
    run) and a debug message in the jobs, which read it again (warn_placeholders=False)."""
    names = tmp_path / "p.names"
    names.write_text("K562|CTCF|None\nNA|NA|NA\nK562|EZH2|None\n")
    with caplog.at_level(logging.DEBUG, logger="deepresolve.models.deepsea"):
        read_class_names(names, n_classes=None)
        read_class_names(names, n_classes=None, warn_placeholders=False)
    levels = [r.levelno for r in caplog.records if "line 2 'NA|NA|NA'" in r.getMessage()]
    assert levels == [logging.WARNING, logging.DEBUG]


def test_read_class_names_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="not found"):
        read_class_names(tmp_path / "missing.names")
    bad = tmp_path / "bad.names"
    bad.write_text("K562|DNase|None\nK562|CTCF\n")
    with pytest.raises(ValueError, match=r"bad.names line 2: expected Cell\|Assay\|Treatment"):
        read_class_names(bad, n_classes=None)
    empty_field = tmp_path / "empty.names"
    empty_field.write_text("K562||None\n")
    with pytest.raises(ValueError, match="line 1"):
        read_class_names(empty_field, n_classes=None)
    short = tmp_path / "short.names"
    short.write_text("K562|DNase|None\nK562|CTCF|None\n\n")
    with pytest.raises(ValueError, match="expected 919 class names, got 2 lines"):
        read_class_names(short)
    assert len(read_class_names(short, n_classes=2)) == 2
    torn = tmp_path / "torn.names"
    torn.write_text("K562|DNase|None\nNA|NA|NA\nK562|CTCF|None\n")
    with pytest.raises(ValueError, match="torn.names line 2: assay 'NA' has no group"):
        read_class_names(torn, n_classes=None)
