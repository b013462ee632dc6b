"""The workflow config is validated before any job runs, with errors naming key and fix."""

import copy
from pathlib import Path

import pytest
import yaml

from deepresolve.config.validate import check_config, config_errors, model_config

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "workflow/schemas/config.schema.yaml"


@pytest.fixture
def config():
    return yaml.safe_load((ROOT / "config/config.yaml").read_text())


def test_default_and_test_configs_are_valid(config):
    assert config_errors(config, SCHEMA) == []
    test_config = yaml.safe_load((ROOT / "config/test.yaml").read_text())
    assert config_errors(test_config, SCHEMA) == []


def test_unknown_dataset_names_allowed_values(config):
    config["datasets"] = ["I", "V"]
    with pytest.raises(ValueError) as error:
        check_config(config, SCHEMA)
    message = str(error.value)
    assert "datasets.1" in message and "'V'" in message
    assert "['I', 'II', 'III', 'IV']" in message


def test_negative_size_names_key(config):
    config["synthetic"]["I"]["n_sequences"] = -5
    messages = config_errors(config, SCHEMA)
    assert len(messages) == 1
    assert "synthetic.I.n_sequences" in messages[0] and "-5" in messages[0]


def test_unknown_key_lists_allowed_keys(config):
    config["training"]["epochs"] = 3
    (message,) = config_errors(config, SCHEMA)
    assert "'epochs'" in message and "under 'training'" in message
    assert "max_epochs" in message


def test_unknown_oniv_mode(config):
    config["deepresolve"]["oniv_mode"] = "median"
    (message,) = config_errors(config, SCHEMA)
    assert "deepresolve.oniv_mode" in message and "released" in message and "paper" in message


def test_per_dataset_model_override(config):
    assert model_config(config, "IV")["dense_units"] == [64]
    assert model_config(config, "I")["dense_units"] == [64, 64]
    bad = copy.deepcopy(config)
    bad["model"]["per_dataset"]["V"] = {"dense_units": [8]}
    assert any("model.per_dataset" in m for m in config_errors(bad, SCHEMA))


SIX_CLASSES = "tests/data/deepsea_six_classes.names"
MULTICLASS_MODEL = {"model": "deepsea_random", "class_names": SIX_CLASSES}
CHIPSEQ_EXPERIMENT = {"source": "zeng", "model": "trained", "parts": ["train", "test"]}
MULTITASK_ENTRY = {"source": "chipseq", "chip": "CTCF", "tf": "CTCF", "cell": "K562", "lab": "x"}


@pytest.mark.parametrize(
    ("block", "entry"),
    [
        (("multiclass", "models"), MULTICLASS_MODEL),
        (("chipseq", "experiments"), CHIPSEQ_EXPERIMENT),
        (("multitask", "experiments"), MULTITASK_ENTRY),
    ],
)
@pytest.mark.parametrize("name", ["../../../outside_x", "$(touch x)", "..", ".hidden", "a/b", ""])
def test_names_that_would_leave_results_are_refused(config, block, entry, name):
    config[block[0]][block[1]] = {name: entry}
    messages = config_errors(config, SCHEMA)
    key = ".".join(block)
    assert messages == [
        f"config key '{key}': the name {name!r} is not allowed; a name uses letters, digits, "
        "'_', '-' and '.', not starting with a dot (it becomes a folder under results/)"
    ]


@pytest.mark.parametrize("name", ["CTCF_K562", "rest-1.2", "_x", "A"])
def test_names_of_the_rule_are_accepted(config, name):
    config["multiclass"]["models"] = {name: MULTICLASS_MODEL}
    config["chipseq"]["experiments"] = {name: CHIPSEQ_EXPERIMENT}
    assert config_errors(config, SCHEMA) == []


def test_names_referring_to_other_entries_follow_the_rule(config):
    config["multitask"]["experiments"] = {"x": dict(MULTITASK_ENTRY, chip="..")}
    config["chipseq"]["experiments"] = {"y": dict(CHIPSEQ_EXPERIMENT, zeng_experiment="..")}
    messages = config_errors(config, SCHEMA)
    assert any("'multitask.experiments.x.chip': the name '..'" in m for m in messages)
    assert any("'chipseq.experiments.y.zeng_experiment': the name '..'" in m for m in messages)


def test_a_key_given_twice_is_refused_naming_file_and_line(tmp_path):
    from deepresolve.config.validate import read_config_file

    path = tmp_path / "twice.yaml"
    path.write_text("seed: 3\nsynthetic:\n  I: {replicates: 1, replicates: 2}\n")
    with pytest.raises(ValueError, match=r"twice.yaml, line 3: key 'replicates' is given twice"):
        read_config_file(path)
    path.write_text("seed: 3\nmodel: {}\nseed: 4\n")
    with pytest.raises(ValueError, match=r"line 3: key 'seed' is given twice \(first on line 1\)"):
        read_config_file(path)
    assert read_config_file(ROOT / "config/test.yaml")["seed"] == 2018


