"""Benchmark: batched FIM ascent vs. a per-run port of the released ``FIM_generation.py`` loop.

Per-run port (the authors' code, in TensorFlow 2): one run at a time, one gradient step per
Python call (a ``tf.function`` returning score, objective and gradient for one feature map, as
the released Theano ``K.function``), the bookkeeping in Python: best map by objective (the
released script meant to keep its best map but kept a reference to the array it went on
updating; :mod:`deepresolve.fim` keeps the best-objective map, and so does the port, so that
both sides return the same maps), hold counter reset on a better objective, stop at
``patience`` (10) or ``max_steps``, step size ``lr * (i - 500) ** -0.2`` after step 500.
Batched: :func:`deepresolve.fim.feature_importance_maps` (one model) or
:func:`~deepresolve.fim.feature_importance_maps_many` (many models of one architecture), every
run in one compiled ``tf.while_loop``. Both start from the same standard-normal starts
(``seed``), so their FIMs and ONIVs are compared run by run.

Networks, seeded random weights (untrained: runs mostly go to the step cap):

- ``422tf``: the published 422 TF models' shape, ``build_cnn(101, 1, conv_filters=16,
  conv_width=25, global_pooling=True, dense_units=[32])``, H = 16 pooled filters; one model, and
  422 models batched together as the Table 1 jobs do;
- ``synthetic``: the paper's 2-D FIM CNN, ``build_cnn(200, 4, dense_units=[64])``, H = 48 x 32;
- ``deepsea``: :func:`deepresolve.deepsea.build_deepsea` (1000 bp, 919 outputs), H = the input
  of conv_3, 60 x 480, the first C classes; a few steps only (one step of one run costs ~50 ms
  on 2 CPU cores).

Each variant runs in its own process, so that its peak resident memory is its own (``VmHWM``,
reset after the network is built; "peak" = the highest RSS during the ascent, "+" = above the
RSS before it). Throughput is counted in run-steps (gradient evaluations each run needed, its
``steps + 1``); the batched loop also computes the rows that stopped until the last stops, which
counts against it. When the per-run side runs only some of the rows (``per-run rows``), the
speed-up is the ratio of throughputs, as printed; nothing else is extrapolated.

    .venv/bin/python benchmarks/fim_per_run.py [--steps 2000] [--deepsea-steps 3] [--quick]

Measured on the 2-core CPU machine (TensorFlow 2.21 CPU, oneDNN on; 2026-11-26), defaults
(step cap 2000 for 422tf/synthetic, 3 for deepsea; the whole script ran about 6 minutes).
rs/s = run-steps per second; peak/+ in MiB:

    case              rows | batched s    rs/s peak    + | per-run rows     s rs/s   + | speed-up
    422tf, 1 model      10 |      0.48   41478  764   24 |           10 10.20 1962  11 |   21.1x
    422tf, 422 models 4220 |      2.93 2865710  853   26 |           20 23.43 1708  13 | 1677.7x
    synthetic           40 |      1.33   60080  772   31 |           40 41.68 1920  12 |   31.3x
    deepsea C=1 T=1      1 |      0.48       8 1426   53 |            1  0.34   12  31 |    0.7x
    deepsea C=10 T=1    10 |      0.98      41 1451   78 |           10  1.88   21  62 |    1.9x
    deepsea C=100 T=1  100 |      4.15      96 1548  176 |          100 15.17   26 124 |    3.7x
    deepsea C=10 T=5    50 |      2.73      73 1484  111 |           50  8.92   22  85 |    3.3x
    deepsea C=919 T=1  919 |     39.26      94 2488 1115 |   (batched only)

Every run took the same number of steps both ways (all reached the cap: random weights); the
largest FIM difference was 1e-6 and the largest ONIV difference 3e-6 of the largest value
(float32 rounding of batched vs. single-row kernels). Targets of issue 7: >= 100x on the 422tf
shape is met where its models are batched as Table 1 does (1678x; one model with 10 runs:
21x), >= 20x on the synthetic model is met (31x). On DeepSEA's network one step of one run is
about 0.97 GFLOP (forward + input gradient, from the layer sizes); the CPU is compute-bound
there, so batching gains only what larger matrix products gain: 10.4-10.7 ms per run-step from
C = 100 on (about 92 GFLOP/s), 38 ms per run-step per run (25 GFLOP/s). Time grows linearly in
C x T beyond about 100 rows (C = 100: 4.2 s, C = 919: 39 s for 4 steps); the fixed cost (tracing
the loop, ~0.4 s) dominates below 10 rows. Peak memory grows by about 1.2 MiB per DeepSEA row
(919 rows: +1.1 GiB), which is what chunks bound; the per-run port's stayed at +31-124 MiB.
Not measured here (no GPU lent to this task): 919 classes x 10 runs on a GPU.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from deepresolve.deepsea import FIM_LAYER, build_deepsea  # noqa: E402
from deepresolve.fim import feature_importance_maps, feature_importance_maps_many  # noqa: E402
from deepresolve.fim import starts as draw_starts  # noqa: E402
from deepresolve.importance import niv, oniv  # noqa: E402
from deepresolve.models import build_cnn  # noqa: E402
from deepresolve.network import split_model  # noqa: E402

SEED = 0
SETTINGS = dict(l2=0.01, learning_rate=0.1, patience=10, lr_decay_start=500)
MIN_LR = 1e-6
# Multiply-adds of DeepSEA's upper network per feature map: conv_3 (53 x 960 outputs of 8 x 480),
# dense_1 (50880 x 925), logits (925 x 919); x 2 FLOPs, x 2 for the input gradient.
DEEPSEA_FLOPS_PER_STEP = 2 * 2 * (53 * 960 * 8 * 480 + 50880 * 925 + 925 * 919)


@dataclass(frozen=True)
class Config:
    """One benchmark case: M models x C classes x T runs, the per-run side on a subset."""

    name: str
    network: str  # "422tf", "synthetic" or "deepsea"
    n_models: int
    n_classes: int
    n_runs: int
    max_steps: int
    per_run_models: int  # models run per run (their first per_run_classes classes, all runs)
    per_run_classes: int  # 0 = batched only

    @property
    def rows(self) -> int:
        return self.n_models * self.n_classes * self.n_runs

    @property
    def per_run_rows(self) -> int:
        return self.per_run_models * self.per_run_classes * self.n_runs


def configs(steps: int, deepsea_steps: int, quick: bool) -> list[Config]:
    many = 40 if quick else 422
    cases = [
        Config("422tf, 1 model", "422tf", 1, 1, 10, steps, 1, 1),
        Config(f"422tf, {many} models", "422tf", many, 1, 10, steps, 2, 1),
        Config("synthetic", "synthetic", 1, 4, 10, steps, 1, 2 if quick else 4),
    ]
    grid = [(1, 1), (10, 1), (100, 1), (10, 5)] if not quick else [(1, 1), (10, 1), (10, 2)]
    for n_classes, n_runs in grid:
        cases.append(
            Config(
                f"deepsea C={n_classes} T={n_runs}",
                "deepsea",
                1,
                n_classes,
                n_runs,
                deepsea_steps,
                1,
                n_classes,
            )
        )
    if not quick:
        cases.append(Config("deepsea C=919 T=1", "deepsea", 1, 919, 1, deepsea_steps, 0, 0))
    return cases


# --------------------------------------------------------------------------- one variant


def build_splits(config: Config):
    keras.utils.set_random_seed(SEED)
    if config.network == "422tf":
        models = [
            build_cnn(
                101,
                1,
                conv_filters=16,
                conv_width=25,
                global_pooling=True,
                dense_units=[32],
                name=f"tf_{i}",
            )
            for i in range(config.n_models)
        ]
        return [split_model(m) for m in models]
    if config.network == "synthetic":
        return [split_model(build_cnn(200, config.n_classes, dense_units=[64]))]
    return [split_model(build_deepsea(1000, 919), FIM_LAYER)]


def rss_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def reset_peak_rss() -> None:
    """Reset VmHWM to the current RSS (Linux >= 4.0: write 5 to clear_refs)."""
    Path("/proc/self/clear_refs").write_text("5")


def run_batched(splits, config: Config) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """FIMs ``(M, C, T, *shape)``, scores and steps ``(M, C, T)`` of the batched ascent."""
    options = dict(
        n_runs=config.n_runs,
        max_steps=config.max_steps,
        seed=SEED,
        classes=list(range(config.n_classes)),
        **SETTINGS,
    )
    if len(splits) > 1:
        results = feature_importance_maps_many(splits, **options)
    else:
        results = [feature_importance_maps(splits[0], **options)]
    return (
        np.stack([r.fims for r in results]),
        np.stack([r.scores for r in results]),
        np.stack([r.steps for r in results]),
    )


def one_step_function(upper: keras.Model, shape):
    """One gradient step's numbers for one map: the released code's ``K.function``."""
    l2 = tf.constant(SETTINGS["l2"], tf.float32)

    @tf.function(
        input_signature=[
            tf.TensorSpec([1, *shape], tf.float32),
            tf.TensorSpec([], tf.int32),
        ]
    )
    def step(h, class_index):
        with tf.GradientTape() as tape:
            tape.watch(h)
            score = upper(h, training=False)[0, class_index]
            objective = score - l2 * tf.reduce_sum(tf.square(h))
        return score, objective, tape.gradient(objective, h)

    return step


def per_run_ascent(step, start: np.ndarray, class_index: int, max_steps: int):
    """The released loop for one run: ``(best map, its score, steps taken)``."""
    lr0 = np.float32(SETTINGS["learning_rate"])
    decay_start, patience = SETTINGS["lr_decay_start"], SETTINGS["patience"]
    h = start[None].copy()
    c = tf.constant(class_index, tf.int32)
    best_objective, best_h, best_score, hold, i = -np.inf, h.copy(), np.nan, 0, 0
    while True:
        score, objective, grad = step(h, c)
        objective = float(objective)
        if objective > best_objective:
            best_objective, best_h, best_score, hold = objective, h.copy(), float(score), 0
        else:
            hold += 1
        if hold >= patience or i >= max_steps:
            break
        lr = lr0
        if i > decay_start:
            lr = max(lr0 * np.float32(i - decay_start) ** np.float32(-0.2), np.float32(MIN_LR))
        h = h + lr * grad.numpy()
        i += 1
    return best_h[0], best_score, i


def run_per_run(splits, config: Config) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The per-run port on the first ``per_run_models`` x ``per_run_classes`` x T runs."""
    shape = splits[0].feature_shape
    starts = draw_starts(SEED, config.per_run_classes * config.n_runs, shape)
    n = (config.per_run_models, config.per_run_classes, config.n_runs)
    fims = np.zeros((*n, *shape), np.float32)
    scores, steps = np.zeros(n), np.zeros(n, int)
    for m in range(config.per_run_models):
        step = one_step_function(splits[m].upper, shape)  # compiled once per model, as released
        for c in range(config.per_run_classes):
            for t in range(config.n_runs):
                fims[m, c, t], scores[m, c, t], steps[m, c, t] = per_run_ascent(
                    step, starts[c * config.n_runs + t], c, config.max_steps
                )
    return fims, scores, steps


