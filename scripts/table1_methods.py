"""Snakemake script of rule `table1_methods`: Table 1 with the paper's four methods, beside the
paper's rows. On the published models of table1.experiments each method covers what it can
(coverage `all`) and all four cover the experiments with sequences (`with sequences`); on the
ChIP-seq experiments of chipseq.experiments all four run on each (`chipseq`). The paper's claims
about the table checked, the authors'-protocol rows, a figure of ours vs. the paper's."""

import logging

import matplotlib

matplotlib.use("Agg")
import pandas as pd  # noqa: E402

from deepresolve.analyses.method_comparison import (  # noqa: E402
    DEEPRESOLVE,
    PROTOCOL_CELLS,
    SEQUENCE_COLUMNS,
    check_claims,
    comparison_table,
    protocol_rows,
    split_excluded,
)
from deepresolve.analyses.table1 import experiment_detail, methods_markdown  # noqa: E402
from deepresolve.core.device import configure_tensorflow  # noqa: E402
from deepresolve.core.files import atomic_write, made_by, read_json, read_tsv  # noqa: E402
from deepresolve.core.logs import setup_logging  # noqa: E402
from deepresolve.figures.table1 import plot_comparison
from deepresolve.method.attribution import (  # noqa: E402
    AUTHORS_DEEPMOTIF,
    ENHANCED_DEEPMOTIF,
    GRAD_CAM,
    GRADIENT_X_INPUT,
)

setup_logging(snakemake.log[0])
configure_tensorflow(snakemake.threads)
log = logging.getLogger("table1_methods")
inputs = snakemake.input


def read_tables(paths):
    frames = [read_tsv(p, keep_default_na=False) for p in paths]
    frames = [f for f in frames if not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def method_details(ranked):
    """Method -> experiment_detail of a stacked ranked table (its `method` column)."""
    return {
        method: experiment_detail(rows) for method, rows in ranked.groupby("method", sort=False)
    }


details, notes = {}, {}
sequences = pd.DataFrame(columns=list(SEQUENCE_COLUMNS))
protocol = pd.DataFrame(columns=["method", "row", "n_experiments", *PROTOCOL_CELLS])
if inputs.dr_detail:  # the published models of table1.experiments
    with made_by("table1"):
        details[DEEPRESOLVE] = read_tsv(inputs.dr_detail[0], keep_default_na=False)
    with made_by("table1_gradients"):
        gradients = read_tables(inputs.gradients)
        summaries = [read_json(p) for p in inputs.summaries]
    with made_by("table1_deepmotif_batch"):
        edm_ranked = read_tables(inputs.edm_ranked)
        excluded = read_tables(inputs.edm_excluded)
    for method in (GRAD_CAM, GRADIENT_X_INPUT):
        if not gradients.empty:
            details[method] = experiment_detail(gradients[gradients["method"] == method])
    details[ENHANCED_DEEPMOTIF] = experiment_detail(edm_ranked)
    with made_by("table1_authors_deepmotif_batch"):
        details[AUTHORS_DEEPMOTIF] = experiment_detail(read_tables(inputs.authors_edm_ranked))
        authors_runs = read_tables(inputs.authors_edm_runs)
    with made_by("table1_matching"):
        matching = read_tsv(inputs.matching[0])
    with made_by("table1_lambda_curve"):
        curve = read_tsv(inputs.lambda_curve[0])
    collapsed = int((authors_runs["best_score"] <= 0).sum())
    sequences = pd.DataFrame(summaries, columns=list(SEQUENCE_COLUMNS))
    for method, detail in details.items():
        top = detail.set_index("experiment")["top_known_p"]
        sequences[f"top1_known_p {method}"] = sequences["experiment"].map(top)
    protocol = protocol_rows(details, matching, curve)
    notes = {
        "experiments with sequences": "; ".join(
            f"{r.experiment} ({r.sequences}, AUC {r.auc:.3f}, {r.n_positives_used} positives)"
            for r in sequences.itertuples()
        )
        or "none",
        AUTHORS_DEEPMOTIF: (
            f"in {collapsed} of {len(authors_runs)} models the best class score of the runs "
            "is <= 0 (the ascent collapsed the input)"
        ),
        "enhanced DeepMotif excluded": "none"
        if excluded.empty
        else "; ".join(f"{r.experiment} ({r.reason})" for r in excluded.itertuples()),
    }
shared = [e for e in sequences["experiment"] if all(
    e in set(d["experiment"]) for d in details.values())]  # fmt: skip

chipseq = {}
if inputs.chipseq_evaluations:  # the ChIP-seq experiments of chipseq.experiments
    with made_by("chipseq_methods"):
        everything = [read_json(p) for p in inputs.chipseq_evaluations]
        # experiments excluded for their test AUC (chipseq.auc_failure: exclude) count nowhere
        evaluations, chipseq_excluded = split_excluded(everything)
        counted = {e["experiment"] for e in evaluations}
        chipseq_ranked = pd.concat(
            [
                read_tsv(p, keep_default_na=False)
                for p, e in zip(inputs.chipseq_ranked, everything, strict=True)
                if e["experiment"] in counted
            ],
            ignore_index=True,
        )
    chipseq = method_details(chipseq_ranked)
    notes["ChIP-seq experiments"] = "; ".join(
        f"{e['experiment']} ({e['model']} model, test AUC {e['test_auc']:.3f} on {e['n_test']})"
        for e in evaluations
    )
    if chipseq_excluded:
        notes["ChIP-seq experiments excluded"] = chipseq_excluded

table = comparison_table(details, shared, chipseq)
claims = check_claims(details, shared)
coverage = []
if details:
    coverage.append(
        f"DeepResolve {len(details[DEEPRESOLVE])} and enhanced DeepMotif "
        f"{len(details[ENHANCED_DEEPMOTIF])} published models (every one of table1.experiments "
        f"that could be read); Grad-CAM and gradient x input {len(shared)}, the experiments "
        "with bound sequences here"
    )
if chipseq:
    n_chipseq = len(next(iter(chipseq.values())))
    coverage.append(f"all four methods on {n_chipseq} ChIP-seq experiments")
coverage.append("the paper: 422 for all four")
notes = {
    "coverage": "; ".join(coverage),
    **notes,
    "enhanced DeepMotif": "its PWMs, best class score first, take the place of ranked filters",
}
long_detail = pd.concat(
    [d.assign(method=m, experiments="table1.experiments") for m, d in details.items()]
    + [d.assign(method=m, experiments="chipseq.experiments") for m, d in chipseq.items()],
    ignore_index=True,
)
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
