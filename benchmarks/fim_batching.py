"""Benchmark: all classes x runs in one batch vs. one gradient-ascent run at a time.

Measures, side by side in one process, the wall time of :func:`feature_importance_maps` on the
paper's dataset-IV architecture (4 classes, feature map 48 x 32) done (a) as one batch of
C x T runs, as the workflow does, and (b) as C x T separate calls of one run each (the released
code's loop), and prints the ratio. Each separate call builds its compiled loop again, as a
per-run loop in user code would; with more steps that fixed cost weighs less (the last
measured output: docs/results/benchmarks/fim_batching.txt, written by ``--out``). Untrained
weights with a fixed seed; a fixed number of steps (patience larger than the step cap) so that
both variants do the same work. Wall and CPU seconds (all threads of the process).

    .venv/bin/python benchmarks/fim_batching.py [--runs 10] [--steps 1000] [--out F]
"""

import argparse
import os
import time
from pathlib import Path

import keras
from kept_output import kept_output, load_average  # benchmarks/: the script's folder

from deepresolve.method.fim import feature_importance_maps
from deepresolve.models.cnn import build_cnn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--classes", type=int, default=4)
    parser.add_argument("--out", type=Path, help="also write the output to this file")
    args = parser.parse_args()
    with kept_output(args.out):
        run(args)


def run(args) -> None:
    keras.utils.set_random_seed(0)
    model = build_cnn(200, args.classes, dense_units=[64])
    options = dict(l2=0.01, learning_rate=0.1, patience=args.steps + 1, max_steps=args.steps)

    feature_importance_maps(model, n_runs=1, classes=[0], **options)  # compile once, untimed
    start, cpu = time.perf_counter(), time.process_time()
    batched = feature_importance_maps(model, n_runs=args.runs, seed=1, **options)
    t_batched, cpu_batched = time.perf_counter() - start, time.process_time() - cpu

    start, cpu = time.perf_counter(), time.process_time()
    for c in range(args.classes):
        for t in range(args.runs):
            feature_importance_maps(model, n_runs=1, classes=[c], seed=100 * c + t, **options)
    t_loop, cpu_loop = time.perf_counter() - start, time.process_time() - cpu

    n = args.classes * args.runs
    print(
        f"{n} runs x {args.steps} steps, feature map {batched.fims.shape[2:]}; "
        f"{os.cpu_count()} CPUs, load average {load_average()}"
    )
    print(f"one batch      : {t_batched:8.2f} s wall, {cpu_batched:8.2f} s CPU")
    print(f"one run a time : {t_loop:8.2f} s wall, {cpu_loop:8.2f} s CPU")
    print(f"speed-up       : {t_loop / t_batched:8.1f} x wall, {cpu_loop / cpu_batched:.1f} x CPU")


if __name__ == "__main__":
    main()
