"""Snakemake script of rules `download_published_model` (one of the authors' 422 models) and
`published_models_batch_<b>` (the models of Table 1 batch b in one job), every file verified."""

import logging
import time
from pathlib import Path

from deepresolve.core.logs import setup_logging
from deepresolve.datasets.download import (
    fetch_published_model,
    fetch_published_models,
    read_checksums,
)

setup_logging(snakemake.log[0])
log = logging.getLogger("download")
checksums = read_checksums(snakemake.input.checksums)
mirror, url = snakemake.params.mirror, snakemake.params.url
out_dir = Path(snakemake.output[0]).parent.parent
if "experiment" not in snakemake.wildcards.keys():
    # a batch: its experiments are the folders of its outputs (not a param, so that the rules
    # of two sets of experiments that both bring a model record the same params for its files)
    experiments = list(dict.fromkeys(Path(path).parent.name for path in snakemake.output))
    start = time.perf_counter()
    counts = fetch_published_models(experiments, out_dir, checksums, mirror=mirror, base_url=url)
    log.info(
        "%s: %d models, %d files verified against %s in %.1f s: %d from the mirror %s, "
        "%d downloaded from %s, %d already present",
        snakemake.rule,
        len(experiments),
        sum(counts.values()),
        snakemake.input.checksums,
        time.perf_counter() - start,
        counts["mirror"],
        mirror,
        counts["downloaded"],
        url,
        counts["present"],
    )
else:
    experiment = snakemake.wildcards.experiment
    paths = fetch_published_model(experiment, out_dir, checksums, mirror=mirror, base_url=url)
    log.info("%s: %s", experiment, ", ".join(str(p) for p in paths))
