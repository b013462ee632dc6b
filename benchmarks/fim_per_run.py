"""Benchmark: batched FIM ascent vs. a per-run port of the released ``FIM_generation.py`` loop.

Per-run port (the authors' code, in TensorFlow 2): one run at a time, one gradient step per
Python call (a ``tf.function`` returning score, objective and gradient for one feature map, as
the released Theano ``K.function``), the bookkeeping in Python: best map by objective (the
released script meant to keep its best map but kept a reference to the array it went on
updating; :mod:`deepresolve.method.fim` keeps the best-objective map, and so does the port, so that
both sides return the same maps), hold counter reset on a better objective, stop at
``patience`` (10) or ``max_steps``, step size ``lr * (i - 500) ** -0.2`` after step 500.
Batched: :func:`deepresolve.method.fim.feature_importance_maps` (one model) or
:func:`~deepresolve.method.fim.feature_importance_maps_many` (many models of one architecture),
every run in one compiled ``tf.while_loop``. Both start from the same standard-normal starts
(``seed``), so their FIMs and ONIVs are compared run by run.

Networks, seeded random weights (untrained: runs mostly go to the step cap):

- ``422tf``: the published 422 TF models' shape, ``build_cnn(101, 1, conv_filters=16,
  conv_width=25, global_pooling=True, dense_units=[32])``, H = 16 pooled filters; one model, and
  422 models batched together as the Table 1 jobs do;
- ``synthetic``: the paper's 2-D FIM CNN, ``build_cnn(200, 4, dense_units=[64])``, H = 48 x 32;
- ``deepsea``: :func:`deepresolve.models.deepsea.build_deepsea` (1000 bp, 919 outputs), H = the
input
  of conv_3, 60 x 480, the first C classes; a few steps only (one step of one run costs ~50 ms
  on 2 CPU cores).

Each variant runs in its own process, so that its peak resident memory is its own (``VmHWM``,
reset after the network is built; "peak" = the highest RSS during the ascent, "+" = above the
RSS before it). Throughput is counted in run-steps (gradient evaluations each run needed, its
``steps + 1``); the batched loop also computes the rows that stopped until the last stops, which
counts against it. When the per-run side runs only some of the rows (``per-run rows``), the
speed-up is the ratio of throughputs, as printed; nothing else is extrapolated.

    .venv/bin/python benchmarks/fim_per_run.py [--steps 2000] [--deepsea-steps 3] [--quick]
        [--only NAME] [--out F]

For the one-model 422tf case it then takes the batched time apart, each part in a fresh
process as a job meets it, wall and CPU seconds (CPU does not depend on the machine's other
load): the trace of the compiled loop (Python -> TensorFlow graph), its first call (graph
optimisation, kernel set-up, one step), the remaining steps in one call (microseconds per
step), the same loop compiled by XLA (``jit_compile``), and the per-run port's own trace. It
prints the CPU ratios: port / whole batched call, port / (trace + first call) (the most a
traced-graph ascent can reach if its steps were free) and port / the steps' loop.

The last measured output: docs/results/benchmarks/fim_per_run.txt (``--out``; the command it
ran is in its first line). The whole script with the DeepSEA cases takes about 6 minutes on an
idle 2-core machine; its last full output (2026-11-26, before outputs were kept) is in this
file's history (``git log -p benchmarks/fim_per_run.py``). Not measured here (no GPU lent to
this task): 919 classes x 10 runs on a GPU.
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
from kept_output import kept_output, load_average  # noqa: E402

from deepresolve.method.fim import feature_importance_maps, feature_importance_maps_many  # noqa: E402
from deepresolve.method.fim import starts as draw_starts  # noqa: E402
from deepresolve.method.importance import niv, oniv  # noqa: E402
from deepresolve.method.network import split_model  # noqa: E402
from deepresolve.models.cnn import build_cnn  # noqa: E402
from deepresolve.models.deepsea import FIM_LAYER, build_deepsea  # noqa: E402

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


def run_dense(splits, config: Config) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`run_batched` by the NumPy engine (:mod:`deepresolve.method.dense_fim`), from the
    Dense layers of the same upper networks (the 422tf shape only)."""
    from deepresolve.method.dense_fim import dense_feature_importance_maps, keras_dense_layers

    networks = [keras_dense_layers(split.upper) for split in splits]
    results = dense_feature_importance_maps(
        networks,
        names=[split.upper.name for split in splits],
        layer_name=splits[0].layer_name,
        n_runs=config.n_runs,
        max_steps=config.max_steps,
        seed=SEED,
        classes=list(range(config.n_classes)),
        **SETTINGS,
    )
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
    if variant == "components":
        print(json.dumps(components_worker(config)))
        return
    splits = build_splits(config)
    baseline = rss_kib("VmRSS")
    reset_peak_rss()
    start = clocks()
    run = {"batched": run_batched, "dense": run_dense, "per_run": run_per_run}[variant]
    fims, scores, steps = run(splits, config)
    seconds, cpu_seconds = since(start)
    peak = rss_kib("VmHWM")
    keep = (slice(config.per_run_models), slice(config.per_run_classes))
    np.savez(out, fims=fims[keep], scores=scores[keep], steps=steps[keep])
    print(
        json.dumps(
            {
                "seconds": seconds,
                "cpu_seconds": cpu_seconds,
                "run_steps": int((steps + 1).sum()),
                "rows": int(steps.size),
                "max_steps_taken": int(steps.max()),
                "peak_mib": peak / 1024,
                "baseline_mib": baseline / 1024,
            }
        )
    )