def worker(config: Config, variant: str, out: Path) -> None:
    splits = build_splits(config)
    baseline = rss_kib("VmRSS")
    reset_peak_rss()
    start = time.perf_counter()
    fims, scores, steps = (run_batched if variant == "batched" else run_per_run)(splits, config)
    seconds = time.perf_counter() - start
    peak = rss_kib("VmHWM")
    keep = (slice(config.per_run_models), slice(config.per_run_classes))
    np.savez(out, fims=fims[keep], scores=scores[keep], steps=steps[keep])
    print(
        json.dumps(
            {
                "seconds": seconds,
                "run_steps": int((steps + 1).sum()),
                "rows": int(steps.size),
                "max_steps_taken": int(steps.max()),
                "peak_mib": peak / 1024,
                "baseline_mib": baseline / 1024,
            }
        )
    )


# --------------------------------------------------------------------------- driver


def launch(config: Config, variant: str, folder: Path) -> tuple[dict, dict]:
    out = folder / f"{abs(hash((config.name, variant)))}.npz"
    done = subprocess.run(
        [sys.executable, __file__, "--worker", json.dumps(asdict(config)), variant, str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{config.name} {variant} failed:\n{done.stderr[-3000:]}")
    numbers = json.loads(done.stdout.strip().splitlines()[-1])
    with np.load(out) as data:
        arrays = {key: data[key] for key in data.files}
    return numbers, arrays


def compare(batched: dict, per_run: dict) -> dict:
    """Largest differences of FIMs and ONIVs, relative to their largest magnitude."""
    a, b = batched["fims"], per_run["fims"]
    fim = float(np.max(np.abs(a - b)) / max(np.max(np.abs(a)), 1e-12))
    onivs = []
    for fims, scores in ((a, batched["scores"]), (b, per_run["scores"])):
        flat = fims.reshape(-1, *fims.shape[2:])  # (M * C, T, *shape)
        onivs.append(oniv(niv(flat), scores.reshape(flat.shape[:2])).oniv)
    scale = max(np.max(np.abs(onivs[0])), 1e-12)
    return {
        "fim_rel": fim,
        "oniv_rel": float(np.max(np.abs(onivs[0] - onivs[1])) / scale),
        "same_steps": float(np.mean(batched["steps"] == per_run["steps"])),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=2000, help="step cap, 422tf and synthetic")
    parser.add_argument("--deepsea-steps", type=int, default=3, help="step cap, deepsea")
    parser.add_argument("--quick", action="store_true", help="fewer and smaller cases")
    parser.add_argument("--only", default=None, help="run the cases whose name contains this")
    parser.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        spec, variant, out = args.worker
        worker(Config(**json.loads(spec)), variant, Path(out))
        return

    cases = configs(args.steps, args.deepsea_steps, args.quick)
    if args.only:
        cases = [c for c in cases if args.only in c.name]
    print(f"settings {SETTINGS}, seed {SEED}; {os.cpu_count()} CPUs; TF {tf.__version__}")
    header = (
        f"{'case':<22}{'rows':>6}{'cap':>6} | {'batched s':>9}{'rs/s':>10}{'peak MiB':>10}"
        f"{'+MiB':>7} | {'per-run rows':>12}{'s':>8}{'rs/s':>8}{'peak MiB':>10}{'+MiB':>6}"
        f" | {'speed-up':>8} | {'FIM diff':>8}{'ONIV diff':>10}{'steps=':>7}"
    )
    print(header)
    print("-" * len(header))
    timings = []
    with tempfile.TemporaryDirectory(prefix="fim_per_run_") as folder:
        for config in cases:
            b_numbers, b_arrays = launch(config, "batched", Path(folder))
            b_rate = b_numbers["run_steps"] / b_numbers["seconds"]
            timings.append((config, b_numbers))
            line = (
                f"{config.name:<22}{config.rows:>6}{config.max_steps:>6} | "
                f"{b_numbers['seconds']:>9.2f}{b_rate:>10.0f}{b_numbers['peak_mib']:>10.0f}"
                f"{b_numbers['peak_mib'] - b_numbers['baseline_mib']:>7.0f} | "
            )
            if config.per_run_rows:
                p_numbers, p_arrays = launch(config, "per_run", Path(folder))
                p_rate = p_numbers["run_steps"] / p_numbers["seconds"]
                diff = compare(b_arrays, p_arrays)
                line += (
                    f"{config.per_run_rows:>12}{p_numbers['seconds']:>8.2f}{p_rate:>8.0f}"
                    f"{p_numbers['peak_mib']:>10.0f}"
                    f"{p_numbers['peak_mib'] - p_numbers['baseline_mib']:>6.0f} | "
                    f"{b_rate / p_rate:>7.1f}x | {diff['fim_rel']:>8.1e}{diff['oniv_rel']:>10.1e}"
                    f"{diff['same_steps']:>7.0%}"
                )
            else:
                line += f"{'(batched only)':>44} | {'':>8} |"
            print(line, flush=True)
    print(
        "\nrs/s = run-steps (gradient evaluations the runs needed) per second; speed-up = "
        "batched rs/s / per-run rs/s (= the wall-time ratio where per-run rows = rows);\n"
        "FIM / ONIV diff = largest |batched - per-run| / largest |batched| over the per-run "
        "rows; steps= = runs with the same number of steps."
    )
    deepsea = [(c, n) for c, n in timings if c.network == "deepsea"]
    if deepsea:
        print("\nDeepSEA-shaped network, batched: time against classes C and runs T")
        print(f"{'C':>5}{'T':>4}{'rows':>6}{'s':>9}{'ms per run-step':>17}{'GFLOP/s':>9}")
        for config, numbers in deepsea:
            per_step = numbers["seconds"] / numbers["run_steps"]
            print(
                f"{config.n_classes:>5}{config.n_runs:>4}{config.rows:>6}{numbers['seconds']:>9.2f}"
                f"{1000 * per_step:>17.1f}{DEEPSEA_FLOPS_PER_STEP / per_step / 1e9:>9.1f}"
            )
        print(
            f"GFLOP/s from {DEEPSEA_FLOPS_PER_STEP / 1e9:.2f} GFLOP per run-step (forward + input "
            "gradient = 2 x forward, from the layer sizes)"
        )


if __name__ == "__main__":
    main()
