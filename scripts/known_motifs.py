"""Snakemake script of rule `known_motifs`: the JASPAR matrices of the Table 1 experiments' TFs."""

import json
import logging

from deepresolve.jaspar import fetch_motifs, motif_nsites, motif_pwms, read_tf_motifs
from deepresolve.logs import setup_logging

setup_logging(snakemake.log[0])
log = logging.getLogger("known_motifs")
table = read_tf_motifs(snakemake.input.tf_motifs).set_index("experiment")
release = table["jaspar_release"].iloc[0]

wanted = {}
for experiment in snakemake.params.experiments:
    ids = [i for i in table.loc[experiment, "jaspar_ids"].split(",") if i]
    wanted[experiment] = ids[:1] if snakemake.params.selection == "primary" else ids
motifs = [m for m in fetch_motifs(release) if any(m.matrix_id in ids for ids in wanted.values())]
pwms, nsites = motif_pwms(motifs), motif_nsites(motifs)
log.info("%d experiments, %d JASPAR matrices (%s)", len(wanted), len(pwms), release)
document = {
    "release": release,
    "experiments": wanted,
    "matrices": {i: {"pwm": pwms[i].tolist(), "nsites": nsites[i]} for i in sorted(pwms)},
}
with open(snakemake.output[0], "w") as handle:
    json.dump(document, handle)
