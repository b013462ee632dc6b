"""Snakemake script of rule `table1`: the DeepResolve row of Table 1 beside the paper's, the
same row with the filters ranked by the authors' own ONIVs, the random-order expectation and
the strict statistic, from the batches' ranked filters."""

import logging
from pathlib import Path

import pandas as pd

from deepresolve.analyses.reference import agreement_summary, read_authors_oniv
from deepresolve.analyses.table1 import (
    experiment_detail,
    read_rankings,
    rerank,
    summarise,
    to_markdown,
)
from deepresolve.core.files import made_by, read_tsv
from deepresolve.core.logs import setup_logging
from deepresolve.motifs.tomtom import read_meme_tomtom_tsv

setup_logging(snakemake.log[0])
log = logging.getLogger("table1")

with made_by("table1_batch"):
    ranked = read_rankings(snakemake.input.rankings)
    excluded = [read_tsv(path) for path in snakemake.input.excluded]
with made_by("authors_oniv_agreement"):
    agreement = read_tsv(snakemake.input.agreement)
authors = read_authors_oniv(snakemake.input.authors)["oniv"]
excluded = pd.concat(
    [*excluded, pd.DataFrame(snakemake.params.no_motif, columns=["experiment", "reason"])],
    ignore_index=True,
)
ranked["known_p_memelite"] = ranked["known_p"]
for path in snakemake.input.get("meme_tables", []):  # MEME Suite tomtom decides when it ran
    experiment = Path(path).parent.name
    best = read_meme_tomtom_tsv(path).sort_values("p").drop_duplicates("query")
    best = best.set_index(best["query"].str.removeprefix("filter_").astype(int))
    rows = ranked["experiment"] == experiment
    filters = ranked.loc[rows, "filter"]
    ranked.loc[rows, "known_p"] = best["p"].reindex(filters).fillna(1.0).to_numpy()
    ranked.loc[rows, "known_target"] = best["target"].reindex(filters).fillna("").to_numpy()

detail = experiment_detail(ranked)
memelite_top = ranked[ranked["rank"] == 1].set_index("experiment")["known_p_memelite"]
detail["top_known_p_memelite"] = detail["experiment"].map(memelite_top)
detail.to_csv(snakemake.output.detail, sep="\t", index=False)
excluded.to_csv(snakemake.output.excluded, sep="\t", index=False)
by_authors = experiment_detail(rerank(ranked, {e: authors[e] for e in detail["experiment"]}))
table = summarise(detail, others={"authors' ONIV": by_authors})
table.to_csv(snakemake.output.tsv, sep="\t", index=False)
notes = {
    "TOMTOM engine": snakemake.params.engine,
    "known motifs": snakemake.params.selection,
    "FIM settings": ", ".join(f"{k} {v}" for k, v in snakemake.params.fim.items()),
    "experiments": f"{len(detail)} (the paper: 422)",
    "agreement with the authors' ONIVs (statistics/422-ONIV.pkl)": agreement_summary(agreement),
    "authors' ONIV rows": "our filters and TOMTOM matches, ranked by the authors' own ONIVs",
    "excluded": (
        "none"
        if excluded.empty
        else "; ".join(f"{r.experiment} ({r.reason})" for r in excluded.itertuples())
    ),
}
Path(snakemake.output.md).write_text(to_markdown(table, notes))
log.info("\n%s", table.to_string(index=False))
