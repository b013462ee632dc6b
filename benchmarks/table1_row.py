"""Benchmark: Table 1's DeepResolve row, models one at a time vs. all in one batch.

Measures, side by side in one process, the wall time of :func:`deepresolve.analyses.tf_models.
analyse_models` (FIMs, ONIV, PWMs, TOMTOM against the known motif and against all JASPAR CORE
vertebrates) on N published TF models (a) called once per model, as a job per experiment does
(without the ~7 s of Python and TensorFlow start-up such a job also pays), and (b) called once
with all N, as a `table1_batch` job does (one batched gradient ascent, few memelite calls).
Prints both times, the ratio, and how many models got the same top-5 filters both ways.

Needs the published models (../shared/data/published-422tf-models or --models-dir) and the
JASPAR collection of a Table 1 run (results/table1/known_motifs.json, or --motifs).

    .venv/bin/python benchmarks/table1_row.py [--n-models 24] [--all] [--out F]

--all also times the batched path on every model of the collection (the whole row in one
process). Measured on the 2-core CPU machine (2026-11-26): 24 models 28.6 s one at a time vs
4.4 s batched (6.5x, same top-5 filters for 24 of 24); all 422 batched in 42.7 s (+ 6.7 s to
import them). The workflow's whole row, FIM to table (`snakemake table1 --configfile
config/table1.yaml --forcerun known_motifs`: two batch jobs of 211 on 2 cores), took 63 s wall;
with one job per experiment it had taken 47 min.
"""

import argparse
import time
from pathlib import Path

import numpy as np
from kept_output import kept_output  # benchmarks/ is the script's folder, first on sys.path

from deepresolve.analyses.tf_models import (
    analyse_models,
    load_published_models,
    read_motif_collection,
)
from deepresolve.models.keras1 import ARCHITECTURE_FILE, WEIGHTS_FILE

ROOT = Path(__file__).resolve().parents[1]


def load(experiments, models_dir):
    sources = {
        e: (models_dir / e / ARCHITECTURE_FILE, models_dir / e / WEIGHTS_FILE) for e in experiments
    }
    models, _ = load_published_models(sources, exclude_failures=False)
    return models


def timed(function):
    start = time.perf_counter()
    value = function()
    return value, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-models", type=int, default=24)
    parser.add_argument("--all", action="store_true", help="also time all models batched")
    parser.add_argument(
        "--models-dir", type=Path, default=ROOT.parent / "shared/data/published-422tf-models"
    )
    parser.add_argument("--motifs", type=Path, default=ROOT / "results/table1/known_motifs.json")
    parser.add_argument("--out", type=Path, help="also write the output to this file")
    args = parser.parse_args()
    with kept_output(args.out):
        run(args)


def run(args) -> None:
    motifs = read_motif_collection(args.motifs)
    experiments = list(motifs.experiments)
    models = load(experiments[: args.n_models], args.models_dir)

    analyse_models(dict(list(models.items())[:2]), motifs)  # compile (numba, tf.function) once
    alone, t_alone = timed(
        lambda: {e: analyse_models({e: m}, motifs)[e] for e, m in models.items()}
    )
    batched, t_batched = timed(lambda: analyse_models(models, motifs))
    same = sum(
        np.array_equal(alone[e].ranked["filter"][:5], batched[e].ranked["filter"][:5])
        for e in models
    )
    print(f"{len(models)} published models, {len(motifs.pwms)} JASPAR matrices")
    print(f"one model a time : {t_alone:8.2f} s")
    print(f"one batch        : {t_batched:8.2f} s")
    print(f"speed-up         : {t_alone / t_batched:8.1f} x")
    print(f"same top-5       : {same} of {len(models)} models")
    if args.all:
        everything, t_load = timed(lambda: load(experiments, args.models_dir))
        _, t_all = timed(lambda: analyse_models(everything, motifs))
        print(f"all {len(everything)} batched : {t_all:8.2f} s (+ {t_load:.1f} s to import them)")


if __name__ == "__main__":
    main()
