"""Snakemake script of rule `table1_matching`: Table 1's six DeepResolve cells under every
matching choice of `table1.matching` (deepresolve.analyses.matching), the filters ranked by our
ONIVs and by the authors' released ONIVs."""

import logging
from pathlib import Path

import numpy as np
import pandas as pd

from deepresolve.analyses.matching import (
    RANKINGS,
    cell_counts,
    choice_settings,
    describe,
    filter_statistics,
    paper_distance,
)
from deepresolve.analyses.reference import read_authors_oniv
from deepresolve.analyses.table1 import importance_by_experiment, read_rankings
from deepresolve.core.files import atomic_write, made_by
from deepresolve.core.logs import setup_logging
from deepresolve.core.markdown import markdown_table
from deepresolve.motifs.jaspar import fetch_motifs
from deepresolve.motifs.pwm import read_meme

setup_logging(snakemake.log[0])
log = logging.getLogger("table1_matching")
with made_by("table1_batch"):
    ranked = read_rankings(snakemake.input.rankings)
    pwms_of = {
        path.stem: np.stack(list(read_meme(path).values()))
        for folder in snakemake.input.filters
        for path in sorted(Path(folder).glob("*.meme"))
    }
importance = {
    RANKINGS[0]: importance_by_experiment(ranked),
    RANKINGS[1]: dict(read_authors_oniv(snakemake.input.authors)["oniv"]),
}
rows, statistics = [], []
for name, choice in snakemake.params.choices.items():
    settings = choice_settings(choice, f"table1.matching.{name}")
    found = filter_statistics(pwms_of, fetch_motifs(settings["release"]), settings)
    statistics.append(found.assign(choice=name))
    covered = found["experiment"].nunique()
    for ranking, values in importance.items():
        counts = cell_counts(found, values, settings["statistic"])
        rows.append(
            {
                "choice": name,
                "settings": describe(settings),
                "release": settings["release"],
                "tfs_covered": covered,
                "ranking": ranking,
                **counts,
                "distance_to_paper": paper_distance(counts),
            }
        )
        log.info("%s (%s), ranked by %s: %s", name, describe(settings), ranking, counts)
table = pd.DataFrame(rows)
with atomic_write(snakemake.output.tsv) as handle:
    table.to_csv(handle, sep="\t", index=False)
with atomic_write(snakemake.output.filters) as handle:
    pd.concat(statistics, ignore_index=True).to_csv(
        handle, sep="\t", index=False, float_format="%.6g"
    )
with atomic_write(snakemake.output.md) as handle:
    handle.write("\n".join(markdown_table(table)) + "\n")
