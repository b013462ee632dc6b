"""Results of record: provenance, the run's timing from benchmark files, and the comparison of a
user's record with the docs' record."""

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from deepresolve.reports.record import (
    ANALYSES,
    VECTOR_ISAS,
    compare_tables,
    provenance,
    read_record,
    run_timing,
    sha256_of,
    write_record,
)

ROOT = Path(__file__).resolve().parents[1]


def benchmark(path: Path, seconds: float, cpu: float, rss: float, end: float) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "s\th:m:s\tmax_rss\tmax_vms\tmax_uss\tmax_pss\tio_in\tio_out\tmean_load\tcpu_time\n"
        f"{seconds}\t0:00:00\t{rss}\t0\t0\t0\t0\t0\t0\t{cpu}\n"
    )
    os.utime(path, (end, end))
    return path


def test_run_timing_spans_first_start_to_last_end(tmp_path):
    files = [
        benchmark(tmp_path / "a.tsv", seconds=10, cpu=8, rss=500, end=1000),
        benchmark(tmp_path / "b/c.tsv", seconds=30, cpu=50, rss=1500, end=1100),
    ]
    timing = run_timing(files)
    # first start 1000 - 10 = 990, last end 1100
    assert timing == {
        "jobs": 2,
        "wall_s": 110.0,
        "cpu_s": 58.0,
        "job_s": 40.0,
        "peak_rss_mb": 1500.0,
    }
    assert run_timing([])["jobs"] == 0


def test_record_round_trip_with_provenance(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text("seed: 1\n")
    header = provenance([config], run_timing([]), config_overrides={"seed": 2}, checkout=ROOT)
    for key in ["commit", "config_files", "packages", "machine", "date", "run_wall_s"]:
        assert header[key], key
    assert sha256_of(config)[:16] in header["config_files"]
    assert "tensorflow" in header["packages"] and "memelite" in header["packages"]
    assert header["config_overrides"] == "{'seed': 2}"
    # the instruction sets that choose TensorFlow's CPU kernels, most capable first
    isas = header["cpu_vector_isas"].split()
    assert isas and set(isas) <= {*VECTOR_ISAS, "unknown", "none"}
    assert isas == sorted(isas, key=lambda isa: (VECTOR_ISAS + ("unknown", "none")).index(isa))
    table = pd.DataFrame({"dataset": ["I", "II"], "n_passed": [0, 3], "auc": [0.8331, 0.9]})
    write_record(tmp_path / "t.tsv", table, header)
    back, meta = read_record(tmp_path / "t.tsv")
    assert meta == header
    pd.testing.assert_frame_equal(back, table)


def test_compare_tells_numbers_from_verdicts():
    record = pd.DataFrame({"n_passed": [0, 3], "auc": [0.8331, 0.9], "verdict": ["0 of 5", "x"]})
    same = compare_tables(record, record)
    assert set(same["verdict"]) == {"identical"}
    assert dict(zip(same["column"], same["kind"], strict=False)) == {
        "n_passed": "verdict",
        "auc": "number",
        "verdict": "verdict",
    }
    close = record.assign(auc=[0.84, 0.9])  # 0.8% off: within the 2% tolerance
    cells = compare_tables(close, record).set_index(["column", "row"])
    assert cells.loc[("auc", 0), "verdict"] == "within tolerance"
    far = record.assign(auc=[0.7, 0.9], n_passed=[1, 3])
    cells = compare_tables(far, record).set_index(["column", "row"])
    assert cells.loc[("auc", 0), "verdict"] == "differs"
    assert cells.loc[("n_passed", 0), "verdict"] == "differs"
    assert cells.loc[("n_passed", 1), "verdict"] == "identical"
    short = compare_tables(record.iloc[:1], record).set_index(["column", "row"])
    assert short.loc[("n_passed", 1), "yours"] == "<missing>"


def test_compare_command_exit_status(tmp_path):
    """scripts/record.py compare: 0 when only floats differ within tolerance, 1 when a verdict
    differs, naming the cell."""
    header = {"commit": "abc"}
    table = pd.DataFrame({"n_passed": [0, 3], "auc": [0.8331, 0.9]})
    write_record(tmp_path / "docs/r/synthetic/claims.tsv", table, header)
    write_record(tmp_path / "mine/r/synthetic/claims.tsv", table.assign(auc=[0.835, 0.9]), header)

    def compare():
        return subprocess.run(
            [sys.executable, str(ROOT / "scripts/record.py"), "compare", "r"]
            + ["--results", str(tmp_path / "mine"), "--docs", str(tmp_path / "docs")],
            capture_output=True,
            text=True,
        )

    done = compare()
    assert done.returncode == 0, done.stdout
    assert "verdicts match" in done.stdout and "within tolerance" in done.stdout
    write_record(tmp_path / "mine/r/synthetic/claims.tsv", table.assign(n_passed=[1, 3]), header)
    done = compare()
    assert done.returncode == 1
    assert "VERDICTS DIFFER" in done.stdout and "n_passed" in done.stdout


@pytest.mark.parametrize("action", ["keep", "compare"])
def test_keep_and_compare_need_a_finished_record(tmp_path, action):
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts/record.py"), action, "r"]
        + ["--results", str(tmp_path / "mine"), "--docs", str(tmp_path / "docs")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1 and "run `snakemake numbers`" in done.stdout
    assert not (tmp_path / "docs").exists()


def test_config_schema_allows_exactly_the_record_analyses():
    """record.analyses is checked against the analyses the record can build (a new analysis
    in deepresolve.reports.record.ANALYSES without its schema entry was refused before any job)."""
    import yaml

    schema = yaml.safe_load((ROOT / "workflow/schemas/config.schema.yaml").read_text())
    allowed = schema["properties"]["record"]["properties"]["analyses"]["items"]["enum"]
    assert sorted(allowed) == sorted(ANALYSES)


def test_deepmotif_run_endings_count_collapsed_and_zero_gradient_models(tmp_path):
    """How eDM ascents ended, over batch folders: collapsed (best score <= 0), a run still
    going at max_steps, and (the authors' DM.py only) every start with a zero gradient."""
    from deepresolve.reports.record import deepmotif_run_endings

    columns = ["experiment", "best_score", "converged_runs", "n_runs"]
    batches = {
        "0": [["a", -1.5, 11, 11], ["b", 3.0, 10, 11]],
        "1": [["c", 0.0, 11, 11], ["d", 2.0, 11, 11]],
    }
    zero_starts = {"0": [11, 11], "1": [11, 0]}
    for batch, rows in batches.items():
        (tmp_path / "ours" / batch).mkdir(parents=True)
        pd.DataFrame(rows, columns=columns).to_csv(
            tmp_path / "ours" / batch / "runs.tsv", sep="\t", index=False
        )
        (tmp_path / "authors" / batch).mkdir(parents=True)
        frame = pd.DataFrame(rows, columns=columns).assign(zero_gradient_starts=zero_starts[batch])
        frame.to_csv(tmp_path / "authors" / batch / "runs.tsv", sep="\t", index=False)
    ours = deepmotif_run_endings(tmp_path / "ours").iloc[0].to_dict()
    assert ours == {"n_models": 4, "best_score_at_most_0": 2, "some_run_not_converged": 1}
    theirs = deepmotif_run_endings(tmp_path / "authors").iloc[0].to_dict()
    # a, b, c start with a zero gradient at every start; a and c collapsed, b did not
    assert theirs["every_start_zero_gradient"] == 3
    assert theirs["every_start_zero_gradient_and_collapsed"] == 2
