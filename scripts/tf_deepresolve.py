"""Snakemake script of rules `tf_deepresolve` (one experiment) and `table1_batch` (many).

DeepResolve on published TF models (deepresolve.analyses.tf_models): ONIV, filters ranked by it,
PWMs in MEME format, TOMTOM against the known motif(s) and against all JASPAR CORE vertebrates; the
one-experiment rule also draws the top-5 logos, and builds its experiment's known motifs from
config/tf_motifs.tsv and the package's JASPAR cache itself (milliseconds), so that a per-TF
rerun waits for no `known_motifs` job. The models are read as arrays and their FIMs computed by
the NumPy engine (deepresolve.method.dense_fim), so the job imports no TensorFlow. In a batch, a
model that cannot be read is listed in `excluded` with the reason and the others go on; alone,
it fails the job.
"""

import logging
from pathlib import Path

import pandas as pd

from deepresolve.analyses.tf_models import (
    analyse_models,
    filter_names,
    read_motif_collection,
    read_published_models,
    results_tables,
    tf_motif_collection,
)
from deepresolve.core.files import made_by
from deepresolve.core.logs import setup_logging
from deepresolve.method.fim_settings import fim_options
from deepresolve.motifs.pwm import write_meme

setup_logging(snakemake.log[0])
log = logging.getLogger("tf_deepresolve")
experiments = snakemake.params.experiments
params = snakemake.params.fim
batch = "excluded" in snakemake.output.keys()

sources = zip(snakemake.input.architectures, snakemake.input.weights, strict=True)
models, excluded = read_published_models(
    dict(zip(experiments, sources, strict=True)), exclude_failures=batch
)
log.info("%d models read, %d excluded", len(models), len(excluded))

if batch:
    with made_by("known_motifs"):
        motifs = read_motif_collection(snakemake.input.motifs)
else:  # one experiment: its collection from the JASPAR cache, in this job (no known_motifs job)
    motifs = tf_motif_collection(snakemake.input.tf_motifs, experiments, snakemake.params.selection)
results = analyse_models(
    models,
    motifs,
    fim_options=fim_options(params),
    oniv_mode=params["oniv_mode"],
    seed=snakemake.params.seed,
)
tables = results_tables(list(results.values()))
tables["ranked"].to_csv(snakemake.output.ranking, sep="\t", index=False)
tables["known_hits"].to_csv(snakemake.output.hits, sep="\t", index=False)
tables["jaspar_hits"].to_csv(snakemake.output.jaspar, sep="\t", index=False)
for experiment, result in results.items():
    top = result.ranked.head(3)[["filter", "known_p", "jaspar_name", "jaspar_E"]]
    log.info("%s top filters:\n%s", experiment, top.to_string(index=False))

if batch:
    pd.DataFrame(excluded, columns=["experiment", "reason"]).to_csv(
        snakemake.output.excluded, sep="\t", index=False
    )
    folder = Path(snakemake.output.filters)
    folder.mkdir(parents=True, exist_ok=True)
    for experiment, result in results.items():
        write_meme(folder / f"{experiment}.meme", result.pwms, filter_names(len(result.pwms)))
else:
    (result,) = results.values()
    write_meme(snakemake.output.meme, result.pwms, filter_names(len(result.pwms)))
    from deepresolve.figures.table1 import figure_top_filters  # matplotlib: only this rule draws

    figure = figure_top_filters(
        result.pwms,
        result.ranked,
        experiment=result.experiment,
        tf=motifs.experiments[result.experiment]["tf"],
        known_names=motifs.names,
    )
    figure.savefig(snakemake.output.logos, dpi=120, bbox_inches="tight")