def clocks() -> tuple[float, float]:
    """Wall and CPU (this process's user + system) seconds."""
    return time.perf_counter(), time.process_time()


def since(start: tuple[float, float]) -> tuple[float, float]:
    wall, cpu = clocks()
    return wall - start[0], cpu - start[1]


def components_worker(config: Config) -> dict:
    """The batched ascent of one model taken apart, in a fresh process as a job runs it: the
    trace of the compiled chunk, its first call (graph optimisation and kernel set-up, with one
    step), the remaining steps in one call, the same with XLA (``jit_compile``), and the
    per-run port's trace; each (wall s, CPU s)."""
    from deepresolve.method import fim

    split = build_splits(config)[0]
    settings = dict(SETTINGS, max_steps=config.max_steps, max_abs=1e6)
    starts = draw_starts(SEED, config.n_classes * config.n_runs, split.feature_shape)
    score_fn = fim._single_model_scores(split.upper, np.zeros(len(starts), int))
    groups = tf.constant([0], tf.int32)
    cap = tf.constant(config.max_steps + 1, tf.int32)
    parts = {}
    run_chunk = fim._make_chunk(score_fn, **settings)
    state = fim._initial_state(starts, config.max_steps)
    start = clocks()
    graph = run_chunk.get_concrete_function(tf.constant(1, tf.int32), groups, *state).graph
    parts["trace (Python -> graph)"] = since(start)
    body = [f for f in graph.as_graph_def().library.function if "while_body" in f.signature.name]
    start = clocks()
    after_one = run_chunk(tf.constant(1, tf.int32), groups, *state)
    parts["first call: optimise graph, 1 step"] = since(start)
    start = clocks()
    end = run_chunk(cap, groups, *after_one)
    steps = int(end[0]) - 1
    parts[f"{steps} more steps, one call"] = since(start)
    xla = tf.function(run_chunk.python_function, jit_compile=True)
    start = clocks()
    xla_one = xla(tf.constant(1, tf.int32), groups, *state)
    parts["XLA: trace, compile, 1 step"] = since(start)
    start = clocks()
    xla_end = xla(cap, groups, *xla_one)
    parts[f"XLA: {int(xla_end[0]) - 1} more steps"] = since(start)
    step = one_step_function(split.upper, split.feature_shape)
    start = clocks()
    step.get_concrete_function()
    parts["per-run port: trace its step"] = since(start)
    return {
        "parts": parts,
        "steps": steps,
        "body_nodes": len(body[0].node_def),
        "xla_fim_diff": float(np.max(np.abs(xla_end[2].numpy() - end[2].numpy()))),
    }


