"""Benchmark: Table 1's enhanced-DeepMotif row, models one at a time vs. all in one batch.

Times, side by side in one process, :func:`deepresolve.method.attribution.enhanced_deepmotif` called
once per published TF model (the per-model loop) and
:func:`deepresolve.method.attribution.enhanced_deepmotif_many` on the same models (one compiled
input-space ascent, models leaving the batch as their runs stop), with the settings of
``table1_methods.deepmotif`` in config/config.yaml. Prints both times, the ratio, and how many
models got the same best class score (within 1e-3 relative) and the same best PWM consensus
both ways (float32 rounding differs between batched and single products, and a run's path can
branch on it). Wall and CPU seconds (all threads of the process): on shared CPUs the CPU time
is the number that does not depend on the other load; report the load (`uptime`) beside both.

Needs the published models (../shared/data/published-422tf-models or --models-dir).

    .venv/bin/python benchmarks/edm_batching.py [--n-models 24] [--all] [--out F]

--all also times the batched path on all 422 models (the whole eDM row's ascent).
Measured on the shared 2-core CPU machine (2026-11-30, load 8-11): 24 models 43.9 s wall /
18.0 s CPU one at a time vs 36.2 s / 19.4 s batched (1.2x wall, 0.93x CPU; same best score and
PWM for 24 of 24); all 422 batched 690 s wall / 467 s CPU at load 7-16. On the quiet machine
(load under 1): 24 models 13.45 s / 11.06 s wall (1.22x), all 422 batched 235 s wall / 429 s CPU.
"""

import argparse
import time
from pathlib import Path

import numpy as np
import yaml
from kept_output import kept_output  # benchmarks/ is the script's folder, first on sys.path
from table1_row import load, timed  # benchmarks/ is the script's folder, first on sys.path

from deepresolve.method.attribution import enhanced_deepmotif, enhanced_deepmotif_many

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-models", type=int, default=24)
    parser.add_argument("--all", action="store_true", help="also time all models batched")
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument(
        "--models-dir", type=Path, default=ROOT.parent / "shared/data/published-422tf-models"
    )
    parser.add_argument("--out", type=Path, help="also write the output to this file")
    args = parser.parse_args()
    with kept_output(args.out):
        run(args)


def run(args) -> None:
    settings = yaml.safe_load((ROOT / "config/config.yaml").read_text())["table1_methods"]
    options = dict(settings["deepmotif"], seed=args.seed)
    experiments = sorted(p.name for p in args.models_dir.iterdir() if p.is_dir())
    models = load(experiments[: args.n_models], args.models_dir)

    enhanced_deepmotif_many(list(models.values())[:2], **dict(options, max_steps=5))  # compile
    cpu = time.process_time()
    alone, t_alone = timed(lambda: [enhanced_deepmotif(m, **options) for m in models.values()])
    cpu_alone, cpu = time.process_time() - cpu, time.process_time()
    batched, t_batched = timed(
        lambda: enhanced_deepmotif_many(list(models.values()), names=list(models), **options)
    )
    cpu_batched = time.process_time() - cpu
    same_score = sum(
        np.allclose(a.scores[0], b.scores[0], rtol=1e-3, atol=1e-3)
        for a, b in zip(alone, batched, strict=True)
    )
    same_pwm = sum(a.consensus[0] == b.consensus[0] for a, b in zip(alone, batched, strict=True))
    print(f"{len(models)} published models, enhanced DeepMotif {options}")
    print(f"one model a time : {t_alone:8.2f} s wall, {cpu_alone:8.2f} s CPU")
    print(f"one batch        : {t_batched:8.2f} s wall, {cpu_batched:8.2f} s CPU")
    print(
        f"speed-up         : {t_alone / t_batched:8.2f} x wall, {cpu_alone / cpu_batched:.2f} x CPU"
    )
    print(f"same best score  : {same_score} of {len(models)} models")
    print(f"same best PWM    : {same_pwm} of {len(models)} models")
    if args.all:
        everything, t_load = timed(lambda: load(experiments, args.models_dir))
        cpu = time.process_time()
        _, t_all = timed(
            lambda: enhanced_deepmotif_many(
                list(everything.values()), names=list(everything), **options
            )
        )
        cpu_all = time.process_time() - cpu
        print(
            f"all {len(everything)} batched : {t_all:8.2f} s wall, {cpu_all:8.2f} s CPU "
            f"(+ {t_load:.1f} s to import them)"
        )


if __name__ == "__main__":
    main()
