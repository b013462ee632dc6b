"""Snakemake script of rule `claims_summary`: every dataset's claim in one table."""

import json

import pandas as pd

from deepresolve.logs import setup_logging

setup_logging(snakemake.log[0])
rows = []
for path in snakemake.input:
    with open(path) as handle:
        result = json.load(handle)
    numbers = {k: v for k, v in result.items() if k not in {"dataset", "claim", "passed"}}
    rows.append(
        {
            "dataset": result["dataset"],
            "claim": result["claim"],
            "passed": result["passed"],
            "details": json.dumps(numbers, sort_keys=True),
        }
    )
pd.DataFrame(rows).to_csv(snakemake.output[0], sep="\t", index=False)
