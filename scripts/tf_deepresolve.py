"""Snakemake script of rule `tf_deepresolve`: DeepResolve on one published TF model (Table 1).

FIMs of the model's one class at the pooled filter layer (1-D: one value per filter), ONIV,
filters ranked by ONIV, filters as PWMs (MEME format), TOMTOM of every filter against the TF's
known JASPAR motif(s), logos of the top 5.
"""

import json
import logging

import pandas as pd

from deepresolve.fim import feature_importance_maps
from deepresolve.importance import niv, oniv
from deepresolve.keras1 import load_keras1_model
from deepresolve.logs import setup_logging
from deepresolve.motifs import filters_to_pwms, plot_logo_sheet, write_meme
from deepresolve.table1 import best_match_per_filter, rank_filters
from deepresolve.tomtom import run_tomtom
from deepresolve.weights import conv_kernel

setup_logging(snakemake.log[0])
log = logging.getLogger("tf_deepresolve")
experiment = snakemake.wildcards.experiment
params = snakemake.params.deepresolve

model = load_keras1_model((snakemake.input.architecture, snakemake.input.weights))
maps = feature_importance_maps(
    model,
    layer=params["layer"],
    n_runs=params["n_runs"],
    l2=params["l2"],
    learning_rate=params["learning_rate"],
    patience=params["patience"],
    max_steps=params["max_steps"],
    lr_decay_start=params["lr_decay_start"],
    seed=snakemake.params.seed,
)
summary = oniv(niv(maps.fims), maps.scores, mode=params["oniv_mode"])

pwms = filters_to_pwms(conv_kernel(model))
names = [f"filter_{i}" for i in range(len(pwms))]
write_meme(snakemake.output.meme, pwms, names)

with open(snakemake.input.motifs) as handle:
    known = json.load(handle)
ids = known["experiments"][experiment]
targets = {i: pd.DataFrame(known["matrices"][i]["pwm"]).to_numpy() for i in ids}
hits = run_tomtom(
    dict(zip(names, pwms, strict=True)),
    targets,
    engine=snakemake.params.engine,
    target_nsites={i: known["matrices"][i]["nsites"] for i in ids},
)
hits.to_csv(snakemake.output.tomtom, sep="\t", index=False)

ranking = rank_filters(summary.oniv[0])
best = best_match_per_filter(hits, len(pwms)).set_index("filter")
ranked = pd.DataFrame(
    {
        "rank": range(1, len(ranking) + 1),
        "filter": ranking,
        "oniv": summary.oniv[0, ranking],
        "variance": summary.variance[0, ranking],
        "nonlinear": summary.nonlinear[0, ranking],
        "target": best.loc[ranking, "target"].to_numpy(),
        "p": best.loc[ranking, "p"].to_numpy(),
    }
)
ranked.to_csv(snakemake.output.ranking, sep="\t", index=False)
log.info("%s: top filters %s, their p %s", experiment, ranking[:5], ranked["p"].head().tolist())

top = ranked.head(5)
titles = [f"#{r.rank} filter {r.filter}: ONIV {r.oniv:.2g}, p {r.p:.1e}" for r in top.itertuples()]
figure = plot_logo_sheet(pwms[top["filter"].to_numpy()], titles, n_cols=5)
figure.savefig(snakemake.output.logos, dpi=120, bbox_inches="tight")
