"""Snakemake script of rule `filter_motifs`: filters as PWMs, logos, planted pattern -> filter."""

import logging

import pandas as pd

from deepresolve.core.device import configure_tensorflow
from deepresolve.core.files import made_by
from deepresolve.core.logs import setup_logging
from deepresolve.figures.logos import plot_logo_sheet
from deepresolve.models.cnn import load_model
from deepresolve.models.weights import conv_kernel
from deepresolve.motifs.pwm import (
    assign_patterns,
    filters_to_pwms,
    match_pattern_to_filters,
    pattern_filter_sets,
    write_meme,
)

setup_logging(snakemake.log[0])
configure_tensorflow(snakemake.threads)
log = logging.getLogger("filter_motifs")

with made_by("train"):
    kernel = conv_kernel(load_model(snakemake.input.model))
pwms = filters_to_pwms(kernel)
names = [f"filter_{i}" for i in range(len(pwms))]
write_meme(snakemake.output.meme, pwms, names)

assignment = assign_patterns(kernel, snakemake.params.patterns)
filter_sets = pattern_filter_sets(
    kernel, snakemake.params.patterns, snakemake.params.filter_set_fraction
)
rows = []
for pattern, neuron in assignment.items():
    ranking = match_pattern_to_filters(kernel, pattern).set_index("filter")
    best, runner_up = ranking.index[:2]
    rows.append(
        {
            "pattern": pattern,
            "neuron": neuron,
            "score": ranking.loc[neuron, "score"],
            "relative_score": ranking.loc[neuron, "relative_score"],
            "offset": ranking.loc[neuron, "offset"],
            "runner_up": runner_up if best == neuron else best,
            "runner_up_score": ranking.loc[runner_up if best == neuron else best, "score"],
            "filter_set": ",".join(map(str, filter_sets[pattern])),
            "filter_set_scores": ",".join(
                f"{ranking.loc[f, 'score']:.3f}" for f in filter_sets[pattern]
            ),
        }
    )
    log.info(
        "pattern %s -> filter %d (score %.3f); filter set %s",
        pattern,
        neuron,
        rows[-1]["score"],
        filter_sets[pattern],
    )
pd.DataFrame(rows).to_csv(snakemake.output.pattern_neurons, sep="\t", index=False)

figure = plot_logo_sheet(pwms, names)
figure.savefig(snakemake.output.logos, dpi=150, bbox_inches="tight")
