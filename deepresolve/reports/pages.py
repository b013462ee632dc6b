"""Blocks of README.md and docs/*.md rendered from the results of record (``docs/results/``).

A page marks each block that states measured numbers::

    <!-- record: synthetic_claims synthetic_planted -->
    ...the rendered table or sentences...
    <!-- end record -->

``synthetic_claims`` names a function of :data:`BLOCKS`, the words after it are its arguments
(record names). :func:`render_page` replaces every block's body by what its function makes from
the record, followed by a line naming the record's commit, machine and date; text outside the
blocks is left as it is. ``scripts/render_pages.py --check`` (run by the tests) fails when a
block differs from what the record makes, so a hand edit or a stale number cannot land.

A block whose record does not exist yet renders one line saying so and which command makes it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from deepresolve.analyses.table1 import (
    THRESHOLDS,
    TOP_K,
    column_name,
    methods_markdown,
    to_markdown,
)
from deepresolve.core.markdown import cell, markdown_text
from deepresolve.reports.record import read_record

BLOCK = re.compile(
    r"(?P<open><!-- record: (?P<name>[\w]+)(?P<args>(?: [\w.-]+)*) -->\n)"
    r"(?P<body>.*?)"
    r"(?P<close><!-- end record -->)",
    re.S,
)

#: record name -> the commands that make it (shown where a record is missing, and in sources)
RECORD_COMMANDS = {
    "synthetic_planted": "snakemake numbers --cores 2",
    "synthetic_exact": "snakemake numbers --cores 2 --configfile config/exact_labels.yaml",
    "table1": "snakemake numbers --cores 2 --configfile config/table1.yaml",
    "table1_meme": (
        "snakemake numbers --cores 2 --configfile config/table1.yaml config/table1_meme.yaml"
    ),
    "table1_authors": (
        "snakemake numbers --cores 2 --configfile config/table1.yaml config/table1_authors.yaml"
    ),
    "multitask": "snakemake numbers --cores 2 --configfile config/multitask.yaml",
    "cpu_kernels": "python benchmarks/cpu_kernel_drift.py",
}


class MissingRecord(LookupError):
    """A block asked for a record table that ``docs/results/`` does not hold."""

    def __init__(self, record: str, path: Path):
        super().__init__(f"{path} does not exist")
        self.record = record


class Records:
    """Read access to ``docs/results/<record>/<analysis>/<table>.tsv`` (cached)."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self._cache: dict[Path, tuple[pd.DataFrame, dict[str, str]]] = {}

    def _read(self, record: str, analysis: str, table: str):
        path = self.folder / record / analysis / f"{table}.tsv"
        if path not in self._cache:
            if not path.exists():
                raise MissingRecord(record, path)
            self._cache[path] = read_record(path)
        return self._cache[path]

    def table(self, record: str, analysis: str, table: str) -> pd.DataFrame:
        return self._read(record, analysis, table)[0].copy()

    def provenance(self, record: str, analysis: str, table: str) -> dict[str, str]:
        return dict(self._read(record, analysis, table)[1])


# --- formatting --------------------------------------------------------------------------------


def duration(seconds: float | str) -> str:
    """``754`` -> ``12 min 34 s``; ``42.1`` -> ``42 s``; ``4000`` -> ``1 h 6 min``."""
    seconds = float(seconds)
    if seconds != seconds:
        return "not measured"
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60} min"


def source_line(records: Records, record: str, analysis: str, table: str) -> str:
    """One line: where the numbers come from (record, commit, machine, date, run time)."""
    meta = records.provenance(record, analysis, table)
    commit = meta.get("commit", "?")
    parts = [
        f"record `docs/results/{record}/{analysis}/`",
        f"commit {commit[:10]}{' (+ uncommitted changes)' if commit.endswith('+changes') else ''}",
        meta.get("machine", "machine not recorded"),
        meta.get("date", "?"),
    ]
    jobs = meta.get("run_jobs")
    if jobs and jobs != "0":
        parts.append(
            f"{jobs} jobs, {duration(meta['run_wall_s'])} wall, "
            f"{duration(meta['run_cpu_s'])} CPU, largest job "
            f"{float(meta['run_peak_rss_mb']) / 1000:.2f} GB"
        )
    return "<sub>" + "; ".join(parts) + ".</sub>"


