"""Results of record: the headline numbers of a finished run as small TSV tables with provenance.

A *record* is one folder of tables, e.g. ``results/record/synthetic_planted/``, named by the
config key ``record.name``; rule ``numbers`` writes it from a finished run, and the copy kept
under ``docs/results/<name>/`` is what README.md and docs/*.md render their numbers from
(:mod:`deepresolve.reports.pages`). Each table starts with ``# key: value`` lines (see
:func:`provenance`): the commit, the config files and their SHA-256, package versions, the
machine, the date and the run's wall time.

The builders (:data:`ANALYSES`) turn one analysis's result files into tables; they only select
and summarise, so every number in a record is a number of a result file. Each takes the results
folder and the config's Table 1 folder (``results/table1/<run_name>``, with the four-method
table in its ``methods/``; workflow/rules/table1_methods_config.smk names it).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import io
import math
import os
import platform
import subprocess
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from deepresolve.core.files import atomic_write, read_tsv

#: Packages whose versions every record states (distribution names; the first found of a tuple).
PACKAGES = {
    "tensorflow": ("tensorflow-cpu", "tensorflow", "tensorflow-macos"),
    "keras": ("keras",),
    "numpy": ("numpy",),
    "pandas": ("pandas",),
    "memelite": ("memelite",),
    "snakemake": ("snakemake",),
}


def _version(names: Sequence[str]) -> str:
    for name in names:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return "not installed"


def _git(*args: str, cwd: Path) -> str | None:
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def commit_of(folder: str | Path = ".") -> str:
    """The checkout's commit, with ``+changes`` when tracked files differ from it."""
    folder = Path(folder)
    commit = _git("rev-parse", "HEAD", cwd=folder)
    if commit is None:
        return "unknown (not a git checkout)"
    changed = _git("status", "--porcelain", "--untracked-files=no", cwd=folder)
    return f"{commit}+changes" if changed else commit


def cpu_model() -> str:
    """The processor's model name (``/proc/cpuinfo``), or what :mod:`platform` knows."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(errors="replace").splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


#: vector instruction sets that oneDNN picks its CPU kernels by, most capable first
VECTOR_ISAS = ("avx512_bf16", "avx512_vnni", "avx512f", "avx2", "avx", "sse4_2")


def cpu_vector_isas() -> str:
    """The vector instruction sets of :data:`VECTOR_ISAS` that ``/proc/cpuinfo`` lists (space
    separated; "unknown" without it): virtual machines often hide the exact model, and these
    decide TensorFlow's CPU kernels, so two records with the same model name can differ here."""
    cpuinfo = Path("/proc/cpuinfo")
    if not cpuinfo.exists():
        return "unknown"
    for line in cpuinfo.read_text(errors="replace").splitlines():
        if line.lower().startswith("flags"):
            flags = set(line.split(":", 1)[1].split())
            return " ".join(isa for isa in VECTOR_ISAS if isa in flags) or "none"
    return "unknown"


