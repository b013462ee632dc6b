"""Snakemake script of rule `record_analysis`: one analysis's headline tables of a finished run,
each with its provenance header (deepresolve.reports.record)."""

from pathlib import Path

from deepresolve.core.logs import setup_logging
from deepresolve.reports.record import (
    ANALYSES,
    benchmark_files,
    provenance,
    run_timing,
    write_record,
)

setup_logging(snakemake.log[0])
analysis = snakemake.wildcards.analysis
build, benchmark_folders = ANALYSES[analysis]
table1 = Path(snakemake.params.table1_folder)
tables = build(Path("results"), table1)
benchmarks = Path("benchmarks/results")
header = provenance(
    snakemake.params.config_files,
    run_timing(benchmark_files(benchmarks, benchmark_folders, str(table1.relative_to("results")))),
    config_overrides=snakemake.params.overrides,
)
folder = Path(snakemake.output[0])
folder.mkdir(parents=True, exist_ok=True)
for name, table in tables.items():
    write_record(folder / f"{name}.tsv", table, header)