# --- blocks ------------------------------------------------------------------------------------


def run_time(records: Records, record: str, analysis: str) -> str:
    """The run's wall time, CPU time, peak memory and load from a record's provenance."""
    tables = sorted((records.folder / record / analysis).glob("*.tsv"))
    if not tables:
        raise MissingRecord(record, records.folder / record / analysis)
    meta = records.provenance(record, analysis, tables[0].stem)
    return (
        f"{meta['run_jobs']} jobs: {duration(meta['run_wall_s'])} from the first job's start to "
        f"the last job's end, {duration(meta['run_cpu_s'])} of CPU time, the largest job's peak "
        f"memory {float(meta['run_peak_rss_mb']) / 1000:.2f} GB "
        f"({meta['machine']}; load {meta['load_at_record']} when the record was made)."
    )


#: block name -> function(records, *args) -> markdown
BLOCKS: dict[str, Callable[..., str]] = {"run_time": run_time}


def block(function: Callable[..., str]) -> Callable[..., str]:
    """Register ``function`` as the block of its name."""
    BLOCKS[function.__name__] = function
    return function


def _escape(text: str) -> str:
    """``text`` for a Markdown table cell (class names such as ``Dnd41|CTCF|Broad``)."""
    return str(text).replace("|", "\\|")


# --- pages -------------------------------------------------------------------------------------


def render_block(records: Records, name: str, args: list[str]) -> str:
    """The body of one block (ending with a newline)."""
    if name not in BLOCKS:
        raise KeyError(f"unknown record block {name!r}; known: {sorted(BLOCKS)}")
    try:
        body = BLOCKS[name](records, *args).rstrip("\n")
    except MissingRecord as missing:
        command = RECORD_COMMANDS.get(missing.record, "snakemake numbers")
        return (
            f"*Not in the record yet: `docs/results/{missing.record}/` does not exist. Make it "
            f"with `{command}`, then `python scripts/record.py keep {missing.record}` and "
            "`python scripts/render_pages.py`.*\n"
        )
    return body + "\n"


def render_page(text: str, records: Records) -> str:
    """``text`` with every record block re-rendered."""

    def replace(match: re.Match) -> str:
        args = match["args"].split()
        return match["open"] + render_block(records, match["name"], args) + match["close"]

    return BLOCK.sub(replace, text)


def pages(root: str | Path) -> list[Path]:
    """The pages that may hold record blocks: README.md, docs/*.md, config/README.md."""
    root = Path(root)
    return [root / "README.md", *sorted((root / "docs").glob("*.md")), root / "config/README.md"]


def stale_pages(root: str | Path, records: Records) -> dict[Path, list[str]]:
    """Pages whose blocks differ from what the record makes: page -> names of stale blocks."""
    stale = {}
    for page in pages(root):
        text = page.read_text()
        names = [
            match["name"]
            for match in BLOCK.finditer(text)
            if match["body"] != render_block(records, match["name"], match["args"].split())
        ]
        if names:
            stale[page] = names
    return stale


# --- Table 1 -----------------------------------------------------------------------------------


@block
def table1_rows(records: Records, record: str) -> str:
    """Table 1 of a record in the paper's layout (ours, other rankings, the paper's, the random
    order's expectation) and the strict statistic
    (:func:`deepresolve.analyses.table1.to_markdown`)."""
    rows = records.table(record, "table1_rows", "rows")
    return to_markdown(rows) + "\n" + source_line(records, record, "table1_rows", "rows")


def _cells(row: pd.Series | None, k: int) -> str:
    return "-" if row is None else f"{cell(row[f'top{k}'])}"


def _known_rows(rows: pd.DataFrame, method: str, source: str) -> dict[float, pd.Series]:
    part = rows[(rows["method"] == method) & (rows["source"] == source)]
    part = part[part["statistic"] == "known"]
    return {float(r["threshold"]): r for _, r in part.iterrows()}


def _pair(by_threshold: dict[float, pd.Series], k: int) -> str:
    if not by_threshold:
        return "-"
    return " / ".join(_cells(by_threshold.get(t), k) for t in (0.5, 0.05))


