"""deepresolve/core/files.py: reads of workflow files whose failure names the file, and the scripts'
messages for a truncated intermediate file (path, the rule that makes it, --forcerun).

Each case makes a small real instance of one kind of intermediate with the library, cuts it,
runs the script of a rule that reads it (in this process, with a stand-in ``snakemake``
object) and checks the message and that the script wrote none of its outputs.
"""

import logging
import runpy
import sys
import zipfile
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from snakemake.iocontainers import Namedlist

from deepresolve.analyses.multitask import MultitaskData
from deepresolve.analyses.tf_models import MotifCollection, write_motif_collection
from deepresolve.core.files import (
    UnreadableFileError,
    made_by,
    read_json,
    read_npz,
    read_tsv,
    reading,
)
from deepresolve.datasets.chipseq_parts import ExperimentSequences
from deepresolve.datasets.synthetic import SyntheticDataset
from deepresolve.method.fim_result import FIMResult
from deepresolve.method.niv_tables import oniv_table
from deepresolve.method.similarity import class_similarity
from tests.conftest import ROOT

RNG = np.random.default_rng(0)


def one_hot(n, length=30):
    return np.eye(4, dtype=np.uint8)[RNG.integers(0, 4, (n, length))]


def cut(path):
    """Keep the first half of ``path``, as a job killed while writing without atomic writes."""
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def run_script(
    name, tmp_path, inputs, outputs, params=None, wildcards=None, config=None, resources=None
):
    """Run ``scripts/<name>`` as Snakemake would, with a stand-in ``snakemake`` object."""
    snakemake = SimpleNamespace(
        input=Namedlist(
            fromdict={k: v if isinstance(v, list) else str(v) for k, v in inputs.items()}
        ),
        output=Namedlist(fromdict={k: str(v) for k, v in outputs.items()}),
        params=Namedlist(fromdict=params or {}),
        wildcards=Namedlist(fromdict=wildcards or {}),
        log=Namedlist(fromdict={"log": str(tmp_path / "job.log")}),
        config=config or {},
        resources=Namedlist(fromdict=resources or {}),
        rule=name.removesuffix(".py"),
        threads=1,
    )
    hook, root = sys.excepthook, logging.getLogger()
    handlers = list(root.handlers)
    try:
        runpy.run_path(str(ROOT / "scripts" / name), init_globals={"snakemake": snakemake})
    finally:  # setup_logging in the script replaces them
        for handler in root.handlers:
            if handler not in handlers:
                handler.close()
        root.handlers[:] = handlers
        sys.excepthook = hook


def fim_result(classes, n_runs=2, n_filters=3):
    shape = (len(classes), n_runs)
    return FIMResult(
        fims=RNG.normal(size=(*shape, 5, n_filters)).astype(np.float32),
        scores=RNG.normal(size=shape),
        objectives=RNG.normal(size=shape),
        steps=np.full(shape, 10),
        converged=np.ones(shape, bool),
        layer_name="conv",
        class_indices=np.asarray(classes),
        params={"n_runs": n_runs, "l2": 0.01},
    )


def keras_model(path):
    from deepresolve.models.cnn import build_cnn

    build_cnn(30, 2, conv_filters=4, conv_width=5, dense_units=(4,)).save(path)


# ------------------------------------------------------------------ one case per kind of file


def training_outputs(tmp_path):
    """The outputs of the training rules (train, train_chipseq, multitask_train)."""
    return {
        "model": tmp_path / "model.keras",
        "history": tmp_path / "history.tsv",
        "metrics": tmp_path / "metrics.json",
    }


def fim_file(tmp_path):
    fim = tmp_path / "fim.npz"
    fim_result([0, 1]).save(fim)
    cut(fim)
    return dict(
        name="compute_oniv.py",
        inputs={"fim": fim},
        outputs={k: tmp_path / f"{k}.tsv" for k in ("niv", "oniv", "similarity")},
        params={"mode": "paper", "class_names": ["a", "b"]},
    ), fim


