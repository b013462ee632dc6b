"""Snakemake script of rules `table1_deepmotif_batch` (our enhanced DeepMotif, params.deepmotif)
and `table1_authors_deepmotif_batch` (the authors' DM.py, params.authors_deepmotif): a batch of
published TF models in one batched input-space ascent (deepresolve.method.attribution), its PWMs
matched with TOMTOM as DeepResolve's filters are; a model that cannot be read is listed in
`excluded` with the reason and the others go on."""

import logging
from pathlib import Path

import pandas as pd

from deepresolve.analyses.method_comparison import deepmotif_ranked
from deepresolve.analyses.tf_models import load_published_models, read_motif_collection
from deepresolve.core.device import configure_tensorflow
from deepresolve.core.files import made_by
from deepresolve.core.logs import setup_logging
from deepresolve.method.attribution import authors_deepmotif_many, enhanced_deepmotif_many
from deepresolve.motifs.pwm import write_meme

setup_logging(snakemake.log[0])
configure_tensorflow(snakemake.threads)
log = logging.getLogger("table1_deepmotif")
experiments = snakemake.params.experiments
sources = zip(snakemake.input.architectures, snakemake.input.weights, strict=True)
models, excluded = load_published_models(
    dict(zip(experiments, sources, strict=True)), exclude_failures=True
)
log.info("%d models read, %d excluded", len(models), len(excluded))
with made_by("known_motifs"):
    motifs = read_motif_collection(snakemake.input.motifs)
authors = snakemake.params.get("authors_deepmotif")
ascent, settings = (
    (authors_deepmotif_many, authors)
    if authors is not None
    else (enhanced_deepmotif_many, snakemake.params.deepmotif)
)
found = ascent(list(models.values()), names=list(models), seed=snakemake.params.seed, **settings)
results = dict(zip(models, found, strict=True))
ranked = deepmotif_ranked(results, motifs)
runs = pd.DataFrame(
    [
        {
            "experiment": experiment,
            "best_score": float(result.scores[0]),
            "median_run_score": float(pd.Series(result.run_scores).median()),
            "min_steps": int(result.steps.min()),
            "max_steps": int(result.steps.max()),
            "converged_runs": int(result.converged.sum()),
            "n_runs": len(result.run_scores),
            "best_consensus": result.consensus[0],
            **(
                {}
                if result.zero_gradient_starts is None
                else {"zero_gradient_starts": int(result.zero_gradient_starts.sum())}
            ),
        }
        for experiment, result in results.items()
    ]
)
ranked.to_csv(snakemake.output.ranked, sep="\t", index=False)
runs.to_csv(snakemake.output.runs, sep="\t", index=False)
pd.DataFrame(excluded, columns=["experiment", "reason"]).to_csv(
    snakemake.output.excluded, sep="\t", index=False
)
folder = Path(snakemake.output.pwms)
folder.mkdir(parents=True, exist_ok=True)
for experiment, result in results.items():
    names = [f"edm_{i}" for i in range(len(result.pwms))]
    write_meme(folder / f"{experiment}.meme", result.pwms, names)