@block
def table1_headline(records: Records, record: str, meme_record: str) -> str:
    """README's Table 1: per method and source, top1/top3/top5 at p < 0.5 / p < 0.05, with the
    paper's row; DeepResolve with memelite and with MEME, the four methods where covered."""
    rows = records.table(record, "table1_rows", "rows")
    methods = records.table(record, "table1_methods", "methods")
    lines = []

    def add(label, n, by_threshold, paper):
        cells = [_pair(by_threshold, k) for k in (1, 3, 5)]
        paper_cells = ", ".join(_pair(paper, k).replace(" / ", "/") for k in (1, 3, 5))
        lines.append([label, n, *cells, paper_cells if paper else ""])

    ours = _known_rows(rows, "DeepResolve", "ours")
    paper = _known_rows(rows, "DeepResolve", "paper")
    n = next(iter(ours.values()))["n_experiments"]
    add("DeepResolve (memelite)", n, ours, paper)
    try:
        meme = records.table(meme_record, "table1_rows", "rows")
        add(
            "DeepResolve, MEME tomtom `-incomplete-scores`",
            n,
            _known_rows(meme, "DeepResolve", "ours"),
            {},
        )
    except MissingRecord:
        lines.append(["DeepResolve, MEME tomtom `-incomplete-scores`", "not in the record"])
    shared = methods[methods["coverage"] == "with sequences"]
    for coverage in ("all", "with sequences"):
        part = methods[methods["coverage"] == coverage]
        for method in part["method"].unique():
            mine = _known_rows(part, method, "ours")
            if method.startswith("random") or not mine:
                continue
            n_method = next(iter(mine.values()))["n_experiments"]
            on_shared = _known_rows(shared, method, "ours")
            n_shared = next(iter(on_shared.values()))["n_experiments"] if on_shared else None
            if coverage == "all" and (method == "DeepResolve" or n_method == n_shared):
                continue  # DeepResolve's row is above; a method run on the shared set only
            label = method if coverage == "all" else f"{method}, {coverage}"
            add(label, n_method, mine, _known_rows(methods, method, "paper"))
    header = pd.DataFrame(
        [row + [""] * (6 - len(row)) for row in lines],
        columns=["method", "experiments", "top1", "top3", "top5", "paper (of 422)"],
    )
    return markdown_text(header) + "\n\n" + source_line(records, record, "table1_rows", "rows")


@block
def authors_oniv(records: Records, record: str) -> str:
    """One sentence: how closely our ONIVs of the 422 models follow the authors' released ones."""
    row = records.table(record, "table1_authors_oniv", "authors_oniv").iloc[0]
    return (
        f"Over all {cell(row['n_models'])} models, our ONIVs against the authors' released ones: "
        f"median Pearson r {float(row['median_pearson']):.4f}, median Spearman r "
        f"{float(row['median_spearman']):.4f}, the same top-1 filter in {cell(row['same_top1'])} "
        f"of {cell(row['n_models'])}, and on average {float(row['mean_top5_overlap']):.2f} of the "
        "top 5 "
        "filters shared.\n\n" + source_line(records, record, "table1_authors_oniv", "authors_oniv")
    )


def _top_k_pairs(table: pd.DataFrame, header: str) -> dict[str, list[str]]:
    """Columns ``header.format(k=k)`` for k = 1, 3, 5: per row of ``table``, its top-k counts
    at p < 0.5 and p < 0.05 (columns ``top<k>_p<0.5``, ``top<k>_p<0.05``) as "a / b"."""
    return {
        header.format(k=k): [
            f"{cell(r[f'top{k}_p<0.5'])} / {cell(r[f'top{k}_p<0.05'])}" for _, r in table.iterrows()
        ]
        for k in (1, 3, 5)
    }


