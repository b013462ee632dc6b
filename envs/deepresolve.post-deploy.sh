#!/usr/bin/env bash
# Snakemake runs this once in the new conda environment after creating it (--sdm conda):
# compile memelite's TOMTOM kernels (numba) into the environment now, so that no job has to.
set -euo pipefail
python -m deepresolve.motifs.numba_cache
