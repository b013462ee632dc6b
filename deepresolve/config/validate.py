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
    "chipseq_methods": 4000,
}

#: Feature-map values of one of the 422 published models at its FIM layer: 16 filters after
#: global max-pooling (the ``16_G`` of its file names)
PUBLISHED_FEATURES = 16

#: Sequence length of the Zeng et al. motif_discovery and DeepBind ENCODE files (the published
#: models' 101 bp windows)
PUBLISHED_LENGTH = 101


def fim_memory_mb(runs: int, classes: int, features: int) -> float:
    """Rough peak memory (MB) of one batched gradient ascent: the runs' feature maps with their
    gradients and two Adam moments, ``runs x classes x features x 4`` float32 copies, where
    ``classes`` counts every (model, class) pair of the batch and ``features`` the values of one
    feature map (the conv filters with global pooling, else filters x pooled length)."""
    return runs * classes * features * 16 / 2**20


def _values(shape: Sequence[int]) -> tuple[int, str]:
    """Values of a feature map of ``shape`` and the shape as the messages write it."""
    values = 1
    for size in shape:
        values *= int(size)
    return values, " x ".join(str(int(size)) for size in shape)


def fim_chunk_estimate(
    block: str, runs: int, chunk_size: int, n_classes: int, shape: Sequence[int]
) -> tuple[float, str, str]:
    """Memory of one ``fim_chunk`` job (:func:`fim_memory_mb` of the classes of a chunk x the
    runs x the values of a feature map of ``shape``), the settings that set it and those that
    cut it; ``block`` names the FIM block of :data:`FIM_BLOCKS` whose ``n_runs`` it uses.
    Shared by the check before any job and the one rule ``fim_chunk`` makes on the model itself
    (``scripts/fim_chunk.py``)."""
    chunk = min(chunk_size, n_classes)
    values, written = _values(shape)
    key = f"{'.'.join(FIM_BLOCKS[block])}.n_runs"
    why = (
        f"{chunk} classes a chunk (multiclass.chunk_size {chunk_size}) x {key} {runs} x "
        f"{written} feature-map values"
    )
    return fim_memory_mb(runs, chunk, values), why, f"multiclass.chunk_size or {key}"


def memory_problem(
    rule: str, subject: str, need: float, why: str, cut: str, asked: int
) -> str | None:
    """The message of a job whose estimate ``need`` (MB) exceeds the ``asked`` mem_mb of its
    rule, naming the settings, the one to lower and the ``--set-resources`` that fits; ``None``
    when it fits."""
    if need <= asked:
        return None
    more = f"--set-resources {rule}:mem_mb={int(need * 1.2) + 1}"
    if rule == "fim_chunk":
        more += " (or multiclass.chunk_mem_mb)"
    return (
        f"rule {rule} on {subject} needs about {need:,.0f} MB ({why}) but asks for "
        f"resources.mem_mb {asked}: lower {cut}, or give more with {more}"
    )


def synthetic_memory_mb(config: dict, dataset: str) -> dict[str, tuple[float, str]]:
    """Rough peak memory (MB) of one dataset's ``simulate``, ``train`` and ``fim`` jobs, from the
    settings alone, with the settings that set it.

    ``simulate`` holds N x L one-hot bytes (x4) and int64 base indices (x8); ``train`` the
    one-hot data and its float32 copy (x4 + x16); ``fim`` :func:`fim_memory_mb` of the runs and
    classes, the feature map being that of ``deepresolve.layer`` in the dataset's CNN
    (:func:`deepresolve.models.cnn.cnn_feature_shape`; null: the conv filters with global
    pooling, else pooled length x filters).
    """
    from deepresolve.datasets.synthetic import DATASETS
    from deepresolve.models.cnn import cnn_feature_shape

    synthetic, model = config["synthetic"], model_config(config, dataset)
    length = synthetic["sequence_length"]
    n = synthetic[dataset]["n_sequences"] + synthetic[dataset].get("n_random", 0)
    classes = len(DATASETS[dataset].class_names)
    settings = fim_settings(config, "synthetic")
    runs = settings["n_runs"]
    mb = 1 / 2**20
    data = f"synthetic.{dataset}.n_sequences {n} x synthetic.sequence_length {length}"
    estimates = {
        "simulate": (n * length * 12 * mb, data),
        "train": (n * length * 20 * mb, data),
    }
    shape = cnn_feature_shape(length, settings["layer"], **model)
    if shape is not None:  # else a layer name layer_problems reports
        values, written = _values(shape)
        estimates["fim"] = (
            fim_memory_mb(runs, classes, values),
            f"deepresolve.n_runs {runs} x {classes} classes x {written} feature-map values",
        )
    return estimates