@block
def lambda_curve(records: Records, record: str) -> str:
    """The lambda curve: per point, steps, agreement with the authors' ONIVs, Table 1 cells."""
    curve = records.table(record, "table1_lambda_curve", "lambda_curve")
    seeds = {}
    if "seed" in curve.columns:  # curves with points of their own seed (config/table1_authors.yaml)
        seeds = {
            "seed": curve["seed"].map(lambda v: "default" if int(v) < 0 else str(int(v))),
            "closest to the paper": curve["closest"].map(
                lambda v: "**yes**" if str(v) == "True" else ""
            ),
        }
    shown = pd.DataFrame(
        {
            "l2": curve["l2"].map(lambda v: f"{float(v):g}"),
            "learning rate": curve["learning_rate"].map(lambda v: f"{float(v):g}"),
            **seeds,
            "median steps": curve["median_steps"].map(cell),
            "median r vs authors": curve["median_pearson"].map(lambda v: f"{float(v):.4f}"),
            "same top-1": curve["same_top1"].map(cell),
            **_top_k_pairs(curve, "top{k} p<0.5 / p<0.05"),
            "strict top1/3/5": [
                " / ".join(cell(r[f"top{k}_strict"]) for k in (1, 3, 5))
                for _, r in curve.iterrows()
            ],
        }
    )
    return (
        markdown_text(shown, format_cell=str)
        + "\n\n"
        + source_line(records, record, "table1_lambda_curve", "lambda_curve")
    )


@block
def knob_table(records: Records, record: str) -> str:
    """Which matching choice moves which DeepResolve cell: per choice and ranking, the six
    cells (p < 0.5 / p < 0.05, or E <=), TFs the release covers, gap to the paper's row."""
    table = records.table(record, "table1_protocol", "matching")
    shown = pd.DataFrame(
        {
            "choice": table["choice"],
            "settings": table["settings"],
            "TFs covered": table["tfs_covered"].map(cell),
            "ranked by": table["ranking"],
            **_top_k_pairs(table, "top{k} 0.5 / 0.05"),
            "sum of gaps to the paper": table["distance_to_paper"].map(lambda v: f"{float(v):g}"),
        }
    )
    return (
        markdown_text(shown, format_cell=str)
        + "\n\n"
        + source_line(records, record, "table1_protocol", "matching")
    )


@block
def protocol_rows(records: Records, record: str) -> str:
    """README's Table 1: per method the paper's row, the authors'-protocol rows and ours; how
    the authors' DM.py ascents ended."""
    table = records.table(record, "table1_protocol", "protocol")
    runs = records.table(record, "table1_protocol", "authors_edm_runs").iloc[0]
    shown = pd.DataFrame(
        {
            "method": table["method"],
            "row": table["row"],
            "experiments": table["n_experiments"].map(cell),
            **_top_k_pairs(table, "top{k}"),
        }
    )
    matching = records.table(record, "table1_protocol", "matching")
    causes = protocol_gaps(table, matching)
    collapsed = (
        f"The authors' DM.py ascents: in {cell(runs['best_score_at_most_0'])} of "
        f"{cell(runs['n_models'])} models the best class score of the runs is <= 0 (the input "
        f"collapsed); {cell(runs['some_run_not_converged'])} models have a run still going at "
        "max_steps."
    )
    if "every_start_zero_gradient" in runs:
        collapsed += (
            f" In {cell(runs['every_start_zero_gradient'])} models the class score's gradient "
            "is exactly 0 at every start (the all-0.25 matrix and the random ones: no ReLU path "
            "from the input to the score is active), so the first step is the L2 penalty's "
            f"alone; {cell(runs['every_start_zero_gradient_and_collapsed'])} of them are among "
            "the collapsed."
        )
    return (
        markdown_text(shown, format_cell=str)
        + "\n\n"
        + collapsed
        + "\n\n"
        + "".join(f"- {line}\n" for line in causes)
        + "\n"
        + source_line(records, record, "table1_protocol", "protocol")
    )


#: a gap to the paper's row larger than this many experiments gets a sentence
GAP = 5
AUTHORS_PREFIX = "authors' protocol: "


def _short_label(label: str) -> str:
    """A protocol row's label without its prefix and parenthesised settings."""
    return re.sub(r" \([^()]*\)", "", label.removeprefix(AUTHORS_PREFIX))


