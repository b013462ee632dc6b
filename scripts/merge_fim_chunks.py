"""Snakemake script of rule `fim_merge`: the chunks' FIMs in one file, in class order."""

from deepresolve.analyses.multiclass import merge_fim_chunk_files
from deepresolve.core.files import made_by
from deepresolve.core.logs import setup_logging

setup_logging(snakemake.log[0])
with made_by("fim_chunk"):
    merge_fim_chunk_files(
        list(snakemake.input.chunks),
        snakemake.output.fim,
        expected_classes=range(snakemake.params.n_classes),
    )