def synthetic_dataset(tmp_path):
    dataset, planted = tmp_path / "dataset.npz", tmp_path / "planted.tsv"
    SyntheticDataset(
        one_hot(40), RNG.integers(0, 2, (40, 1)), ["a"], ["CAGATG"], pd.DataFrame()
    ).save(dataset, planted)
    cut(dataset)
    return dict(
        name="train_model.py",
        inputs={"dataset": dataset},
        outputs=training_outputs(tmp_path),
        params={"training": {}, "model": {}, "seed": 1},
        wildcards={"dataset": "I", "replicate": "0"},
    ), dataset


def fim_chunks(tmp_path):
    chunks = [tmp_path / "0.npz", tmp_path / "1.npz"]
    fim_result([0, 1]).save(chunks[0])
    fim_result([2, 3]).save(chunks[1])
    cut(chunks[1])  # the first chunk is read whole before the second fails
    return dict(
        name="merge_fim_chunks.py",
        inputs={"chunks": [str(c) for c in chunks]},
        outputs={"fim": tmp_path / "fim.npz"},
        params={"n_classes": 4},
    ), chunks[1]


def keras_file(tmp_path):
    model = tmp_path / "model.keras"
    keras_model(model)
    cut(model)
    return dict(
        name="compute_fim.py",
        inputs={"model": model},
        outputs={"fim": tmp_path / "fim.npz"},
        params={"deepresolve": {"n_runs": 1, "max_steps": 2}, "seed": 1},
    ), model


def chipseq_sequences(tmp_path):
    sequences = tmp_path / "sequences.npz"
    ExperimentSequences(
        [f"s{i}" for i in range(40)], one_hot(40), RNG.integers(0, 2, 40), np.zeros(40, np.int8)
    ).save(sequences)
    cut(sequences)
    return dict(
        name="train_chipseq.py",
        inputs={"sequences": sequences},
        outputs=training_outputs(tmp_path),
        params={"training": {}, "preset": "published", "auc_failure": "error", "seed": 1},
        wildcards={"chip": "X"},
    ), sequences


def multitask_dataset(tmp_path):
    dataset = tmp_path / "dataset.npz"
    MultitaskData(
        ["a", "b"], one_hot(40), RNG.integers(-1, 2, (40, 2)).astype(np.int8), np.zeros(40, np.int8)
    ).save(dataset)
    cut(dataset)
    return dict(
        name="multitask_train.py",
        inputs={"dataset": dataset},
        outputs=training_outputs(tmp_path),
        params={"training": {}, "architecture": {}, "seed": 1},
    ), dataset


def oniv_tsv(tmp_path):
    labels = ["K562|DNase|None", "K562|CTCF|None", "GM12878|DNase|None"]
    class_names = tmp_path / "class_names.txt"
    class_names.write_text("".join(f"{label}\n" for label in labels))
    values = RNG.normal(size=(3, 4))
    oniv = tmp_path / "oniv.tsv"
    oniv_table(values, values**2, values > 0, labels).to_csv(oniv, sep="\t", index=False)
    similarity = tmp_path / "similarity.tsv"
    pd.DataFrame(class_similarity(values), index=labels, columns=labels).to_csv(
        similarity, sep="\t"
    )
    cut(oniv)  # the similarity table is whole: the script must not write its clusters first
    return dict(
        name="multiclass_tables.py",
        inputs={"oniv": oniv, "similarity": similarity, "class_names": class_names},
        outputs={
            k: tmp_path / f"{k}.tsv" for k in ("clusters", "differences", "feature_top_classes")
        },
        params={"method": "average", "n_clusters": 2, "pairs": [], "top": 2},
    ), oniv


def motifs_json(tmp_path):
    motifs = tmp_path / "known_motifs.json"
    pwm = np.full((6, 4), 0.25)
    collection = MotifCollection(
        release="JASPAR2026",
        pwms={"MA0139.2": pwm},
        nsites={"MA0139.2": 20},
        names={"MA0139.2": "CTCF"},
        experiments={"E": {"tf": "CTCF", "known": ["MA0139.2"], "tf_matrices": ["MA0139.2"]}},
    )
    write_motif_collection(motifs, collection)
    cut(motifs)
    return dict(
        name="known_motif_file.py",
        inputs={"motifs": motifs},
        outputs={"folder": tmp_path / "known_motifs"},
        params={"experiments": ["E"]},
    ), motifs


