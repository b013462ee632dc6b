#!/usr/bin/env python
"""Keep a finished run's record as the docs' record, or compare yours with it.

    python scripts/record.py compare synthetic_planted   # yours (results/record/) vs docs/results/
    python scripts/record.py keep synthetic_planted      # maintainers: copy into docs/results/

``compare`` prints, per number, identical / within tolerance / differs, and per verdict
(counts, k of n, pass/fail) whether it matches; it exits 1 when a verdict differs or a table is
missing, 0 otherwise (floats may differ within tolerance: docs/testing.md says why).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from deepresolve.reports.record import REL_TOL, compare_tables, read_record

ROOT = Path(__file__).resolve().parents[1]


def keep(name: str, results: Path, docs: Path) -> int:
    source = results / name
    if not source.is_dir():
        print(f"{source} does not exist: run `snakemake numbers` with that config first")
        return 1
    target = docs / name
    staging = docs / f".{name}.new"
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(source, staging)
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    print(f"{target}: {len(list(target.rglob('*.tsv')))} tables kept")
    return 0


def compare(name: str, results: Path, docs: Path, show: int) -> int:
    record, yours = docs / name, results / name
    if not yours.is_dir():
        print(f"{yours} does not exist: run `snakemake numbers` with the record's config first")
        return 1
    failed = False
    for path in sorted(record.rglob("*.tsv")):
        relative = path.relative_to(record)
        mine_path = yours / relative
        if not mine_path.exists():
            print(f"{relative}: missing from {yours}")
            failed = True
            continue
        theirs, header = read_record(path)
        mine, _ = read_record(mine_path)
        cells = compare_tables(mine, theirs)
        counts = cells.groupby(["kind", "verdict"]).size()
        summary = ", ".join(f"{kind} {verdict}: {n}" for (kind, verdict), n in counts.items())
        verdicts_differ = cells[(cells["kind"] == "verdict") & (cells["verdict"] == "differs")]
        status = "VERDICTS DIFFER" if len(verdicts_differ) else "verdicts match"
        print(f"{relative}: {status} ({summary}); record made at {header.get('commit', '?')[:12]}")
        differing = cells[cells["verdict"] != "identical"]
        for _, cell in differing.head(show).iterrows():
            print(
                f"    row {cell['row']} {cell['column']} [{cell['kind']}]: "
                f"record {cell['record']} yours {cell['yours']} -> {cell['verdict']}"
            )
        if len(differing) > show:
            print(f"    ... {len(differing) - show} more (--show N)")
        failed |= bool(len(verdicts_differ))
    print(
        f"numbers: floats within {REL_TOL:.0%} relative count as within tolerance; "
        "verdicts (counts, k of n, pass/fail, names) must be identical"
    )
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["compare", "keep"])
    parser.add_argument("record", help="record name (config record.name), e.g. synthetic_planted")
    parser.add_argument("--results", type=Path, default=Path("results/record"))
    parser.add_argument("--docs", type=Path, default=ROOT / "docs/results")
    parser.add_argument("--show", type=int, default=20, help="differing cells to print per table")
    args = parser.parse_args(argv)
    if args.action == "keep":
        return keep(args.record, args.results, args.docs)
    return compare(args.record, args.results, args.docs, args.show)


if __name__ == "__main__":
    sys.exit(main())
