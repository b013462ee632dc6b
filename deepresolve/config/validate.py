"""Validation of the workflow configuration with messages that name the key and the fix."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import jsonschema
import yaml

from deepresolve.models.cnn import cnn_layer_names


def _key_path(error: jsonschema.ValidationError) -> str:
    return ".".join(str(part) for part in error.absolute_path) or "<top level>"


#: The rule every user-given name follows (experiments, models, multi-task entries): it becomes
#: a folder under results/, so no '/', no '..', nothing a shell would expand. The schema's
#: ``definitions.name`` holds the same pattern.
NAME_RULE = "letters, digits, '_', '-' and '.', not starting with a dot"


def _describe(error: jsonschema.ValidationError) -> str:
    key = _key_path(error)
    if error.schema.get("$comment") == "name rule":
        return (
            f"config key '{key}': the name {error.instance!r} is not allowed; a name uses "
            f"{NAME_RULE} (it becomes a folder under results/)"
        )
    if error.validator == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        unknown = sorted(set(error.instance) - set(allowed))
        where = f"under '{key}'" if error.absolute_path else "at the top level"
        return f"unknown config key(s) {unknown} {where}; allowed keys: {allowed}"
    if error.validator == "enum":
        allowed = error.validator_value
        return f"config key '{key}': {error.instance!r} is not allowed; allowed values: {allowed}"
    if error.validator == "propertyNames":
        return f"config key '{key}': {error.message}"
    if error.validator == "required":
        return f"config key '{key}': {error.message}"
    return f"config key '{key}': {error.message}"


class _StrictLoader(yaml.SafeLoader):
    """A YAML loader that refuses a key given twice in one mapping (PyYAML keeps the last)."""

    def construct_mapping(self, node, deep=False):
        seen: dict = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            line = key_node.start_mark.line + 1
            if key in seen:
                raise ValueError(
                    f"{self.name}, line {line}: key {key!r} is given twice (first on line "
                    f"{seen[key]}); YAML would keep the last silently: keep one of them"
                )
            seen[key] = line
        return super().construct_mapping(node, deep=deep)


def read_config_file(path: str | Path):
    """A config file's content, refusing what would otherwise pass unseen: a key given twice
    in one mapping, and bytes that are not UTF-8 (each named with file and line).

    Raises
    ------
    ValueError
        Naming ``path``, the line and what to change.
    """
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ValueError(
            f"{path}, line {line}: byte {raw[error.start]:#04x} is not UTF-8; save the file as "
            "UTF-8 (e.g. iconv -f latin1 -t utf-8)"
        ) from None
    loader = _StrictLoader(text)
    loader.name = str(path)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def config_errors(config: dict, schema_path: str | Path) -> list[str]:
    """Return one readable message per schema violation (empty list when the config is valid)."""
    schema = yaml.safe_load(Path(schema_path).read_text())
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(config), key=lambda e: list(e.absolute_path))
    messages = []
    for error in errors:
        leaves = [error]
        if error.context:
            leaves = [e for e in error.context if e.validator != "required"] or error.context
        messages.extend(_describe(leaf) for leaf in leaves)
    return list(dict.fromkeys(messages))


def check_config(config: dict, schema_path: str | Path) -> None:
    """Raise ``ValueError`` listing every violation of ``schema_path`` in ``config``."""
    messages = config_errors(config, schema_path)
    if messages:
        raise ValueError("invalid configuration:\n  - " + "\n  - ".join(messages))


def model_config(config: dict, dataset: str) -> dict:
    """The CNN hyper-parameters for ``dataset``: ``model`` with its ``per_dataset`` override."""
    base = {k: v for k, v in config["model"].items() if k != "per_dataset"}
    base.update(config["model"].get("per_dataset", {}).get(dataset, {}))
    return base


def layer_problems(config: dict) -> list[str]:
    """One line per dataset whose CNN has no layer named ``deepresolve.layer`` below its output
    (the layers :func:`deepresolve.models.cnn.build_cnn` builds from the dataset's model settings);
    empty when the key is null (the default layer) or names a layer of every dataset's CNN."""
    layer = fim_settings(config, "synthetic")["layer"]
    problems = []
    for dataset in config["datasets"]:
        valid = cnn_layer_names(**model_config(config, dataset))[:-1]
        if layer is not None and layer not in valid:
            problems.append(
                f"deepresolve.layer: {layer!r} is not a layer of dataset {dataset}'s CNN below "
                f"its output; use one of {', '.join(valid)}, or null for the pooled feature map"
            )
    return problems


def experiment_set_name(sets: Mapping[str, Sequence[str]]) -> str:
    """Name of the folder of an aggregate made from these experiments, for a config without
    ``run_name``: ``experiments-`` and the first 10 hex digits of the SHA-256 of the sets
    (config key -> its experiment names, sorted) as JSON. The same experiments give the same
    name in any order; other experiments another name, so that one config's tables are never
    rewritten by another's."""
    canonical = json.dumps({key: sorted(names) for key, names in sorted(sets.items())})
    return "experiments-" + hashlib.sha256(canonical.encode()).hexdigest()[:10]


#: Where each analysis keeps its gradient-ascent settings in the workflow config (a path of
#: keys). Each analysis has its own block, so a config file that tunes one analysis never
#: changes another's; config/README.md says why each block has the values it has.
FIM_BLOCKS = {
    "synthetic": ("deepresolve",),  # datasets I-IV (the paper's section 3 CNNs)
    "table1": ("table1", "fim"),  # the authors' 422 published models (the authors' lambda)
    "chipseq": ("chipseq", "fim"),  # ChIP-seq models trained here (chipseq model: trained)
    "multiclass": ("multiclass", "fim"),  # many-class models (DeepSEA-like)
    "multitask": ("multitask", "fim"),  # the multi-task TF model trained here (issue 16)
}


def fim_settings(config: dict, analysis: str) -> dict:
    """The gradient-ascent and ONIV settings of one analysis (:data:`FIM_BLOCKS`).

    Parameters
    ----------
    config : dict
        The validated workflow config.
    analysis : {"synthetic", "table1", "chipseq", "multiclass"}

    Returns
    -------
    dict
        A copy of the block: ``layer``, ``n_runs``, ``l2``, ``learning_rate``, ``patience``,
        ``max_steps``, ``lr_decay_start`` and ``oniv_mode``
        (:func:`deepresolve.method.fim.fim_options` picks the gradient-ascent keys).
    """
    if analysis not in FIM_BLOCKS:
        raise ValueError(f"analysis: expected one of {sorted(FIM_BLOCKS)}, got {analysis!r}")
    block = config
    for key in FIM_BLOCKS[analysis]:
        block = block[key]
    return dict(block)


#: Memory (MB) the rules whose memory follows from the settings ask for (``resources.mem_mb``);
#: the rules read it from here and :func:`memory_problems` compares it with what the settings
#: need. Rule ``fim_chunk`` asks for config ``multiclass.chunk_mem_mb`` instead.
RULE_MEM_MB = {
    "simulate": 4000,
    "train": 8000,
    "fim": 4000,
    "table1_batch": 6000,
    "table1_lambda_oniv": 6000,
}

#: Feature-map values of one of the 422 published models at its FIM layer: 16 filters after
#: global max-pooling (the ``16_G`` of its file names)
PUBLISHED_FEATURES = 16


def fim_memory_mb(runs: int, classes: int, features: int) -> float:
    """Rough peak memory (MB) of one batched gradient ascent: the runs' feature maps with their
    gradients and two Adam moments, ``runs x classes x features x 4`` float32 copies, where
    ``classes`` counts every (model, class) pair of the batch and ``features`` the values of one
    feature map (the conv filters with global pooling, else filters x pooled length)."""
    return runs * classes * features * 16 / 2**20


def synthetic_memory_mb(config: dict, dataset: str) -> dict[str, tuple[float, str]]:
    """Rough peak memory (MB) of one dataset's ``simulate``, ``train`` and ``fim`` jobs, from the
    settings alone, with the settings that set it.

    ``simulate`` holds N x L one-hot bytes (x4) and int64 base indices (x8); ``train`` the
    one-hot data and its float32 copy (x4 + x16); ``fim`` :func:`fim_memory_mb` of the runs and
    classes, the feature map being the conv filters (global pooling) or filters x pooled length.
    """
    from deepresolve.datasets.synthetic import DATASETS

    synthetic, model = config["synthetic"], model_config(config, dataset)
    length = synthetic["sequence_length"]
    n = synthetic[dataset]["n_sequences"] + synthetic[dataset].get("n_random", 0)
    classes = len(DATASETS[dataset].class_names)
    runs = config["deepresolve"]["n_runs"]
    if model.get("global_pooling"):
        feature = model["conv_filters"]
    else:
        feature = model["conv_filters"] * ((length - model["conv_width"] + 1) // model["pool_size"])
    mb = 1 / 2**20
    data = f"synthetic.{dataset}.n_sequences {n} x synthetic.sequence_length {length}"
    return {
        "simulate": (n * length * 12 * mb, data),
        "train": (n * length * 20 * mb, data),
        "fim": (
            fim_memory_mb(runs, classes, feature),
            f"deepresolve.n_runs {runs} x {classes} classes x {feature} feature-map values",
        ),
    }


def memory_estimates(
    config: dict,
    table1_experiments: Sequence[str] = (),
    multiclass_classes: Mapping[str, int] | None = None,
) -> list[tuple[str, str, float, str, str]]:
    """Every job whose memory follows from the settings: ``(rule, what it runs on, MB, the
    settings that set it, the setting that cuts it)``.

    The synthetic rules per dataset (:func:`synthetic_memory_mb`); Table 1's batched FIM
    (``table1_batch``: models per batch, ``table1_lambda_oniv``: every model, x
    ``table1.fim.n_runs`` x :data:`PUBLISHED_FEATURES`) on ``table1_experiments``; and the
    many-class FIM chunks (``fim_chunk``: classes per chunk x runs x the DeepSEA feature map)
    of the ``deepsea_random`` models of ``multiclass_classes`` (model name -> its number of
    classes) at DeepSEA's FIM layer. Other many-class models (a file of the user's, a model
    trained here) have a feature map known only once the model exists: not estimated.
    """
    estimates = []
    for dataset in config["datasets"]:
        for rule, (need, why) in synthetic_memory_mb(config, dataset).items():
            estimates.append((rule, f"dataset {dataset}", need, why, "those settings"))
    if table1_experiments:
        runs = fim_settings(config, "table1")["n_runs"]
        size = config["table1"]["batch_size"]
        per_batch = min(size, len(table1_experiments))
        for rule, n_models, cut, which in (
            ("table1_batch", per_batch, "table1.batch_size", f"table1.batch_size {size}"),
            ("table1_lambda_oniv", len(table1_experiments), "table1.experiments", "all"),
        ):
            why = (
                f"{n_models} models a job ({which}) x table1.fim.n_runs {runs} x "
                f"{PUBLISHED_FEATURES} feature-map values"
            )
            need = fim_memory_mb(runs, n_models, PUBLISHED_FEATURES)
            estimates.append(
                (rule, "the published models", need, why, f"{cut} or table1.fim.n_runs")
            )
    from deepresolve.models.deepsea import FIM_LAYER, fim_shape

    for mc, n_classes in (multiclass_classes or {}).items():
        spec = config["multiclass"]["models"][mc]
        if spec["model"] != "deepsea_random" or spec.get("layer") not in (None, FIM_LAYER):
            continue
        block = spec.get("fim", "multiclass")
        runs = fim_settings(config, block)["n_runs"]
        size = config["multiclass"]["chunk_size"]
        chunk = min(size, n_classes)
        positions, channels = fim_shape()
        features = positions * channels
        why = (
            f"{chunk} classes a chunk (multiclass.chunk_size {size}) x "
            f"{'.'.join(FIM_BLOCKS[block])}.n_runs {runs} x {positions} x {channels} "
            "feature-map values"
        )
        need = fim_memory_mb(runs, chunk, features)
        cut = f"multiclass.chunk_size or {'.'.join(FIM_BLOCKS[block])}.n_runs"
        estimates.append(("fim_chunk", f"model {mc}", need, why, cut))
    return estimates


def memory_problems(
    config: dict,
    mem_mb: Mapping[str, int],
    table1_experiments: Sequence[str] = (),
    multiclass_classes: Mapping[str, int] | None = None,
) -> list[str]:
    """One line per job of :func:`memory_estimates` whose estimate exceeds the ``mem_mb`` its
    rule asks for (rule -> MB; ``fim_chunk`` defaults to ``multiclass.chunk_mem_mb``), naming
    the settings and the resource to change."""
    asked = {"fim_chunk": config["multiclass"]["chunk_mem_mb"], **mem_mb}
    problems = []
    for rule, subject, need, why, cut in memory_estimates(
        config, table1_experiments, multiclass_classes
    ):
        if need > asked[rule]:
            more = f"--set-resources {rule}:mem_mb={int(need * 1.2) + 1}"
            if rule == "fim_chunk":
                more += " (or multiclass.chunk_mem_mb)"
            problems.append(
                f"rule {rule} on {subject} needs about {need:,.0f} MB ({why}) but asks for "
                f"resources.mem_mb {asked[rule]}: lower {cut}, or give more with {more}"
            )
    return problems
