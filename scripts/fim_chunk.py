"""Snakemake script of rule `fim_chunk`: FIMs of one chunk of classes of a many-class model."""

import contextlib
import logging

from deepresolve.analyses.multiclass import fim_chunk
from deepresolve.config.validate import fim_chunk_estimate, memory_problem
from deepresolve.core.device import configure_tensorflow
from deepresolve.core.files import made_by
from deepresolve.core.logs import setup_logging
from deepresolve.method.fim import fim_options
from deepresolve.method.network import split_model
from deepresolve.models.cnn import check_outputs, load_model
from deepresolve.models.deepsea import read_class_names

setup_logging(snakemake.log[0])
configure_tensorflow(snakemake.threads)
log = logging.getLogger("fim_chunk")

table = read_class_names(snakemake.input.class_names, n_classes=None, warn_placeholders=False)
# params.model_rule: the rule that makes the model, None for a user's own file (no rule to name)
rule = snakemake.params.model_rule
log.info(
    "model %s: %s", snakemake.input.model, f"made by rule {rule}" if rule else "a user's own file"
)
with made_by(rule) if rule else contextlib.nullcontext():
    model = load_model(snakemake.input.model)
check_outputs(
    model, snakemake.input.model, table["label"].tolist(), str(snakemake.input.class_names)
)
options = fim_options(snakemake.params.settings)
options.pop("layer", None)  # the model's own layer: params.layer
split = split_model(model, snakemake.params.layer)
# the feature map of a user's own model is known only now: its memory is checked before the
# ascent, like that of a model built from settings before any job (memory_estimates)
need, why, cut = fim_chunk_estimate(
    snakemake.params.fim_block,
    options["n_runs"],
    snakemake.params.chunk_size,
    len(table),
    split.feature_shape,
)
log.info("memory estimate: %.0f MB (%s)", need, why)
problem = memory_problem(
    "fim_chunk", f"model {snakemake.wildcards.mc}", need, why, cut, snakemake.resources.mem_mb
)
if problem:
    raise ValueError(problem)
result = fim_chunk(
    split,
    chunk=snakemake.params.chunk,
    chunk_size=snakemake.params.chunk_size,
    seed=snakemake.params.seed,
    **options,
)
log.info("classes %s, %s", result.class_indices.tolist(), result.describe())
result.save(snakemake.output.fim)