def test_a_config_that_is_not_utf8_is_named(tmp_path):
    from deepresolve.config.validate import read_config_file

    path = tmp_path / "latin1.yaml"
    path.write_bytes("seed: 3\n# café\n".encode("latin-1"))
    with pytest.raises(ValueError, match=r"latin1.yaml, line 2: byte 0xe9 is not UTF-8"):
        read_config_file(path)


@pytest.mark.parametrize(
    ("dataset", "key", "value", "words"),
    [
        ("I", "pattern_probability", 0, "'CGCTTG XOR CAGATG' 0 expected positive"),
        ("I", "pattern_probability", 1, "'CGCTTG XOR CAGATG' 0 expected positive"),
        ("II", "pattern_probability", 1, "'CAGGTC OR GCTCAT' 0 expected negative"),
        ("III", "pattern_probability", 0, "expected positive"),
    ],
)
def test_a_dataset_that_cannot_have_both_labels_is_named(config, dataset, key, value, words):
    from deepresolve.datasets.synthetic import class_problems

    assert class_problems(dataset, config["synthetic"][dataset], 0.2) == []
    settings = dict(config["synthetic"][dataset], **{key: value})
    problems = class_problems(dataset, settings, 0.2)
    assert any(words in problem for problem in problems)
    assert all(p.startswith(f"synthetic.{dataset}.{key} = {value} leaves class") for p in problems)


def test_difference_pairs_outside_the_class_table_are_named():
    from deepresolve.method.similarity import pair_problems

    labels = ["K562|CTCF", "GM12878|CTCF", "K562|DNase"]
    assert pair_problems([[0, 2], ["K562|CTCF", 1]], labels) == []
    (problem,) = pair_problems([[0, 9]], labels)
    assert problem == (
        "[0, 9]: class index 9 out of range for 3 classes; use a class index 0..2 or a label "
        "of the class-names table (e.g. 'K562|CTCF')"
    )
    assert "unknown class 'HeLa|CTCF'" in pair_problems([["HeLa|CTCF", 0]], labels)[0]


def test_memory_that_follows_from_settings_is_checked_against_the_rule(config):
    from deepresolve.config.validate import RULE_MEM_MB, memory_problems, synthetic_memory_mb

    assert memory_problems(config, RULE_MEM_MB) == []
    config["synthetic"]["sequence_length"] = 10**8
    config["deepresolve"]["n_runs"] = 10**6
    need = synthetic_memory_mb(config, "I")
    # 40000 one-hot sequences of 1e8 bp: 4 bytes a base, 12 with the int64 indices
    assert need["simulate"][0] == pytest.approx(
        config["synthetic"]["I"]["n_sequences"] * 1.2e9 / 2**20
    )
    problems = memory_problems(config, RULE_MEM_MB)
    assert any(
        p.startswith("rule simulate on dataset I needs about")
        and "synthetic.sequence_length 100000000" in p
        and "--set-resources simulate:mem_mb=" in p
        for p in problems
    )
    assert any(
        p.startswith("rule fim on dataset II") and "deepresolve.n_runs 1000000" in p
        for p in problems
    )
    assert memory_problems(config, {rule: 10**15 for rule in RULE_MEM_MB}) == []