def many_class_model(
    tmp_path, model="results/synthetic/IV/rep0/model.keras", rule="train", broken=True
):
    """A model of multiclass.models (relative to the working folder, as Snakemake gives it) and
    the rule that makes it (params.model_rule: multiclass_config.smk's multiclass_model_rule);
    cut unless ``broken`` is false."""
    class_names = tmp_path / "names.txt"
    class_names.write_text("K562|DNase|None\nK562|CTCF|None\n")
    (tmp_path / model).parent.mkdir(parents=True, exist_ok=True)
    keras_model(tmp_path / model)
    if broken:
        cut(tmp_path / model)
    return dict(
        name="fim_chunk.py",
        inputs={"model": model, "class_names": class_names},
        outputs={"fim": tmp_path / "chunk.npz"},
        params={
            "chunk": 0,
            "chunk_size": 2,
            "layer": None,
            "settings": {},
            "seed": 1,
            "model_rule": rule,
        },
        wildcards={"mc": "synthetic_IV"},
    ), model


# case -> (the file and the script that reads it, the rule that makes the file, its kind)
CASES = {
    "fim": (fim_file, "fim", "NumPy .npz"),
    "synthetic_dataset": (synthetic_dataset, "simulate", "NumPy .npz"),
    "fim_chunk": (fim_chunks, "fim_chunk", "NumPy .npz"),
    "model": (keras_file, "train", "Keras 3"),
    "many_class_model": (many_class_model, "train", "Keras 3"),
    "chipseq_sequences": (chipseq_sequences, "chipseq_sequences", "NumPy .npz"),
    "multitask_dataset": (multitask_dataset, "multitask_dataset", "NumPy .npz"),
    "oniv_table": (oniv_tsv, "multiclass_oniv", "TSV"),
    "motifs_json": (motifs_json, "known_motifs", "JSON"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_truncated_intermediate_names_file_rule_and_forcerun(tmp_path, monkeypatch, case):
    make, rule, kind = CASES[case]
    monkeypatch.chdir(tmp_path)
    job, broken = make(tmp_path)
    with pytest.raises(UnreadableFileError) as err:
        run_script(tmp_path=tmp_path, **job)
    message = str(err.value)
    assert message.startswith(f"{broken} is not a readable {kind} file (truncated or corrupt?)")
    assert f"It is made by rule {rule}:" in message
    assert f"add `--forcerun {rule}` to the snakemake command" in message
    left = [str(p) for p in job["outputs"].values() if p.exists()]
    assert not left, f"{job['name']} wrote {left} before failing"
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_users_own_model_names_no_rule(tmp_path, monkeypatch):
    """multiclass.models.<name>.model given by the user: no rule makes it, none is named."""
    monkeypatch.chdir(tmp_path)
    job, broken = many_class_model(tmp_path, model="mine/model.keras", rule=None)
    with pytest.raises(UnreadableFileError, match=f"^{broken} is not a readable Keras 3") as err:
        run_script(tmp_path=tmp_path, **job)
    assert err.value.rule is None and "forcerun" not in str(err.value)


# ------------------------------------------------------------------ what is not a broken file


def test_missing_file_is_not_called_corrupt(tmp_path):
    from deepresolve.models.cnn import load_model

    missing = tmp_path / "none"
    for read in (read_npz, read_tsv, read_json):
        with pytest.raises(FileNotFoundError):
            read(missing)
    with pytest.raises(FileNotFoundError):
        load_model(tmp_path / "none.keras")


def test_missing_key_is_a_key_error_not_a_corrupt_file(tmp_path):
    path = tmp_path / "a.npz"
    np.savez(path, x=np.arange(3))
    assert read_npz(path)["x"].tolist() == [0, 1, 2]
    with pytest.raises(KeyError, match=r"no \['y'\] among its arrays \['x'\]"):
        read_npz(path, ["x", "y"])


def test_errors_after_the_read_are_not_translated(tmp_path):
    path = tmp_path / "t.tsv"
    pd.DataFrame({"a": [1, 2]}).to_csv(path, sep="\t", index=False)
    with pytest.raises(ValueError, match="^a programming error$"), made_by("r"):
        read_tsv(path)
        raise ValueError("a programming error")
    # a content error outside reading() is not a file's fault either
    with pytest.raises(TypeError), reading(path, "TSV"):
        raise TypeError("bad argument")


def test_a_table_cut_mid_line_is_caught_and_the_inner_rule_kept(tmp_path):
    path = tmp_path / "cut.tsv"
    path.write_text("a\tb\n1\t2\n3\t")  # pandas alone reads b = NaN in the last row
    with pytest.raises(UnreadableFileError, match="its last line has no line end") as err:
        read_tsv(path)
    assert err.value.rule is None and "forcerun" not in str(err.value)
    with pytest.raises(UnreadableFileError) as err, made_by("outer"), made_by("inner"):
        read_tsv(path)
    assert err.value.rule == "inner" and "--forcerun inner" in str(err.value)


def test_corrupt_keras_member_is_caught(tmp_path):
    """A flipped byte inside the archive (whole length) fails its CRC-32."""
    from deepresolve.models.cnn import load_model

    path = tmp_path / "model.keras"
    keras_model(path)
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("config.json")
    data = bytearray(path.read_bytes())
    data[info.header_offset + 30 + len(info.filename) + 10] ^= 0xFF  # inside config.json
    path.write_bytes(bytes(data))
    with pytest.raises(UnreadableFileError, match="config.json does not match its CRC-32"):
        load_model(path)


def test_nan_is_written_as_null_with_its_reason(tmp_path):
    import json as json_module

    from deepresolve.core.files import write_json

    path = tmp_path / "metrics.json"
    write_json(
        path,
        {"test_auc": {"a": np.float32(0.9), "b": float("nan")}, "runs": [1, np.inf]},
        null_reason="one label only",
    )

    def refuse(constant):
        raise AssertionError(f"{constant} is not JSON")

    document = json_module.loads(path.read_text(), parse_constant=refuse)
    assert document["test_auc"] == {"a": pytest.approx(0.9), "b": None}
    assert document["runs"] == [1, None]
    assert document["null_reasons"] == {
        "test_auc.b": "nan -> null: one label only",
        "runs.1": "inf -> null: one label only",
    }


def test_fim_chunk_checks_the_memory_of_a_model_known_only_once_it_exists(tmp_path, monkeypatch):
    """A user's own many-class model has a feature map known only once it is read: the fim_chunk
    script estimates the chunk's FIM memory from the loaded model and stops before any ascent
    when the job's resources.mem_mb is too small, naming the keys and --set-resources."""
    monkeypatch.chdir(tmp_path)
    job, _ = many_class_model(tmp_path, model="my_model.keras", rule=None, broken=False)
    job["params"] |= {
        "settings": {"n_runs": 100000000, "l2": 0.01, "learning_rate": 0.1, "max_steps": 20},
        "fim_block": "multiclass",
    }
    job["wildcards"] = {"mc": "own"}
    # keras_model: 4 filters of width 5 on 30 bp, max-pooled by 4: a 6 x 4 map
    need = 100000000 * 2 * 24 * 16 / 2**20
    with pytest.raises(ValueError) as err:
        run_script(tmp_path=tmp_path, resources={"mem_mb": 2000}, **job)
    assert str(err.value) == (
        f"rule fim_chunk on model own needs about {need:,.0f} MB (2 classes a chunk "
        "(multiclass.chunk_size 2) x multiclass.fim.n_runs 100000000 x 6 x 4 feature-map "
        "values) but asks for resources.mem_mb 2000: lower multiclass.chunk_size or "
        "multiclass.fim.n_runs, or give more with --set-resources fim_chunk:mem_mb="
        f"{int(need * 1.2) + 1} (or multiclass.chunk_mem_mb)"
    )
    assert not (tmp_path / "chunk.npz").exists()
    # what fits runs: the chunk's FIMs are written
    job["params"]["settings"]["n_runs"] = 2
    run_script(tmp_path=tmp_path, resources={"mem_mb": 2000}, **job)
    assert read_npz(tmp_path / "chunk.npz")["fims"].shape == (2, 2, 6, 4)