def chipseq_length(spec: Mapping, chipseq: Mapping) -> int | None:
    """Sequence length of one ``chipseq.experiments`` entry known from the config: the Zeng and
    DeepBind files' 101 bp, ``chipseq.window`` for peaks; ``None`` for FASTA files (a user's)."""
    if spec["source"] in ("zeng", "deepbind"):
        return PUBLISHED_LENGTH
    if spec["source"] == "peaks":
        return chipseq["window"]
    return None


def multitask_length(config: dict) -> int | None:
    """Sequence length of the multi-task set (every experiment's must agree): that of the
    DeepBind sets and of the ``chipseq`` experiments whose length the config gives; ``None``
    when none does."""
    chipseq = config["chipseq"]
    lengths = set()
    for spec in config["multitask"]["experiments"].values():
        if spec["source"] == "deepbind":
            lengths.add(PUBLISHED_LENGTH)
        elif spec.get("chip") in chipseq["experiments"]:
            lengths.add(chipseq_length(chipseq["experiments"][spec["chip"]], chipseq))
    lengths.discard(None)
    return max(lengths) if lengths else None


def multiclass_feature_shape(
    config: dict, spec: Mapping, maker: str | None, wildcards: Mapping[str, str]
) -> tuple[int, ...] | None:
    """Feature-map shape of a many-class model (a ``multiclass.models`` entry ``spec``) at its
    ``layer``, known from the config when ``maker``, the rule that makes its file, builds it
    from settings: ``deepsea_random_model`` (DeepSEA, 1000 bp), ``train`` (a synthetic
    dataset's CNN), ``train_chipseq`` (``chipseq.model_preset``), ``multitask_train``
    (``multitask.architecture`` at the multi-task set's length); ``wildcards`` those of the
    model file in the rule's output. ``None`` for a user's own file, or a length the config
    does not give: the rule's script checks it once the model exists."""
    from deepresolve.models.cnn import cnn_feature_shape
    from deepresolve.models.deepsea import deepsea_feature_shape

    layer = spec.get("layer")
    if maker == "deepsea_random_model" or spec["model"] == "deepsea_random":
        return deepsea_feature_shape(layer=layer)
    if maker == "train":
        dataset = wildcards["dataset"]
        model = model_config(config, dataset)
        return cnn_feature_shape(config["synthetic"]["sequence_length"], layer, **model)
    if maker == "train_chipseq":
        from deepresolve.analyses.chipseq import PRESETS

        chipseq = config["chipseq"]
        experiment = chipseq["experiments"].get(wildcards["chip"])
        length = chipseq_length(experiment, chipseq) if experiment else None
        return cnn_feature_shape(length, layer, **PRESETS[chipseq["model_preset"]])
    if maker == "multitask_train":
        length = multitask_length(config)
        if length is None:
            return None
        return deepsea_feature_shape(length, layer, **config["multitask"]["architecture"])
    return None