def sha256_of(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def run_timing(benchmark_files: Sequence[str | Path]) -> dict[str, float]:
    """Wall time, CPU time and peak memory of a run from its jobs' Snakemake benchmark files.

    Each benchmark file is written when its job ends and holds the job's wall seconds (``s``),
    ``cpu_time`` and ``max_rss`` (MB). The run's wall time is from the earliest job start (file
    time minus ``s``) to the last job end; the peak is the largest single job's ``max_rss``
    (jobs that ran side by side add up, so the machine's peak may be higher).

    Returns ``{"jobs", "wall_s", "cpu_s", "job_s", "peak_rss_mb"}`` (NaN when no file).
    """
    starts, ends, cpu, job_s, rss = [], [], 0.0, 0.0, []
    for path in benchmark_files:
        table = pd.read_csv(path, sep="\t")
        if table.empty:
            continue
        end = Path(path).stat().st_mtime
        seconds = float(table["s"].iloc[-1])
        starts.append(end - seconds)
        ends.append(end)
        job_s += seconds
        cpu += float(pd.to_numeric(table["cpu_time"], errors="coerce").fillna(0).iloc[-1])
        rss.append(float(pd.to_numeric(table["max_rss"], errors="coerce").fillna(0).iloc[-1]))
    if not ends:
        nan = float("nan")
        return {"jobs": 0, "wall_s": nan, "cpu_s": nan, "job_s": nan, "peak_rss_mb": nan}
    return {
        "jobs": len(ends),
        "wall_s": round(max(ends) - min(starts), 1),
        "cpu_s": round(cpu, 1),
        "job_s": round(job_s, 1),
        "peak_rss_mb": round(max(rss), 1),
    }


def _shown(path: str | Path, checkout: str | Path) -> str:
    """``path`` relative to the checkout where it lies inside it (the same on every machine)."""
    try:
        return str(Path(path).resolve().relative_to(Path(checkout).resolve()))
    except ValueError:
        return str(path)


def provenance(
    config_files: Sequence[str | Path],
    timing: Mapping[str, float],
    *,
    config_overrides: Mapping | None = None,
    checkout: str | Path = ".",
) -> dict[str, str]:
    """The provenance header of a record table: what made it, where and when.

    ``config_files`` are the run's config files in the order Snakemake read them;
    ``timing`` is :func:`run_timing` of the run's benchmark files.
    """
    header = {
        "commit": commit_of(checkout),
        "config_files": ", ".join(
            f"{_shown(path, checkout)} (sha256 {sha256_of(path)[:16]})" for path in config_files
        ),
        "config_overrides": repr(dict(config_overrides or {})),
        "packages": ", ".join(f"{name} {_version(dist)}" for name, dist in PACKAGES.items()),
        "python": platform.python_version(),
        "machine": f"{cpu_model()}, {os.cpu_count()} cores, {platform.system()}",
        "cpu_vector_isas": cpu_vector_isas(),
        "load_at_record": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }
    header.update({f"run_{key}": f"{value:g}" for key, value in timing.items()})
    return header


def write_record(path: str | Path, table: pd.DataFrame, header: Mapping[str, str]) -> None:
    """Write ``table`` as TSV after ``# key: value`` provenance lines (atomically)."""
    with atomic_write(path) as handle:
        for key, value in header.items():
            handle.write(f"# {key}: {value}\n")
        table.to_csv(handle, sep="\t", index=False, lineterminator="\n")


def read_record(path: str | Path) -> tuple[pd.DataFrame, dict[str, str]]:
    """A record table and its provenance header (:func:`write_record`'s format)."""
    header, body = {}, []
    for line in Path(path).read_text().splitlines(keepends=True):
        if line.startswith("# ") and not body:
            key, _, value = line[2:].rstrip("\n").partition(": ")
            header[key] = value
        else:
            body.append(line)
    table = pd.read_csv(io.StringIO("".join(body)), sep="\t", keep_default_na=False)
    return table, header


# --- builders: one analysis's result files -> record tables ---------------------------------


def synthetic_tables(results: Path, table1: Path) -> dict[str, pd.DataFrame]:
    """``claims`` (each claim as k of n networks) and ``networks`` (one row per network)."""
    return {
        "claims": read_tsv(results / "synthetic/claims.tsv"),
        "networks": read_tsv(results / "synthetic/replicates.tsv"),
    }


def table1_rows_tables(results: Path, table1: Path) -> dict[str, pd.DataFrame]:
    """``rows``: Table 1 in long form (method, source, statistic, threshold, top-k counts)."""
    return {"rows": read_tsv(table1 / "table1.tsv")}


def table1_authors_oniv_tables(results: Path, table1: Path) -> dict[str, pd.DataFrame]:
    """``authors_oniv``: agreement of our ONIVs with the authors' released ones, summarised."""
    agreement = read_tsv(table1 / "authors_oniv_agreement.tsv")
    summary = {
        "n_models": len(agreement),
        "median_pearson": agreement["pearson"].median(),
        "median_spearman": agreement["spearman"].median(),
        "same_top1": int(agreement["same_top1"].sum()),
        "mean_top5_overlap": agreement["top5_overlap"].mean(),
    }
    return {"authors_oniv": pd.DataFrame([summary])}


def table1_lambda_curve_tables(results: Path, table1: Path) -> dict[str, pd.DataFrame]:
    """``lambda_curve``: per lambda, agreement with the authors' ONIVs and every Table 1 cell."""
    return {"lambda_curve": read_tsv(table1 / "lambda_curve.tsv")}


def table1_methods_tables(results: Path, table1: Path) -> dict[str, pd.DataFrame]:
    """``methods`` (the four-method table), ``claims``, ``sequence_experiments`` and ``edm_runs``
    (how eDM's ascents ended: models whose best class score is <= 0, models with a run that
    stopped at ``max_steps`` rather than by patience)."""
    return {
        "methods": read_tsv(table1 / "methods/table.tsv"),
        "claims": read_tsv(table1 / "methods/claims.tsv"),
        "sequence_experiments": read_tsv(table1 / "methods/sequence_experiments.tsv"),
        "edm_runs": deepmotif_run_endings(table1 / "deepmotif"),
    }


def deepmotif_run_endings(folder: Path) -> pd.DataFrame:
    """One row: how the eDM ascents of ``folder/<batch>/runs.tsv`` ended: ``n_models``,
    ``best_score_at_most_0`` (models whose best class score is <= 0: a collapsed input),
    ``some_run_not_converged`` (models with a run still going at ``max_steps``) and, where the
    runs record it (the authors' DM.py), ``every_start_zero_gradient`` (models at each of whose
    starts ``dS_c/dX`` is exactly 0) and ``every_start_zero_gradient_and_collapsed``."""
    runs = pd.concat(
        [read_tsv(path) for path in sorted(folder.glob("*/runs.tsv"))], ignore_index=True
    )
    collapsed = runs["best_score"] <= 0
    endings = {
        "n_models": len(runs),
        "best_score_at_most_0": int(collapsed.sum()),
        "some_run_not_converged": int((runs["converged_runs"] < runs["n_runs"]).sum()),
    }
    if "zero_gradient_starts" in runs:
        dead = runs["zero_gradient_starts"] == runs["n_runs"]
        endings["every_start_zero_gradient"] = int(dead.sum())
        endings["every_start_zero_gradient_and_collapsed"] = int((dead & collapsed).sum())
    return pd.DataFrame([endings])


def table1_protocol_tables(results: Path, table1: Path) -> dict[str, pd.DataFrame]:
    """``matching`` (the six DeepResolve cells per matching choice and ranking), ``protocol``
    (README's Table 1: per method the paper's, the authors'-protocol and our default rows) and
    ``authors_edm_runs`` (how the authors' DM.py ascents ended: models whose best class score
    is <= 0, models with a run still going at max_steps)."""
    return {
        "matching": read_tsv(table1 / "matching.tsv"),
        "protocol": read_tsv(table1 / "methods/protocol_rows.tsv"),
        "authors_edm_runs": deepmotif_run_endings(table1 / "authors_deepmotif"),
    }


def multitask_tables(results: Path, table1: Path) -> dict[str, pd.DataFrame]:
    """``claims`` (the pre-stated check per seed and method), ``auc`` (test AUC per seed and
    class) and ``training`` (how each seed's training ended)."""
    folder = results / "multitask"
    return {
        "claims": read_tsv(folder / "claims.tsv"),
        "auc": read_tsv(folder / "auc.tsv"),
        "training": read_tsv(folder / "training.tsv"),
    }


#: analysis -> (builder, benchmark folders whose jobs time the run: under benchmarks/results,
#: ``{table1}`` standing for the config's Table 1 folder there, e.g. ``table1/<run_name>``)
ANALYSES: dict[str, tuple[Callable[[Path, Path], dict[str, pd.DataFrame]], tuple[str, ...]]] = {
    "synthetic": (synthetic_tables, ("synthetic",)),
    "table1_rows": (
        table1_rows_tables,
        ("{table1}/batch", "{table1}/download", "{table1}/tomtom_meme"),
    ),
    "table1_authors_oniv": (table1_authors_oniv_tables, ()),
    "table1_lambda_curve": (table1_lambda_curve_tables, ("{table1}/lambda_curve",)),
    "table1_methods": (table1_methods_tables, ("{table1}/deepmotif", "{table1}/gradients")),
    "table1_protocol": (
        table1_protocol_tables,
        ("{table1}/matching", "{table1}/authors_deepmotif", "{table1}/lambda_curve"),
    ),
    "multitask": (multitask_tables, ("multitask", "multiclass")),
}


def benchmark_files(benchmarks: Path, folders: Sequence[str], table1: str = "") -> list[Path]:
    """Every benchmark TSV under ``benchmarks/<folder>`` for the given folders, ``{table1}`` in
    a folder replaced by ``table1`` (the Table 1 folder under ``benchmarks``)."""
    files: list[Path] = []
    for folder in folders:
        files += sorted((benchmarks / folder.format(table1=table1)).rglob("*.tsv"))
    return files


# --- comparing a user's record with the record of the docs -----------------------------------

#: relative tolerance of a float, and its floor for values near 0
REL_TOL, ABS_TOL = 0.02, 0.005


def _is_float_column(values: pd.Series) -> bool:
    numbers = pd.to_numeric(values, errors="coerce")
    if numbers.isna().any() and not values.replace("", np.nan).isna().equals(numbers.isna()):
        return False
    finite = numbers.dropna()
    return len(finite) > 0 and not np.allclose(finite, np.round(finite))


def compare_tables(mine: pd.DataFrame, record: pd.DataFrame) -> pd.DataFrame:
    """Cell by cell: ``identical``, ``within tolerance`` or ``differs``.

    Columns of floats (AUCs, correlations, p-values) are numbers and may differ within
    :data:`REL_TOL` / :data:`ABS_TOL`; every other column (counts, k of n, pass/fail, names) is
    a verdict and must be identical. Returns one row per cell with ``kind`` (number or verdict).
    """
    rows = []
    n = max(len(mine), len(record))
    for column in record.columns:
        kind = "number" if _is_float_column(record[column].astype(str)) else "verdict"
        for i in range(n):
            theirs = record[column].iloc[i] if i < len(record) else "<missing>"
            ours = mine[column].iloc[i] if column in mine.columns and i < len(mine) else "<missing>"
            rows.append(
                {
                    "row": i,
                    "column": column,
                    "kind": kind,
                    "record": theirs,
                    "yours": ours,
                    "verdict": _cell_verdict(ours, theirs, kind),
                }
            )
    return pd.DataFrame(rows)


def _cell_verdict(ours, theirs, kind: str) -> str:
    if str(ours) == str(theirs):
        return "identical"
    if kind == "number":
        try:
            a, b = float(ours), float(theirs)
        except (TypeError, ValueError):
            return "differs"
        if math.isclose(a, b, rel_tol=REL_TOL, abs_tol=ABS_TOL):
            return "within tolerance"
    return "differs"
