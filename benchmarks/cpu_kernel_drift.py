#!/usr/bin/env python
"""How much TensorFlow's CPU kernels move the numbers: one network of the test config, trained
and interpreted under each kernel choice, side by side in one run.

TensorFlow's oneDNN kernels pick their code path by the processor's instruction set, so a run
on another machine can differ in the last bits of every float, and training amplifies that.
``ONEDNN_MAX_CPU_ISA`` caps the instruction set oneDNN may use and ``TF_ENABLE_ONEDNN_OPTS=0``
turns oneDNN off: on one machine, that shows the size of the difference a user on another
processor can expect. Each variant runs the workflow (config/test.yaml, dataset I, network 0:
simulation, training, FIMs, ONIV) in its own copy; the default runs twice (a rerun with the
same seed must be identical).

    python benchmarks/cpu_kernel_drift.py            # writes results/record/cpu_kernels/drift/

The table (one row per variant): test AUC, its difference from the default's, the ONIV's
largest difference and Pearson r with the default's, and whether the top-ranked filter and the
top-5 set are the same. ``python scripts/record.py keep cpu_kernels`` keeps it for the docs.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from deepresolve.method.niv_tables import read_oniv_table
from deepresolve.reports.record import provenance, write_record

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW_FILES = ["Snakefile", "workflow", "config", "scripts", "envs", "profiles"]
TARGET = "results/synthetic/I/rep0/oniv.tsv"
VARIANTS = {
    "default": {},
    "default, rerun": {},
    "oneDNN up to AVX": {"ONEDNN_MAX_CPU_ISA": "AVX"},
    "oneDNN up to SSE4.1": {"ONEDNN_MAX_CPU_ISA": "SSE41"},
    "oneDNN off (Eigen)": {"TF_ENABLE_ONEDNN_OPTS": "0"},
}


def run_variant(env_extra: dict[str, str], workdir: Path, cores: int) -> tuple[dict, np.ndarray]:
    """Test AUCs and ONIV of the target network under ``env_extra``."""
    workdir.mkdir(parents=True)
    for name in WORKFLOW_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, workdir / name)
        else:
            shutil.copy(source, workdir / name)
    env = {**os.environ, **env_extra}
    snakemake = Path(sys.executable).with_name("snakemake")
    command = [str(snakemake), TARGET, "--cores", str(cores), "--configfile", "config/test.yaml"]
    done = subprocess.run(command, cwd=workdir, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{env_extra}: snakemake failed:\n{done.stderr[-3000:]}")
    metrics = json.loads((workdir / "results/synthetic/I/rep0/metrics.json").read_text())
    oniv = read_oniv_table(pd.read_csv(workdir / TARGET, sep="\t"))[0]
    return metrics["test_auc"], np.asarray(oniv, dtype=np.float64)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("results/record/cpu_kernels/drift"))
    parser.add_argument("--cores", type=int, default=2)
    args = parser.parse_args(argv)
    found = {}
    with tempfile.TemporaryDirectory() as scratch:
        for i, (name, env_extra) in enumerate(VARIANTS.items()):
            found[name] = run_variant(env_extra, Path(scratch) / f"v{i}", args.cores)
            print(f"{name}: test AUC {found[name][0]}", flush=True)
    base_auc, base_oniv = found["default"]
    rows = []
    for name, (auc, oniv) in found.items():
        diffs = [abs(auc[c] - base_auc[c]) for c in base_auc]
        top = np.argsort(-base_oniv, axis=-1)[..., :5]
        mine = np.argsort(-oniv, axis=-1)[..., :5]
        rows.append(
            {
                "variant": name,
                "environment": " ".join(f"{k}={v}" for k, v in VARIANTS[name].items()) or "-",
                "test_auc": "/".join(f"{auc[c]:.4f}" for c in base_auc),
                "max_auc_difference": max(diffs),
                "max_oniv_difference": float(np.abs(oniv - base_oniv).max()),
                "oniv_pearson": float(np.corrcoef(oniv.ravel(), base_oniv.ravel())[0, 1]),
                "same_top1_filter": bool((top[..., 0] == mine[..., 0]).all()),
                "same_top5_set": all(
                    set(a) == set(b)
                    for a, b in zip(top.reshape(-1, 5), mine.reshape(-1, 5), strict=True)
                ),
            }
        )
    table = pd.DataFrame(rows)
    print(table.to_string(index=False))
    config = ROOT / "config/test.yaml"
    header = provenance(
        [config], {"variants": len(VARIANTS)}, config_overrides={"target": TARGET}, checkout=ROOT
    )
    args.out.mkdir(parents=True, exist_ok=True)
    write_record(args.out / "drift.tsv", table, header)
    print(f"written: {args.out / 'drift.tsv'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