def protocol_gaps(table: pd.DataFrame, matching: pd.DataFrame) -> list[str]:
    """One sentence per method, and per cell where our default row differs from the paper's by
    more than :data:`GAP` experiments, saying what the rows measured show about the cause.

    Where the method ran on other experiments than the paper's (fewer than its 422), one
    sentence says so for all its cells. Otherwise, per cell: the rows of the authors' protocol
    that come within :data:`GAP` of the paper (they close the gap), or the closest of them
    when none does; for DeepResolve also the single matching choice (with its ranking) that
    comes closest.
    """
    lines = []
    for method, rows in table.groupby("method", sort=False):
        by_row = rows.set_index("row")
        if "paper" not in by_row.index or "ours (default)" not in by_row.index:
            continue
        paper, ours = by_row.loc["paper"], by_row.loc["ours (default)"]
        theirs = by_row[by_row.index.str.startswith(AUTHORS_PREFIX)]
        gaps = [
            (k, t)
            for k in TOP_K
            for t in THRESHOLDS
            if abs(int(ours[column_name(k, t)]) - int(paper[column_name(k, t)])) > GAP
        ]
        if not gaps:
            continue
        if int(ours["n_experiments"]) != int(paper["n_experiments"]):
            lines.append(
                f"{method}: {len(gaps)} of its {len(TOP_K) * len(THRESHOLDS)} cells differ from "
                f"the paper's by more than {GAP} because it ran on "
                f"{cell(ours['n_experiments'])} experiments, not the paper's "
                f"{cell(paper['n_experiments'])} (only these have bound sequences here)."
            )
            continue
        for k, t in gaps:
            column = column_name(k, t)
            text = (
                f"{method}, top-{k} at p < {t:g}: ours {cell(ours[column])}, the paper "
                f"{cell(paper[column])}"
            )
            distance = (theirs[column].astype(int) - int(paper[column])).abs()
            closing = distance[distance <= GAP]
            if len(closing):
                named = "; ".join(
                    f"{_short_label(label)} ({cell(theirs.loc[label, column])})"
                    for label in closing.index
                )
                text += f"; closed by {named}"
            elif len(theirs):
                label = distance.idxmin()
                text += (
                    f"; no row of the authors' protocol closes it, the closest is "
                    f"{_short_label(label)} ({cell(theirs.loc[label, column])})"
                )
            if method == "DeepResolve" and len(matching):
                distance = (matching[column] - int(paper[column])).abs()
                best = matching.loc[distance.idxmin()]
                text += (
                    f"; of the single matching choices the closest is {best['choice']} ranked "
                    f"by {best['ranking']} ({cell(best[column])})"
                )
            lines.append(text + ".")
    return lines


@block
def four_methods(records: Records, record: str) -> str:
    """Table 1's four methods (paper's statistic and strict, per coverage), the claims, and how
    eDM's ascents ended."""
    methods = records.table(record, "table1_methods", "methods")
    claims = records.table(record, "table1_methods", "claims")
    edm = records.table(record, "table1_methods", "edm_runs").iloc[0]
    shown = claims[
        ["claim", "ground", "n_experiments", "k", "threshold", "deepresolve", "other", "required"]
    ].assign(passed=claims["passed"].map(lambda v: "passed" if str(v) == "True" else "failed"))
    n_passed = int((shown["passed"] == "passed").sum())
    text = methods_markdown(methods).replace("## Coverage:", "**Coverage:**")
    return (
        text
        + f"\nClaims (`claims.tsv`): {n_passed} of {len(shown)} pass.\n\n"
        + markdown_text(shown)
        + f"\n\nEnhanced DeepMotif's ascents: in {edm['best_score_at_most_0']} of "
        f"{edm['n_models']} models the best of the runs still has a class score <= 0, and "
        f"{edm['some_run_not_converged']} have a run that stopped at `max_steps`.\n\n"
        + source_line(records, record, "table1_methods", "methods")
    )


def _p_value(value) -> str:
    """A TOMTOM p-value with 2 significant digits; ``-`` when absent."""
    number = pd.to_numeric(value, errors="coerce")
    return "-" if pd.isna(number) else f"{float(number):.2g}"