def chipseq_memory_mb(config: dict, experiment: str) -> tuple[float, str, str] | None:
    """Memory of rule ``chipseq_methods``'s FIM on one experiment's model, the settings that set
    it and those that cut it: one class x the runs of its FIM block x its feature map (a
    published model's :data:`PUBLISHED_FEATURES`, a trained one's ``chipseq.model_preset`` CNN
    at ``chipseq.fim.layer``); ``None`` when the map depends on a length the config does not
    give."""
    from deepresolve.analyses.chipseq import PRESETS
    from deepresolve.models.cnn import cnn_feature_shape

    chipseq = config["chipseq"]
    spec = chipseq["experiments"][experiment]
    if spec["model"] == "published":
        block, shape, model = "table1", (PUBLISHED_FEATURES,), "a published model"
    else:
        block = "chipseq"
        layer = fim_settings(config, block)["layer"]
        preset = chipseq["model_preset"]
        shape = cnn_feature_shape(chipseq_length(spec, chipseq), layer, **PRESETS[preset])
        model = f"chipseq.model_preset {preset}"
    if shape is None:
        return None
    key = f"{'.'.join(FIM_BLOCKS[block])}.n_runs"
    runs = fim_settings(config, block)["n_runs"]
    values, written = _values(shape)
    why = f"1 class x {key} {runs} x {written} feature-map values ({model})"
    return fim_memory_mb(runs, 1, values), why, key


def memory_estimates(
    config: dict,
    table1_experiments: Sequence[str] = (),
    multiclass_classes: Mapping[str, int] | None = None,
    multiclass_makers: Mapping[str, tuple[str | None, Mapping[str, str]]] | None = None,
    chipseq_experiments: Sequence[str] = (),
) -> list[tuple[str, str, float, str, str]]:
    """Every job whose memory follows from the settings: ``(rule, what it runs on, MB, the
    settings that set it, the setting that cuts it)``.

    The synthetic rules per dataset (:func:`synthetic_memory_mb`); Table 1's batched FIM
    (``table1_batch``: models per batch, ``table1_lambda_oniv``: every model, x
    ``table1.fim.n_runs`` x :data:`PUBLISHED_FEATURES`) on ``table1_experiments``; the FIM of
    ``chipseq_methods`` on each of ``chipseq_experiments`` (:func:`chipseq_memory_mb`); and the
    many-class FIM chunks (``fim_chunk``: classes per chunk x runs x the feature map,
    :func:`fim_chunk_estimate`) of the models of ``multiclass_classes`` (model name -> its
    number of classes) whose feature map the config gives (:func:`multiclass_feature_shape`;
    ``multiclass_makers``: model name -> the rule that makes its file and that file's
    wildcards; a ``deepsea_random`` model needs none). A user's own model file has a feature
    map known only once it exists: not estimated here (rule ``fim_chunk`` checks it).
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
    for experiment in chipseq_experiments:
        estimate = chipseq_memory_mb(config, experiment)
        if estimate is not None:
            need, why, cut = estimate
            estimates.append(("chipseq_methods", f"experiment {experiment}", need, why, cut))
    for mc, n_classes in (multiclass_classes or {}).items():
        spec = config["multiclass"]["models"][mc]
        maker, wildcards = (multiclass_makers or {}).get(mc, (None, {}))
        shape = multiclass_feature_shape(config, spec, maker, wildcards)
        if shape is None:
            continue
        block = spec.get("fim", "multiclass")
        runs = fim_settings(config, block)["n_runs"]
        need, why, cut = fim_chunk_estimate(
            block, runs, config["multiclass"]["chunk_size"], n_classes, shape
        )
        estimates.append(("fim_chunk", f"model {mc}", need, why, cut))
    return estimates


def memory_problems(
    config: dict,
    mem_mb: Mapping[str, int],
    table1_experiments: Sequence[str] = (),
    multiclass_classes: Mapping[str, int] | None = None,
    multiclass_makers: Mapping[str, tuple[str | None, Mapping[str, str]]] | None = None,
    chipseq_experiments: Sequence[str] = (),
) -> list[str]:
    """One line per job of :func:`memory_estimates` whose estimate exceeds the ``mem_mb`` its
    rule asks for (rule -> MB; ``fim_chunk`` defaults to ``multiclass.chunk_mem_mb``), naming
    the settings and the resource to change (:func:`memory_problem`)."""
    asked = {"fim_chunk": config["multiclass"]["chunk_mem_mb"], **mem_mb}
    problems = []
    for rule, subject, need, why, cut in memory_estimates(
        config, table1_experiments, multiclass_classes, multiclass_makers, chipseq_experiments
    ):
        problem = memory_problem(rule, subject, need, why, cut, asked[rule])
        if problem:
            problems.append(problem)
    return problems
