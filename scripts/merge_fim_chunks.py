"""Snakemake script of rule `fim_merge`: the chunks' FIMs in one file, in class order."""

from deepresolve.files import made_by
from deepresolve.logs import setup_logging
from deepresolve.multiclass import merge_fim_chunk_files

setup_logging(snakemake.log[0])
with made_by("fim_chunk"):
    merge_fim_chunk_files(
        list(snakemake.input.chunks),
        snakemake.output.fim,
        expected_classes=range(snakemake.params.n_classes),
    )