def test_fim_memory_of_table1_batches_and_multiclass_chunks_is_checked(config):
    """Table 1's batched FIM (models per batch x runs x 16 values) and the many-class FIM chunks
    of a DeepSEA model (classes per chunk x runs x 60 x 480 values) are estimated like the
    synthetic fim; an estimate above the rule's mem_mb names the keys and the setting."""
    from deepresolve.config.validate import RULE_MEM_MB, fim_memory_mb, memory_problems

    experiments = [f"e{i}" for i in range(422)]
    config["multiclass"]["models"] = {
        "ds": {
            "model": "deepsea_random",
            "class_names": "config/synthetic_IV.names",
            "layer": "dropout_2",
        }
    }
    assert memory_problems(config, RULE_MEM_MB, experiments, {"ds": 919}) == []
    config["table1"]["fim"]["n_runs"] = 10**6
    config["multiclass"]["fim"]["n_runs"] = 10**4
    problems = memory_problems(config, RULE_MEM_MB, experiments, {"ds": 919})
    batch = fim_memory_mb(10**6, 211, 16)
    assert batch == pytest.approx(10**6 * 211 * 16 * 16 / 2**20)
    assert (
        f"rule table1_batch on the published models needs about {batch:,.0f} MB (211 models a "
        "job (table1.batch_size 211) x table1.fim.n_runs 1000000 x 16 feature-map values) but "
        "asks for resources.mem_mb 6000: lower table1.batch_size or table1.fim.n_runs, or give "
        "more with --set-resources table1_batch:mem_mb="
    ) in "\n".join(problems)
    assert any(p.startswith("rule table1_lambda_oniv") and "422 models" in p for p in problems)
    chunk = fim_memory_mb(10**4, 100, 60 * 480)
    assert (
        f"rule fim_chunk on model ds needs about {chunk:,.0f} MB (100 classes a chunk "
        "(multiclass.chunk_size 100) x multiclass.fim.n_runs 10000 x 60 x 480 feature-map "
        "values) but asks for resources.mem_mb 16000: lower multiclass.chunk_size or "
        "multiclass.fim.n_runs"
    ) in "\n".join(problems)
    assert "(or multiclass.chunk_mem_mb)" in problems[-1]
    # more memory given (--set-resources, multiclass.chunk_mem_mb): no problem left
    config["multiclass"]["chunk_mem_mb"] = 10**6
    more = {**RULE_MEM_MB, "table1_batch": 10**5, "table1_lambda_oniv": 10**6}
    assert memory_problems(config, more, experiments, {"ds": 919}) == []
    # a model whose feature map is known only once it exists is not estimated
    config["multiclass"]["models"]["ds"]["model"] = "my_model.keras"
    config["multiclass"]["chunk_mem_mb"] = 1
    assert memory_problems(config, more, experiments, {"ds": 919}) == []


def test_fim_memory_of_chipseq_methods_is_checked(config):
    """Rule chipseq_methods runs one FIM per experiment's model: one class x the runs of its FIM
    block (table1.fim for a published model, chipseq.fim for one trained here) x its feature
    map (16 pooled filters; the chipseq.model_preset CNN at chipseq.fim.layer)."""
    from deepresolve.config.validate import RULE_MEM_MB, fim_memory_mb, memory_problems

    config["chipseq"]["experiments"] = {
        "pub": {"source": "zeng", "model": "published"},
        "peaks": {"source": "peaks", "model": "trained"},
        "own": {"source": "fasta", "model": "trained"},
    }
    names = list(config["chipseq"]["experiments"])
    assert memory_problems(config, RULE_MEM_MB, chipseq_experiments=names) == []
    config["table1"]["fim"]["n_runs"] = 10**8
    config["chipseq"]["fim"]["n_runs"] = 10**8
    config["chipseq"]["model_preset"] = "paper"
    problems = memory_problems(config, RULE_MEM_MB, chipseq_experiments=names)
    published = fim_memory_mb(10**8, 1, 16)
    assert published == pytest.approx(10**8 * 16 * 16 / 2**20)
    assert problems[0] == (
        f"rule chipseq_methods on experiment pub needs about {published:,.0f} MB (1 class x "
        "table1.fim.n_runs 100000000 x 16 feature-map values (a published model)) but asks for "
        "resources.mem_mb 4000: lower table1.fim.n_runs, or give more with --set-resources "
        f"chipseq_methods:mem_mb={int(published * 1.2) + 1}"
    )
    trained = fim_memory_mb(10**8, 1, 128)  # the paper preset: 128 filters, global pooling
    assert (
        f"rule chipseq_methods on experiment own needs about {trained:,.0f} MB (1 class x "
        "chipseq.fim.n_runs 100000000 x 128 feature-map values (chipseq.model_preset paper)) "
        "but asks for resources.mem_mb 4000: lower chipseq.fim.n_runs"
    ) in "\n".join(problems)
    assert len(problems) == 3
    # the conv layer's map grows with the length: chipseq.window for peaks (101 - 24 + 1
    # positions), unknown for a FASTA file (not estimated here)
    config["chipseq"]["fim"]["layer"] = "conv"
    problems = memory_problems(config, RULE_MEM_MB, chipseq_experiments=names)
    assert [p.split(" needs")[0] for p in problems] == [
        "rule chipseq_methods on experiment pub",
        "rule chipseq_methods on experiment peaks",
    ]
    assert "x 78 x 128 feature-map values" in problems[1]
    more = {**RULE_MEM_MB, "chipseq_methods": 2 * 10**7}
    assert memory_problems(config, more, chipseq_experiments=names) == []