def print_components(config: Config, batched: dict, per_run: dict, parts: dict) -> None:
    """Where one model's batched FIM time goes, beside the per-run port's, and the ratio the
    fixed costs allow."""
    timed = parts["parts"]
    print(f"\n{config.name}: where the batched time goes (a fresh process each; wall s, CPU s)")
    print(f"{'part':<38}{'wall s':>8}{'CPU s':>8}{'per step us':>13}")
    total_wall, total_cpu = batched["seconds"], batched["cpu_seconds"]
    print(f"{'feature_importance_maps, whole call':<38}{total_wall:>8.3f}{total_cpu:>8.3f}")
    for name, (wall, cpu) in timed.items():
        per_step = ""
        if "more steps" in name:
            per_step = f"{1e6 * cpu / parts['steps']:>13.1f}"
        print(f"  {name:<36}{wall:>8.3f}{cpu:>8.3f}{per_step}")
    print(
        f"{'per-run port, whole':<38}{per_run['seconds']:>8.3f}{per_run['cpu_seconds']:>8.3f}"
        f"{1e6 * per_run['cpu_seconds'] / per_run['run_steps']:>13.1f}  (per run-step)"
    )
    fixed = sum(cpu for name, (_, cpu) in timed.items() if name.startswith(("trace", "first")))
    loop = timed[f"{parts['steps']} more steps, one call"][1]
    print(
        f"CPU ratio port / batched: {per_run['cpu_seconds'] / total_cpu:.1f}x; port / (trace +"
        f" first call) = {per_run['cpu_seconds'] / fixed:.1f}x is the most any ascent that "
        f"traces and optimises one TensorFlow graph per call can reach, were its "
        f"{parts['steps']} steps free; the steps' loop itself: port / loop = "
        f"{per_run['cpu_seconds'] / loop:.1f}x. The loop body is {parts['body_nodes']} graph "
        f"nodes (the upper network's forward and gradient, the stopping rule), executed one by"
        f" one by TensorFlow's executor each step. XLA's FIM differs by at most "
        f"{parts['xla_fim_diff']:.1e} (float32 rounding)."
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
    if not out.exists():  # components: numbers only
        return numbers, {}
    with np.load(out) as data:
        arrays = {key: data[key] for key in data.files}
    return numbers, arrays


def cpu_speed_up(batched: dict, per_run: dict) -> float:
    """Run-steps per CPU second, batched over per-run."""
    return (batched["run_steps"] / batched["cpu_seconds"]) / (
        per_run["run_steps"] / per_run["cpu_seconds"]
    )


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
    parser.add_argument("--out", type=Path, help="also write the output to this file")
    parser.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        spec, variant, out = args.worker
        worker(Config(**json.loads(spec)), variant, Path(out))
        return
    with kept_output(args.out):
        run_cases(args)


def run_cases(args) -> None:
    cases = configs(args.steps, args.deepsea_steps, args.quick)
    if args.only:
        cases = [c for c in cases if args.only in c.name]
    print(
        f"settings {SETTINGS}, seed {SEED}; {os.cpu_count()} CPUs, load average "
        f"{load_average()}; TF {tf.__version__}"
    )
    header = (
        f"{'case':<22}{'rows':>6}{'cap':>6} | {'batched s':>9}{'CPU s':>8}{'rs/s':>10}"
        f"{'peak MiB':>10}{'+MiB':>7} | {'per-run rows':>12}{'s':>8}{'CPU s':>8}{'rs/s':>8}"
        f"{'peak MiB':>10}{'+MiB':>6} | {'speed-up':>8}{'CPU':>7} | {'FIM diff':>8}"
        f"{'ONIV diff':>10}{'steps=':>7}"
    )
    print(header)
    print("-" * len(header))
    timings, one_model, dense = [], None, []
    with tempfile.TemporaryDirectory(prefix="fim_per_run_") as folder:
        for config in cases:
            b_numbers, b_arrays = launch(config, "batched", Path(folder))
            b_rate = b_numbers["run_steps"] / b_numbers["seconds"]
            timings.append((config, b_numbers))
            line = (
                f"{config.name:<22}{config.rows:>6}{config.max_steps:>6} | "
                f"{b_numbers['seconds']:>9.2f}{b_numbers['cpu_seconds']:>8.2f}{b_rate:>10.0f}"
                f"{b_numbers['peak_mib']:>10.0f}"
                f"{b_numbers['peak_mib'] - b_numbers['baseline_mib']:>7.0f} | "
            )
            if config.per_run_rows:
                p_numbers, p_arrays = launch(config, "per_run", Path(folder))
                p_rate = p_numbers["run_steps"] / p_numbers["seconds"]
                diff = compare(b_arrays, p_arrays)
                line += (
                    f"{config.per_run_rows:>12}{p_numbers['seconds']:>8.2f}"
                    f"{p_numbers['cpu_seconds']:>8.2f}{p_rate:>8.0f}"
                    f"{p_numbers['peak_mib']:>10.0f}"
                    f"{p_numbers['peak_mib'] - p_numbers['baseline_mib']:>6.0f} | "
                    f"{b_rate / p_rate:>7.1f}x{cpu_speed_up(b_numbers, p_numbers):>6.1f}x | "
                    f"{diff['fim_rel']:>8.1e}{diff['oniv_rel']:>10.1e}"
                    f"{diff['same_steps']:>7.0%}"
                )
                if config.network == "422tf" and config.n_models == 1:
                    parts, _ = launch(config, "components", Path(folder))
                    one_model = (config, b_numbers, p_numbers, parts)
                if config.network == "422tf":
                    dense.append((config, *launch(config, "dense", Path(folder)), p_numbers))
                    dense[-1] += (compare(dense[-1][2], p_arrays),)
            else:
                line += f"{'(batched only)':>52} | {'':>15} |"
            print(line, flush=True)
    print(
        "\nrs/s = run-steps (gradient evaluations the runs needed) per second; speed-up = "
        "batched rs/s / per-run rs/s (= the wall-time ratio where per-run rows = rows), CPU: "
        "the same from CPU seconds (user + system, all threads; wall waits for the CPU on a "
        "loaded machine);\n"
        "FIM / ONIV diff = largest |batched - per-run| / largest |batched| over the per-run "
        "rows; steps= = runs with the same number of steps."
    )
    if dense:
        print(
            "\nThe same 422tf cases by the NumPy engine (deepresolve.method.dense_fim: the Dense "
            "layers' forward and gradient written out, no TensorFlow), a fresh process each"
        )
        print(
            f"{'case':<22}{'s':>8}{'CPU s':>8}{'rs/s':>10} | {'x per-run':>9}{'CPU':>8} | "
            f"{'FIM diff':>8}{'ONIV diff':>10}{'steps=':>7}"
        )
        for config, numbers, _, per_run, diff in dense:
            rate = numbers["run_steps"] / numbers["seconds"]
            per_run_rate = per_run["run_steps"] / per_run["seconds"]
            print(
                f"{config.name:<22}{numbers['seconds']:>8.3f}{numbers['cpu_seconds']:>8.3f}"
                f"{rate:>10.0f} | {rate / per_run_rate:>8.1f}x"
                f"{cpu_speed_up(numbers, per_run):>7.1f}x | {diff['fim_rel']:>8.1e}"
                f"{diff['oniv_rel']:>10.1e}{diff['same_steps']:>7.0%}"
            )
        print(
            "x per-run = NumPy engine rs/s / per-run port rs/s (CPU: from CPU seconds); the "
            "diffs as above, NumPy engine against the per-run port."
        )
    if one_model:
        print_components(*one_model)
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