@block
def sequence_experiments(records: Records, record: str) -> str:
    """The experiments with bound sequences (Grad-CAM and gradient x input run on these): where
    the sequences come from, the positives used, the model's AUC, and each method's top-1 p."""
    table = records.table(record, "table1_methods", "sequence_experiments")
    prefix = "top1_known_p "
    methods = [c.removeprefix(prefix) for c in table.columns if c.startswith(prefix)]
    shown = pd.DataFrame(
        {
            "experiment": table["experiment"],
            "sequences": [f"{r['source']} {r['sequences']}" for _, r in table.iterrows()],
            "positives used": [
                f"{r['n_positives_used']} of {r['n_positives_available']} ({r['positive_pool']})"
                for _, r in table.iterrows()
            ],
            "model AUC": [
                f"{float(r['auc']):.3f} ({r['auc_bound']} bound, {r['auc_unbound']} unbound)"
                for _, r in table.iterrows()
            ],
            **{f"top-1 p, {m}": table[prefix + m].map(_p_value) for m in methods},
        }
    )
    return (
        markdown_text(shown, format_cell=str)
        + "\n\n"
        + source_line(records, record, "table1_methods", "sequence_experiments")
    )


# --- multi-task model --------------------------------------------------------------------------


@block
def multitask_check(records: Records, record: str) -> str:
    """The pre-stated class-similarity check per seed and method, the test AUCs and how each
    seed's training ended."""
    claims = records.table(record, "multitask", "claims")
    auc = records.table(record, "multitask", "auc")
    training = records.table(record, "multitask", "training")
    seeds = [c for c in auc.columns if c not in ("experiment", "class_name")]
    mean_auc = {seed: pd.to_numeric(auc[seed]).mean() for seed in seeds}
    lines = []
    for method, part in claims.groupby("method", sort=False):
        passed = int((part["passed"].astype(str) == "True").sum())
        p_values = pd.to_numeric(part["p_value"])
        lines.append(
            [
                method,
                f"{passed} of {len(part)}",
                f"{p_values.min():.4f}-{p_values.max():.4f}",
                f"{pd.to_numeric(part['designated_mean']).mean():.3f}",
                f"{pd.to_numeric(part['unrelated_mean']).mean():.3f}",
            ]
        )
    table = pd.DataFrame(
        lines,
        columns=[
            "method",
            "seeds passing",
            "permutation p (range)",
            "designated pairs, mean similarity",
            "other pairs",
        ],
    )
    ended = ", ".join(
        f"seed {r['replicate']}: {r['stopped_by']} after {r['epochs']} epochs"
        for _, r in training.iterrows()
    )
    aucs = ", ".join(f"seed {seed} {value:.3f}" for seed, value in mean_auc.items())
    return (
        markdown_text(table, format_cell=str)
        + f"\n\nMean test AUC over the {len(auc)} outputs: {aucs}. Training ended: {ended}.\n\n"
        + source_line(records, record, "multitask", "claims")
    )


# --- synthetic datasets ------------------------------------------------------------------------


def _passed(row: pd.Series) -> str:
    """``k of n`` over the testable networks, and how many were not testable."""
    text = f"{row['n_passed']} of {row['n_testable']}"
    if int(row["n_not_testable"]):
        text += f" ({row['n_not_testable']} of {row['n_replicates']} not testable)"
    return text


def _auc_mean(row: pd.Series) -> str:
    return str(row["test_auc_mean"]).replace("/", " / ")


def _landscapes(networks: pd.DataFrame, dataset: str) -> str:
    part = networks[networks["dataset"] == dataset]
    kinds = part["depends_on"].replace("", pd.NA).dropna()
    if kinds.empty:
        return "-"
    return ", ".join(f"{kind} in {n} of {len(part)}" for kind, n in kinds.value_counts().items())


