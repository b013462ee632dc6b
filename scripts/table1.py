"""Snakemake script of rule `table1`: the DeepResolve row of Table 1 beside the paper's."""

import logging
from pathlib import Path

import pandas as pd

from deepresolve.logs import setup_logging
from deepresolve.table1 import best_match_per_filter, summarise, to_markdown, top_k_success
from deepresolve.tomtom import read_meme_tomtom_tsv

setup_logging(snakemake.log[0])
log = logging.getLogger("table1")

meme_tables = {Path(p).parent.parent.name: p for p in snakemake.input.get("meme_tables", [])}
rows = []
for path in snakemake.input.rankings:
    ranked = pd.read_csv(path, sep="\t")
    experiment = Path(path).parent.name
    memelite_top_p = float(ranked["p"].iloc[0])
    if experiment in meme_tables:  # MEME Suite tomtom decides; memelite's p kept beside it
        best = best_match_per_filter(read_meme_tomtom_tsv(meme_tables[experiment]), len(ranked))
        best = best.set_index("filter").loc[ranked["filter"]]
        ranked["target"], ranked["p"] = best["target"].to_numpy(), best["p"].to_numpy()
    by_filter = ranked.sort_values("filter")
    success = top_k_success(ranked["filter"].to_numpy(), by_filter["p"].to_numpy())
    top = ranked.iloc[0]
    rows.append(
        {
            "experiment": experiment,
            "top_filter": int(top["filter"]),
            "top_target": top["target"],
            "top_p": float(top["p"]),
            "top_p_memelite": memelite_top_p,
            "best_rank_p<0.05": int(ranked.loc[ranked["p"] < 0.05, "rank"].min())
            if (ranked["p"] < 0.05).any()
            else -1,
            **success,
        }
    )
detail = pd.DataFrame(rows)
detail.to_csv(snakemake.output.detail, sep="\t", index=False)
table = summarise(detail)
table.to_csv(snakemake.output.tsv, sep="\t", index=False)
notes = {
    "TOMTOM engine": snakemake.params.engine,
    "known motifs": snakemake.params.selection,
    "experiments": f"{len(detail)} (the paper: 422)",
}
Path(snakemake.output.md).write_text(to_markdown(table, notes))
log.info("\n%s", table.to_string(index=False))