def test_fim_memory_of_many_class_models_built_from_settings_is_checked(config):
    """A many-class model made by a rule of the workflow has its feature map in the config: a
    synthetic dataset's CNN (rule train), a ChIP-seq CNN (train_chipseq), the multi-task model
    (multitask_train), DeepSEA with random weights (whose default layer is conv_3's output);
    the fim_chunk estimate uses the runs of the model's FIM block."""
    from deepresolve.config.validate import RULE_MEM_MB, fim_memory_mb, memory_problems

    config["chipseq"]["experiments"] = {"ctcf": {"source": "zeng", "model": "trained"}}
    config["multitask"]["experiments"] = {
        "REST": {"source": "deepbind", "deepbind_name": "x", "tf": "REST", "cell": "a", "lab": "b"}
    }
    names = "config/synthetic_IV.names"
    config["multiclass"]["models"] = {
        "synthetic": {"model": "results/synthetic/IV/rep0/model.keras", "class_names": names},
        "chip": {"model": "results/chipseq/ctcf/model.keras", "class_names": names},
        "multitask_seed1": {
            "model": "results/multitask/seed1/model.keras",
            "class_names": names,
            "layer": "dropout_2",
            "fim": "multitask",
        },
        "ds": {"model": "deepsea_random", "class_names": names},
        "own": {"model": "my_model.keras", "class_names": names},
    }
    classes = {mc: 12 for mc in config["multiclass"]["models"]}
    makers = {
        "synthetic": ("train", {"dataset": "IV", "replicate": "0"}),
        "chip": ("train_chipseq", {"chip": "ctcf"}),
        "multitask_seed1": ("multitask_train", {"seed": "1"}),
        "ds": ("deepsea_random_model", {"mc": "ds"}),
        "own": (None, {}),
    }
    assert memory_problems(config, RULE_MEM_MB, (), classes, makers) == []
    config["multiclass"]["chunk_size"] = 10
    config["multiclass"]["fim"]["n_runs"] = 10**6
    config["multitask"]["fim"]["n_runs"] = 10**6
    config["multiclass"]["chunk_mem_mb"] = 1000
    problems = memory_problems(config, RULE_MEM_MB, (), classes, makers)
    assert [p.split(" needs")[0] for p in problems] == [
        f"rule fim_chunk on model {mc}" for mc in ("synthetic", "chip", "multitask_seed1", "ds")
    ]
    # dataset IV's CNN (config.yaml: 32 x 8 filters, local pooling 4) on 200 bp
    pooled = (200 - 8 + 1) // 4
    synthetic = fim_memory_mb(10**6, 10, pooled * 32)
    assert problems[0].startswith(
        f"rule fim_chunk on model synthetic needs about {synthetic:,.0f} MB (10 classes a chunk "
        f"(multiclass.chunk_size 10) x multiclass.fim.n_runs 1000000 x {pooled} x 32 "
        "feature-map values) but asks for resources.mem_mb 1000"
    )
    assert "x 16 feature-map values" in problems[1]  # chipseq.model_preset published
    # multi-task: DeepSEA's layers sized for the DeepBind sets' 101 bp, 9 x 96 at dropout_2
    multitask = fim_memory_mb(10**6, 10, 9 * 96)
    assert (
        f"needs about {multitask:,.0f} MB (10 classes a chunk (multiclass.chunk_size 10) x "
        "multitask.fim.n_runs 1000000 x 9 x 96 feature-map values) but asks for "
        "resources.mem_mb 1000: lower multiclass.chunk_size or multitask.fim.n_runs, or give "
        "more with --set-resources fim_chunk:mem_mb="
    ) in problems[2]
    assert "x 53 x 960 feature-map values" in problems[3]
    assert memory_problems(config, RULE_MEM_MB, (), classes) == [problems[3]]


def test_fim_chunk_memory_of_a_model_known_only_once_it_exists():
    """scripts/fim_chunk.py checks a loaded model's feature map against the job's mem_mb before
    the ascent, with the message the check before any job gives."""
    from deepresolve.config.validate import fim_chunk_estimate, fim_memory_mb, memory_problem

    need, why, cut = fim_chunk_estimate("multiclass", 1000, 100, 919, (60, 480))
    assert need == pytest.approx(fim_memory_mb(1000, 100, 28800))
    assert memory_problem("fim_chunk", "model own", need, why, cut, 2000) == (
        f"rule fim_chunk on model own needs about {need:,.0f} MB (100 classes a chunk "
        "(multiclass.chunk_size 100) x multiclass.fim.n_runs 1000 x 60 x 480 feature-map "
        "values) but asks for resources.mem_mb 2000: lower multiclass.chunk_size or "
        f"multiclass.fim.n_runs, or give more with --set-resources fim_chunk:mem_mb="
        f"{int(need * 1.2) + 1} (or multiclass.chunk_mem_mb)"
    )
    assert memory_problem("fim_chunk", "model own", need, why, cut, 10**5) is None
    # a model with fewer classes than a chunk: the chunk holds them all
    assert fim_chunk_estimate("multitask", 2, 100, 12, (9, 96))[1].startswith(
        "12 classes a chunk (multiclass.chunk_size 100) x multitask.fim.n_runs 2"
    )
