"""Benchmark: where the time of a per-TF rerun goes (rule `tf_deepresolve` on one model).

Runs the rule's work step by step in a fresh Python process, as the job does, and prints each
step's wall time and share: imports (numpy/pandas, TensorFlow and Keras, the deepresolve
modules the job uses; memelite with its compiled kernels before TOMTOM), JASPAR (the
experiment's known motifs and the whole CORE vertebrates collection from the package's cache),
model load (the Keras 1.2 files read as arrays), FIM (the NumPy engine's gradient ascent and
ONIV, config ``table1.fim``), TOMTOM (memelite: against the known motif and against all of
JASPAR) and logos (the top-5 figure, PNG). Side by side in the same process it times the
same FIM by the TensorFlow engine (its import included, as the job paid it before the NumPy
engine) and prints the ratio and whether the top-5 filters agree; and it reads JASPAR the way
the job did before the cache (pyjaspar's database, one query per matrix) and prints the ratio.
With ``--workflow`` it also times the whole rerun through Snakemake from an empty results
folder in a scratch copy of the workflow (``snakemake results/tf/<experiment>/hits.tsv
--cores 1 --configfile config/table1.yaml``), wall and CPU seconds, and splits it into
Snakemake's start-up, parse and DAG (a dry run of the same target), each job (its benchmark
file) and the rest, each with its share.

Needs the published models (../shared/data/published-422tf-models or --models-dir) and
memelite's compiled kernels (``python -m deepresolve.motifs.numba_cache``; a first compile would
dominate the TOMTOM step, and the script says so).

    .venv/bin/python benchmarks/tf_rerun_breakdown.py [--experiment NAME] [--workflow] [--out F]

The last measured output: docs/results/benchmarks/tf_rerun_breakdown.txt (``--out``).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kept_output import kept_output, load_average

ROOT = Path(__file__).resolve().parents[1]
CTCF = "wgEncodeAwgTfbsBroadDnd41CtcfUniPk"


def worker(experiment: str, models_dir: Path, out_png: Path) -> dict[str, float]:
    """The job's steps, timed; returns step -> seconds (run in a fresh process)."""
    times: dict[str, float] = {}
    cpu: dict[str, float] = {}
    clock, cpu_clock = time.perf_counter(), time.process_time()

    def lap(name: str) -> None:
        nonlocal clock, cpu_clock
        now, cpu_now = time.perf_counter(), time.process_time()
        times[name], cpu[name] = now - clock, cpu_now - cpu_clock
        clock, cpu_clock = now, cpu_now

    import numpy as np
    import pandas  # noqa: F401

    lap("import numpy, pandas")
    import yaml

    from deepresolve.analyses.tf_models import (
        jaspar_hits,
        known_motif_hits,
        model_conv_kernel,
        model_onivs,
        ranked_table,
        read_published_models,
        tf_motif_collection,
    )
    from deepresolve.config.validate import fim_settings
    from deepresolve.method.fim_settings import fim_options
    from deepresolve.method.importance import rank_filters
    from deepresolve.models.keras1 import ARCHITECTURE_FILE, WEIGHTS_FILE
    from deepresolve.motifs.numba_cache import memelite_cache
    from deepresolve.motifs.pwm import filters_to_pwms

    lap("import deepresolve")
    config = yaml.safe_load((ROOT / "config/config.yaml").read_text())
    motifs = tf_motif_collection(ROOT / "config/tf_motifs.tsv", [experiment], "primary")
    lap("JASPAR (package cache)")
    files = (models_dir / experiment / ARCHITECTURE_FILE, models_dir / experiment / WEIGHTS_FILE)
    models, _ = read_published_models({experiment: files}, exclude_failures=False)
    lap("model load")
    settings = fim_settings(config, "table1")
    onivs = model_onivs(
        models, fim_options=fim_options(settings), oniv_mode=settings["oniv_mode"], seed=0
    )
    lap("FIM + ONIV (NumPy engine)")
    _, compiled = memelite_cache()
    lap("import memelite (kernels)")
    times["_memelite_compiled"] = compiled
    pwms = filters_to_pwms(model_conv_kernel(models[experiment]))
    known = known_motif_hits(pwms, experiment, motifs)
    hits = jaspar_hits({experiment: pwms}, motifs).drop(columns="experiment")
    summary = onivs[experiment].summary
    ranked = ranked_table(
        experiment,
        rank_filters(summary.oniv[0]),
        {
            "oniv": summary.oniv[0],
            "variance": summary.variance[0],
            "nonlinear": summary.nonlinear[0],
        },
        known,
        hits,
        motifs.tf_matrices(experiment),
    )
    lap("TOMTOM")
    from deepresolve.figures.table1 import figure_top_filters

    figure = figure_top_filters(
        pwms,
        ranked,
        experiment=experiment,
        tf=motifs.experiments[experiment]["tf"],
        known_names=motifs.names,
    )
    figure.savefig(out_png, dpi=120, bbox_inches="tight")
    lap("logos")
    times["_tensorflow_loaded"] = "tensorflow" in sys.modules or "keras" in sys.modules
    # side by side: the same FIM by the TensorFlow engine, as the job computed it before
    clock = time.perf_counter()
    import keras  # noqa: F401
    import tensorflow  # noqa: F401

    times["_tf_import"] = time.perf_counter() - clock
    clock = time.perf_counter()
    keras_models = {e: network.to_keras() for e, network in models.items()}
    tf_onivs = model_onivs(
        keras_models, fim_options=fim_options(settings), oniv_mode=settings["oniv_mode"], seed=0
    )
    times["_tf_fim"] = time.perf_counter() - clock
    times["_same_top5"] = bool(
        (
            rank_filters(summary.oniv[0])[:5]
            == rank_filters(tf_onivs[experiment].summary.oniv[0])[:5]
        ).all()
    )
    from deepresolve.motifs.jaspar import read_pyjaspar

    assert np.isfinite(ranked["oniv"]).all()
    clock = time.perf_counter()
    read_pyjaspar()
    times["_pyjaspar"] = time.perf_counter() - clock
    return {"wall": times, "cpu": cpu}


def timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """Run ``command`` in ``cwd``; its wall seconds and the CPU seconds (user + system) of it
    and every process it waited for (Snakemake and its jobs)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stderr[-3000:]}")
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return wall, cpu


def workflow_breakdown(experiment: str) -> list[tuple[str, float, float]]:
    """(part, wall s, CPU s) of the per-TF rerun through Snakemake from an empty results folder
    in a scratch copy of the workflow: the whole command, then its parts: Snakemake's start-up,
    parse and DAG (a dry run of the same target, timed first), and each job (wall from its
    benchmark file; CPU from the whole command's, less the dry run's, for all jobs together)."""
    with tempfile.TemporaryDirectory(prefix="tf_rerun_") as folder:
        workdir = Path(folder) / "w"
        workdir.mkdir()
        for name in ["Snakefile", "workflow", "config", "scripts", "envs", "profiles"]:
            src = ROOT / name
            (shutil.copytree if src.is_dir() else shutil.copy)(src, workdir / name)
        (Path(folder) / "shared").symlink_to((ROOT.parent / "shared").resolve())
        command = [
            str(Path(sys.executable).with_name("snakemake")),
            f"results/tf/{experiment}/hits.tsv",
            "--cores",
            "1",
            "--configfile",
            "config/table1.yaml",
        ]
        dry_wall, dry_cpu = timed([*command, "-n"], workdir)
        wall, cpu = timed(command, workdir)
        jobs = []
        for path in sorted((workdir / "benchmarks/results").rglob("*.tsv")):
            seconds = float(path.read_text().splitlines()[1].split("\t")[0])
            jobs.append((f"  job {path.parent.name} (its benchmark)", seconds, float("nan")))
    job_wall = sum(seconds for _, seconds, _ in jobs)
    return [
        ("snakemake command, whole", wall, cpu),
        ("  start-up, parse, DAG (dry run)", dry_wall, dry_cpu),
        *jobs,
        ("  jobs together; CPU: whole - dry run", job_wall, cpu - dry_cpu),
        ("  scheduling, the rest", wall - dry_wall - job_wall, float("nan")),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--experiment", default=CTCF)
    parser.add_argument(
        "--models-dir", type=Path, default=ROOT.parent / "shared/data/published-422tf-models"
    )
    parser.add_argument("--workflow", action="store_true", help="also time the Snakemake rerun")
    parser.add_argument("--out", type=Path, help="also write the output to this file")
    parser.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        experiment, models_dir, out = args.worker
        print(json.dumps(worker(experiment, Path(models_dir), Path(out))))
        return

    with tempfile.TemporaryDirectory(prefix="tf_breakdown_") as folder:
        done = subprocess.run(
            [
                sys.executable,
                __file__,
                "--worker",
                args.experiment,
                str(args.models_dir),
                str(Path(folder) / "logos.png"),
            ],
            capture_output=True,
            text=True,
            env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
        )
    if done.returncode != 0:
        raise SystemExit(f"worker failed:\n{done.stderr[-3000:]}")
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    times, cpu = measured["wall"], measured["cpu"]
    pyjaspar, compiled = times.pop("_pyjaspar"), times.pop("_memelite_compiled")
    loaded, same_top5 = times.pop("_tensorflow_loaded"), times.pop("_same_top5")
    tf_import, tf_fim = times.pop("_tf_import"), times.pop("_tf_fim")
    total, cpu_total = sum(times.values()), sum(cpu.values())
    lines = [
        f"per-TF rerun of {args.experiment}, one process; {os.cpu_count()} CPUs, load average "
        + load_average(),
        "(wall s waits for the CPU on a loaded machine; CPU s = this process's user + system)",
        f"{'step':<26}{'wall s':>8}{'share':>8}{'CPU s':>8}{'share':>8}",
    ]
    for name, seconds in times.items():
        lines.append(
            f"{name:<26}{seconds:>8.2f}{seconds / total:>8.0%}"
            f"{cpu[name]:>8.2f}{cpu[name] / cpu_total:>8.0%}"
        )
    lines.append(f"{'total':<26}{total:>8.2f}{'':>8}{cpu_total:>8.2f}")
    if not compiled:
        lines.append("memelite's kernels were not compiled: TOMTOM includes their compile")
    jaspar = times["JASPAR (package cache)"]
    lines.append(
        f"JASPAR: package cache {jaspar:.3f} s vs pyjaspar's database {pyjaspar:.2f} s "
        f"(as before the cache): {pyjaspar / jaspar:.0f}x"
    )
    fim = times["FIM + ONIV (NumPy engine)"]
    lines.append(
        f"TensorFlow {'was' if loaded else 'was not'} imported by the steps above. The same FIM "
        f"by the TensorFlow engine (as the job computed it before): import {tf_import:.2f} s + "
        f"FIM {tf_fim:.2f} s vs NumPy engine {fim:.2f} s: {(tf_import + tf_fim) / fim:.0f}x; "
        f"top-5 filters {'the same' if same_top5 else 'DIFFERENT'}"
    )
    if args.workflow:
        parts = workflow_breakdown(args.experiment)
        wall, cpu_all = parts[0][1], parts[0][2]
        lines += [
            "",
            f"snakemake {args.experiment}/hits.tsv --cores 1 --configfile config/table1.yaml "
            "from empty results, scratch copy",
            "(CPU s: Snakemake and every job it waited for; a job's own CPU is not separable "
            "from its benchmark file; the dry run is a run of its own, so on a loaded machine "
            "the parts' wall seconds need not add up)",
            f"{'part':<38}{'wall s':>8}{'share':>8}{'CPU s':>8}{'share':>8}",
        ]
        for name, seconds, cpu_seconds in parts:
            cpu_text = ""
            if not math.isnan(cpu_seconds):
                cpu_text = f"{cpu_seconds:>8.2f}{cpu_seconds / cpu_all:>8.0%}"
            lines.append(f"{name:<38}{seconds:>8.2f}{seconds / wall:>8.0%}{cpu_text}")
        lines.append(
            f"in-process steps above: {total:.1f} s wall, {cpu_total:.1f} CPU s = "
            f"{cpu_total / cpu_all:.0%} of the command's CPU s; load average after it "
            + load_average()
        )
    with kept_output(args.out):
        print("\n".join(lines))


if __name__ == "__main__":
    main()
