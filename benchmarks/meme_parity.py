"""Parity check: MEME Suite tomtom vs. the memelite engine on Table 1's (filter, known motif) pairs.

For every published model of a Table 1 motif collection, its filters (``filters_to_pwms`` of the
first layer) against its known JASPAR motif(s), at the settings of ``config/table1.yaml``
(complete scores, ``-dist ed``, ``-min-overlap 1``, ``-motif-pseudo 0.1``, both strands), the
way the workflow feeds each engine: the memelite engine gets the arrays
(:func:`deepresolve.analyses.tf_models.known_motif_hits`), MEME's tomtom gets the files of
:func:`deepresolve.motifs.pwm.write_meme` (rules ``table1_batch`` and ``known_motif_files``) and
runs with :func:`deepresolve.motifs.tomtom.tomtom_command`. Prints how many pairs agree within 1e-5
in log10 p, the largest gap, the share of equal offsets, the calls that change at p < 0.5 and
p < 0.05, and every pair above 1e-5.

Two switches bring back how the engines were fed before the fix, one cause each:
``--six-decimals`` writes the MEME files with 6 decimals (``%.6f``), ``--divide-rows`` makes
the memelite engine divide every row by its sum (MEME leaves a row within 1e-5 of 1 as
written). Needs a MEME tomtom >= 5 (``--tomtom``, default the one on PATH; e.g. the path that
``scripts/build_tomtom.sh`` prints), the published models and the collection of a Table 1 run.

    .venv/bin/python benchmarks/meme_parity.py [--six-decimals] [--divide-rows] [--out pairs.tsv]

Measured on all 422 models (6,752 pairs, 2026-11-30, MEME 5.5.8 of scripts/build_tomtom.sh):
both switches (the former feeding) 6,732 within 1e-5, the largest gap 1.6e-3;
``--six-decimals`` alone 6,739 (1.6e-3); ``--divide-rows`` alone 6,739 (9.8e-4); neither (the
workflow now) 6,752, the largest gap 2.0e-6 (tomtom prints p with 6 significant digits). No
call changes in any case. A run took 2 min 16 s wall at load 2-4 on 2 shared cores.
"""

import argparse
import subprocess
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

import deepresolve.motifs.tomtom as tomtom
from deepresolve.analyses.tf_models import (
    filter_names,
    known_motif_hits,
    load_published_models,
    read_motif_collection,
)
from deepresolve.models.keras1 import ARCHITECTURE_FILE, WEIGHTS_FILE
from deepresolve.models.weights import conv_kernel
from deepresolve.motifs.pwm import filters_to_pwms, write_meme

ROOT = Path(__file__).resolve().parents[1]


def six_decimals(path: Path) -> None:
    """Rewrite the numbers of a MEME file's matrices and background with ``%.6f``."""
    lines = path.read_text().split("\n")
    for i, line in enumerate(lines):
        fields = line.split()
        if len(fields) == 4 and all(field[0].isdigit() for field in fields):
            lines[i] = " ".join(f"{float(field):.6f}" for field in fields)
        elif len(fields) == 8 and fields[::2] == list("ACGT"):
            pairs = zip(fields[::2], fields[1::2], strict=True)
            lines[i] = " ".join(f"{base} {float(freq):.6f}" for base, freq in pairs)
    path.write_text("\n".join(lines))


def divide_every_row(pwm: np.ndarray) -> np.ndarray:
    pwm = np.asarray(pwm, dtype=float)
    return pwm / pwm.sum(axis=1, keepdims=True)


def experiment_pairs(experiment, pwms, motifs, folder, executable, six) -> pd.DataFrame:
    known = motifs.known(experiment)
    query, target = folder / "filters.meme", folder / "known.meme"
    write_meme(query, pwms, filter_names(len(pwms)))
    write_meme(target, list(known.values()), list(known), nsites=[motifs.nsites[i] for i in known])
    if six:
        six_decimals(query)
        six_decimals(target)
    argv = tomtom.tomtom_command(query, target, executable=executable)
    table = folder / "tomtom.tsv"
    with open(table, "w") as handle:
        subprocess.run(argv, stdout=handle, check=True)
    meme = tomtom.read_meme_tomtom_tsv(table)
    ours = known_motif_hits(pwms, experiment, motifs)
    pairs = meme.merge(ours, on=["query", "target"], suffixes=("_meme", "_memelite"))
    if not len(pairs) == len(meme) == len(ours):
        raise RuntimeError(f"{experiment}: MEME and memelite tables list different pairs")
    return pairs.assign(experiment=experiment)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--models-dir", type=Path, default=ROOT.parent / "shared/data/published-422tf-models"
    )
    parser.add_argument("--motifs", type=Path, default=ROOT / "results/table1/known_motifs.json")
    parser.add_argument("--tomtom", default="tomtom", help="the MEME tomtom binary")
    parser.add_argument("--n-models", type=int, default=None, help="the first N models only")
    parser.add_argument("--six-decimals", action="store_true", help="MEME files with %%.6f")
    parser.add_argument("--divide-rows", action="store_true", help="memelite divides every row")
    parser.add_argument("--out", type=Path, help="write every pair to this TSV")
    args = parser.parse_args()
    print(f"tomtom {tomtom.tomtom_version(args.tomtom)}")
    if args.divide_rows:
        tomtom.meme_normalise = divide_every_row  # the memelite engine's former row handling
    motifs = read_motif_collection(args.motifs)
    experiments = list(motifs.experiments)[: args.n_models]
    sources = {
        e: (args.models_dir / e / ARCHITECTURE_FILE, args.models_dir / e / WEIGHTS_FILE)
        for e in experiments
    }
    models, _ = load_published_models(sources, exclude_failures=False)
    parts = []
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="tomtom was given", category=UserWarning)
        for experiment, model in models.items():
            pwms = filters_to_pwms(conv_kernel(model))
            parts.append(
                experiment_pairs(
                    experiment, pwms, motifs, Path(tmp), args.tomtom, args.six_decimals
                )
            )
    pairs = pd.concat(parts, ignore_index=True)
    gap = np.abs(np.log10(pairs["p_meme"]) - np.log10(pairs["p_memelite"]))
    pairs["gap"] = gap
    calls = {
        t: int(((pairs["p_meme"] < t) != (pairs["p_memelite"] < t)).sum()) for t in (0.5, 0.05)
    }
    print(
        f"{len(models)} models, {len(pairs):,} pairs: {int((gap <= 1e-5).sum()):,} within 1e-5 "
        f"in log10 p, largest gap {gap.max():.2g}; same offset "
        f"{(pairs['offset_meme'] == pairs['offset_memelite']).mean():.4f}; calls changed at "
        f"p < 0.5: {calls[0.5]}, at p < 0.05: {calls[0.05]}"
    )
    above = pairs[gap > 1e-5][["experiment", "query", "target", "p_meme", "p_memelite", "gap"]]
    if len(above):
        print(above.to_string(index=False))
    if args.out:
        pairs.to_csv(args.out, sep="\t", index=False)


if __name__ == "__main__":
    main()
