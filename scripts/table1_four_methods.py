"""Snakemake script of rule `table1_four_methods`: Table 1 with the paper's four methods, each
on the experiments it can cover and all four on the experiments with sequences, beside the
paper's rows; the paper's claims about the table checked; a figure of ours vs. the paper's."""

import logging

import matplotlib

matplotlib.use("Agg")
import pandas as pd  # noqa: E402

from deepresolve.attribution import (  # noqa: E402
    AUTHORS_DEEPMOTIF,
    ENHANCED_DEEPMOTIF,
    GRAD_CAM,
    GRADIENT_X_INPUT,
)
from deepresolve.device import configure_tensorflow  # noqa: E402
from deepresolve.files import atomic_write, made_by, read_json, read_tsv  # noqa: E402
from deepresolve.logs import setup_logging  # noqa: E402
from deepresolve.method_comparison import (  # noqa: E402
    DEEPRESOLVE,
    SEQUENCE_COLUMNS,
    check_claims,
    comparison_table,
    plot_comparison,
    protocol_rows,  # noqa: E402
)
from deepresolve.table1 import (
    experiment_detail,  # noqa: E402
    methods_markdown,  # noqa: E402
)

setup_logging(snakemake.log[0])
configure_tensorflow(snakemake.threads)
log = logging.getLogger("table1_four_methods")


def read_tables(paths):
    frames = [read_tsv(p, keep_default_na=False) for p in paths]
    frames = [f for f in frames if not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


with made_by("table1"):
    details = {DEEPRESOLVE: read_tsv(snakemake.input.dr_detail, keep_default_na=False)}
with made_by("table1_gradients"):
    gradients = read_tables(snakemake.input.gradients)
    summaries = [read_json(p) for p in snakemake.input.summaries]
with made_by("table1_deepmotif_batch"):
    edm_ranked = read_tables(snakemake.input.edm_ranked)
    excluded = read_tables(snakemake.input.edm_excluded)
for method in (GRAD_CAM, GRADIENT_X_INPUT):
    if not gradients.empty:
        details[method] = experiment_detail(gradients[gradients["method"] == method])
details[ENHANCED_DEEPMOTIF] = experiment_detail(edm_ranked)
with made_by("table1_authors_deepmotif_batch"):
    details[AUTHORS_DEEPMOTIF] = experiment_detail(read_tables(snakemake.input.authors_edm_ranked))
    authors_runs = read_tables(snakemake.input.authors_edm_runs)
with made_by("table1_matching"):
    matching = read_tsv(snakemake.input.matching)
with made_by("table1_lambda_curve"):
    curve = read_tsv(snakemake.input.lambda_curve)
collapsed = int((authors_runs["best_score"] <= 0).sum())
sequences = pd.DataFrame(summaries, columns=list(SEQUENCE_COLUMNS))
shared = [e for e in sequences["experiment"] if all(
    e in set(d["experiment"]) for d in details.values())]  # fmt: skip

table = comparison_table(details, shared)
claims = check_claims(details, shared)
for method, detail in details.items():
    top = detail.set_index("experiment")["top_known_p"]
    sequences[f"top1_known_p {method}"] = sequences["experiment"].map(top)
long_detail = pd.concat([d.assign(method=m) for m, d in details.items()], ignore_index=True)
notes = {
    "coverage": (
        f"DeepResolve {len(details[DEEPRESOLVE])} and enhanced DeepMotif "
        f"{len(details[ENHANCED_DEEPMOTIF])} experiments (every published model of "
        f"table1.experiments that could be read); Grad-CAM and gradient x input "
        f"{len(shared)}, the experiments with bound sequences here; the paper: 422 for all four"
    ),
    "experiments with sequences": "; ".join(
        f"{r.experiment} ({r.sequences}, AUC {r.auc:.3f}, {r.n_positives_used} positives)"
        for r in sequences.itertuples()
    )
    or "none",
    "enhanced DeepMotif": "its PWMs, best class score first, take the place of ranked filters",
    AUTHORS_DEEPMOTIF: (
        f"in {collapsed} of {len(authors_runs)} models the best class score of the runs is "
        "<= 0 (the ascent collapsed the input)"
    ),
    "enhanced DeepMotif excluded": "none"
    if excluded.empty
    else "; ".join(f"{r.experiment} ({r.reason})" for r in excluded.itertuples()),
}
protocol = protocol_rows(details, matching, curve)
for name, frame in (
    ("protocol", protocol),
    ("tsv", table),
    ("detail", long_detail),
    ("sequences", sequences),
    ("claims", claims),
):
    with atomic_write(snakemake.output[name]) as handle:
        frame.to_csv(handle, sep="\t", index=False)
with atomic_write(snakemake.output.md) as handle:
    handle.write(methods_markdown(table, notes))
figure = plot_comparison(table)
for name in ("png", "pdf"):
    with atomic_write(snakemake.output[name], "wb") as handle:
        figure.savefig(handle, format=name, dpi=150, bbox_inches="tight")
log.info("\n%s", table.to_string(index=False))
log.info("claims:\n%s", claims.to_string(index=False))
log.info("protocol rows:\n%s", protocol.to_string(index=False))