@block
def synthetic_headline(records: Records, planted: str, exact: str) -> str:
    """README's table: each dataset's claim as k of n networks and the mean test AUC, with the
    paper's AUC and the same for exact labels."""
    claims = records.table(planted, "synthetic", "claims")
    try:
        other = records.table(exact, "synthetic", "claims").set_index("dataset")
    except MissingRecord:
        other = None
    rows = []
    for _, row in claims.iterrows():
        if other is not None and row["dataset"] in other.index:
            mode = other.loc[row["dataset"]]
            exact_cell = f"{_passed(mode)}, {_auc_mean(mode)}"
        else:
            exact_cell = "not in the record"
        rows.append(
            [
                row["dataset"],
                _passed(row),
                _auc_mean(row),
                str(row["paper_test_auc"]).replace("/", " / "),
                exact_cell,
            ]
        )
    table = pd.DataFrame(
        rows,
        columns=[
            "dataset",
            "claim passed",
            "test AUC, mean over networks",
            "paper's AUC",
            "exact labels: passed, mean AUC",
        ],
    )
    lines = markdown_text(table, format_cell=str)
    sources = [source_line(records, planted, "synthetic", "claims")]
    if other is not None:
        sources.append(source_line(records, exact, "synthetic", "claims"))
    return lines + "\n\n" + "<br>\n".join(sources)


@block
def synthetic_claims(records: Records, record: str) -> str:
    """Every claim of one run as k of n networks, with AUCs, label noise and the probe."""
    claims = records.table(record, "synthetic", "claims")
    networks = records.table(record, "synthetic", "networks")
    rows = [
        [
            row["dataset"],
            f"**{_passed(row)}**",
            f"{_auc_mean(row)} ({str(row['test_auc_min']).replace('/', ' / ')})",
            str(row["paper_test_auc"]).replace("/", " / "),
            f"{float(row['label_noise']):.1%}",
            row["logic_computed"],
            _landscapes(networks, row["dataset"]),
        ]
        for _, row in claims.iterrows()
    ]
    table = pd.DataFrame(
        rows,
        columns=[
            "dataset",
            "claim passed",
            "test AUC, mean (lowest)",
            "paper",
            "label noise",
            "rule followed on constructed sequences",
            "XOR landscape depends on",
        ],
    )
    return (
        markdown_text(table, format_cell=str)
        + f"\n\nLabels `{claims['labels'].iloc[0]}`, ONIV mode `{claims['oniv_mode'].iloc[0]}`.\n\n"
        + source_line(records, record, "synthetic", "claims")
    )


@block
def synthetic_networks(records: Records, record: str) -> str:
    """One row per network: seed, verdict, test AUCs and the probe's landscape."""
    networks = records.table(record, "synthetic", "networks")
    table = pd.DataFrame(
        {
            "dataset": networks["dataset"],
            "network": networks["replicate"],
            "seed": networks["seed"],
            "claim": [
                "not testable" if str(t) != "True" else "passed" if str(p) == "True" else "failed"
                for p, t in zip(networks["passed"], networks["testable"], strict=True)
            ],
            "XOR category": networks["xor_category"].replace("", "-"),
            "test AUC": networks["test_auc"].str.replace("/", " / "),
            "landscape": networks["depends_on"].replace("", "-"),
            "r2 (a + b)": networks["r2_sum"].map(lambda v: f"{float(v):.2f}" if v != "" else "-"),
            "r2 (a - b)": networks["r2_difference"].map(
                lambda v: f"{float(v):.2f}" if v != "" else "-"
            ),
        }
    )
    return (
        markdown_text(table, format_cell=str)
        + "\n\n"
        + source_line(records, record, "synthetic", "networks")
    )


#: the XOR categories of :func:`deepresolve.analyses.claims.xor_category`, in the order shown
XOR_ORDER = (
    "not testable: shared filter",
    "passed",
    "failed: signs flip",
    "failed: opposite, no flip",
    "failed: same signs",
)


@block
def xor_categories(records: Records, *record_names: str) -> str:
    """Per label mode and XOR dataset: how many networks fall in each XOR category
    (``xor_category`` of replicates.tsv), with the networks named."""
    rows, sources = [], []
    for record in record_names:
        try:
            networks = records.table(record, "synthetic", "networks")
        except MissingRecord:
            rows.append([record, "not in the record", *[""] * len(XOR_ORDER)])
            continue
        sources.append(source_line(records, record, "synthetic", "networks"))
        xor = networks[networks["xor_category"] != ""]
        for dataset, part in xor.groupby("dataset", sort=False):
            cells = []
            for category in XOR_ORDER:
                which = part.loc[part["xor_category"] == category, "replicate"].astype(str)
                cells.append(f"{len(which)} ({', '.join(which)})" if len(which) else "0")
            labels = record.removeprefix("synthetic_")
            rows.append([f"{dataset}, `{labels}` labels", str(len(part)), *cells])
    table = pd.DataFrame(rows, columns=["dataset", "networks", *XOR_ORDER])
    return markdown_text(table, format_cell=str) + "\n\n" + "<br>\n".join(sources)


