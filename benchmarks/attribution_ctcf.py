"""Benchmark: Table 1's three comparison methods on the published Dnd41 CTCF model.

Runs Grad-CAM and gradient x input (:func:`deepresolve.method.attribution.gradient_filter_scores`,
one backward pass for both) on N sampled positives of the model's Zeng test file, and enhanced
DeepMotif (:func:`deepresolve.method.attribution.enhanced_deepmotif`); prints the wall time of each,
the top filters with their TOMTOM p against JASPAR CTCF (MA0139.2, within all JASPAR CORE
vertebrates), and the enhanced-DeepMotif PWMs' consensus, class score and CTCF p.

Needs ../shared/data (published-422tf-models, zeng-motif-discovery) or --data.

    .venv/bin/python benchmarks/attribution_ctcf.py [--n-sequences 500 5000] [--seeds 0 1 2]
"""

import argparse
import time
from pathlib import Path

import numpy as np

from deepresolve.datasets.zeng import read_zeng
from deepresolve.method.attribution import enhanced_deepmotif, gradient_filter_scores
from deepresolve.models.keras1 import load_keras1_model
from deepresolve.models.weights import conv_kernel
from deepresolve.motifs import jaspar, tomtom
from deepresolve.motifs.pwm import filters_to_pwms

ROOT = Path(__file__).resolve().parents[1]
EXPERIMENT = "wgEncodeAwgTfbsBroadDnd41CtcfUniPk"
CTCF = "MA0139.2"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared/data")
    parser.add_argument("--n-sequences", type=int, nargs="+", default=[500, 5000])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    args = parser.parse_args()

    model = load_keras1_model(args.data / "published-422tf-models" / EXPERIMENT)
    data = read_zeng(args.data / "zeng-motif-discovery" / EXPERIMENT / "test.data")
    motifs = jaspar.fetch_motifs()
    targets, nsites = jaspar.motif_pwms(motifs), jaspar.motif_nsites(motifs)

    def ctcf_p(pwms):
        queries = {f"q{i}": pwm for i, pwm in enumerate(pwms)}
        table = tomtom.run_tomtom(queries, targets, target_nsites=nsites)
        return table[table["target"] == CTCF].set_index("query")["p"].loc[list(queries)].to_numpy()

    filter_p = ctcf_p(filters_to_pwms(conv_kernel(model)))
    print("filters matching CTCF (p < 0.05):", np.flatnonzero(filter_p < 0.05).tolist())
    for n in args.n_sequences:
        for seed in args.seeds:
            start = time.perf_counter()
            result = gradient_filter_scores(model, data.X, data.labels, n_sequences=n, seed=seed)
            elapsed = time.perf_counter() - start
            for method, scores in result.items():
                top = scores.ranking[:3]
                print(
                    f"{method:>16} N={n} seed={seed} ({elapsed:.2f} s, both methods): top 3 "
                    + ", ".join(f"{k} (p={filter_p[k]:.1e})" for k in top)
                )
    for seed in args.seeds:
        start = time.perf_counter()
        result = enhanced_deepmotif(model, seed=seed)
        elapsed = time.perf_counter() - start
        p = ctcf_p(result.pwms)
        escaped = (result.run_scores > 0).mean()
        print(
            f"enhanced DeepMotif seed={seed} ({elapsed:.1f} s, {len(result.run_scores)} runs, "
            f"{escaped:.0%} reach a positive score, steps {result.steps.min()}-"
            f"{result.steps.max()})"
        )
        for consensus, score, p_value in zip(result.consensus, result.scores, p, strict=True):
            print(f"    {consensus}  score {score:6.2f}  CTCF p={p_value:.1e}")


if __name__ == "__main__":
    main()