@block
def cpu_kernel_drift(records: Records, record: str) -> str:
    """The test network under each CPU kernel choice (benchmarks/cpu_kernel_drift.py)."""
    drift = records.table(record, "drift", "drift")
    shown = pd.DataFrame(
        {
            "variant": drift["variant"],
            "environment": drift["environment"].map(lambda v: f"`{v}`" if v != "-" else v),
            "test AUC": drift["test_auc"],
            "largest AUC difference": drift["max_auc_difference"].map(lambda v: f"{v:.4f}"),
            "ONIV: largest difference": drift["max_oniv_difference"].map(lambda v: f"{v:.3g}"),
            "ONIV: Pearson r": drift["oniv_pearson"].map(lambda v: f"{v:.4f}"),
            "same top filter": drift["same_top1_filter"],
            "same top-5 set": drift["same_top5_set"],
        }
    )
    others = drift[~drift["variant"].str.startswith("default")]
    rerun = drift[drift["variant"] == "default, rerun"].iloc[0]
    same = "repeated every number" if float(rerun["max_oniv_difference"]) == 0 else "differed"
    return (
        markdown_text(shown, format_cell=str)
        + f"\n\nThe rerun with the default kernels {same}; the other kernel choices moved a test "
        f"AUC by up to {others['max_auc_difference'].max():.4f} and left the ONIV with Pearson r "
        f"{others['oniv_pearson'].min():.4f} or more to the default's.\n\n"
        + source_line(records, record, "drift", "drift")
    )


@block
def multitask_detail(records: Records, record: str) -> str:
    """Per seed and method: the permutation p, the designated and unrelated pairs' mean
    similarity and each designated pair's rank; then each output's test AUC per seed."""
    claims = records.table(record, "multitask", "claims")
    auc = records.table(record, "multitask", "auc")
    checks = pd.DataFrame(
        {
            "seed": claims["replicate"].astype(str),
            "method": claims["method"],
            "p": pd.to_numeric(claims["p_value"]).map(lambda v: f"{v:.4f}"),
            "passed": claims["passed"].map(lambda v: "yes" if str(v) == "True" else "no"),
            "designated / unrelated mean": [
                f"{float(r['designated_mean']):.2f} / {float(r['unrelated_mean']):.2f}"
                for _, r in claims.iterrows()
            ],
            "designated pairs' ranks (1 = most similar)": claims["designated_ranks"].map(_escape),
        }
    )
    seeds = [c for c in auc.columns if c not in ("experiment", "class_name")]
    aucs = pd.DataFrame(
        {
            "output": auc["experiment"],
            f"test AUC, seed {' / '.join(seeds)}": [
                " / ".join(f"{float(r[seed]):.3f}" for seed in seeds) for _, r in auc.iterrows()
            ],
        }
    )
    return (
        markdown_text(checks, format_cell=str)
        + "\n\n"
        + markdown_text(aucs, format_cell=str)
        + "\n\n"
        + source_line(records, record, "multitask", "claims")
    )


@block
def benchmark_output(records: Records, folder: str, name: str) -> str:
    """The last kept output of ``benchmarks/<name>.py``: ``docs/results/<folder>/<name>.txt``,
    written by the script's ``--out`` (its first line: the arguments, commit, date and load
    average), shown as printed."""
    path = records.folder / folder / f"{name}.txt"
    if not path.exists():
        return (
            f"*Not measured yet: `docs/results/{folder}/{name}.txt` does not exist. Make it with "
            f"`python benchmarks/{name}.py --out docs/results/{folder}/{name}.txt`, then "
            "`python scripts/render_pages.py`.*"
        )
    first, *lines = path.read_text().rstrip("\n").splitlines()
    return (
        f"`docs/results/{folder}/{name}.txt`: `{first.removeprefix('# ')}`\n\n```text\n"
        + "\n".join(lines)
        + "\n```"
    )
