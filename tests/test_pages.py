"""Pages rendered from the results of record: the checkout's pages match docs/results/, and a
hand edit inside a block is caught."""

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from deepresolve.reports.pages import BLOCKS, Records, duration, render_page, stale_pages
from deepresolve.reports.record import write_record

ROOT = Path(__file__).resolve().parents[1]


def test_every_page_matches_its_record():
    """The committed pages are what scripts/render_pages.py makes from docs/results/."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts/render_pages.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_block_of_the_pages_is_known_and_names_a_record_that_can_be_made():
    """Each block's function exists, and each record it reads is in docs/results/ or has a
    known command (which its "not in the record yet" line then shows); every kept record
    carries a commit."""
    from deepresolve.reports.pages import BLOCK, RECORD_COMMANDS, pages

    folder = ROOT / "docs/results"
    for page in pages(ROOT):
        for match in BLOCK.finditer(page.read_text()):
            assert match["name"] in BLOCKS, (page, match["name"])
            args = match["args"].split()
            # run_time's second argument is an analysis of its record, benchmark_output's a file
            one = match["name"] in ("run_time", "benchmark_output")
            for record in args[:1] if one else args:
                assert (folder / record).is_dir() or record in RECORD_COMMANDS, (page, record)
    for table in folder.rglob("*.tsv"):
        assert table.read_text().startswith("# commit: "), table


def test_a_hand_edit_or_a_new_record_makes_a_block_stale(tmp_path):
    header = {"commit": "0123456789abcdef", "machine": "test machine", "date": "2026-01-01"}
    header |= {"run_jobs": "3", "run_wall_s": "754", "run_cpu_s": "900", "run_peak_rss_mb": "2050"}
    header["load_at_record"] = "0.10 0.20 0.30"
    rows = pd.DataFrame({"dataset": ["I"], "n_passed": [0]})
    write_record(tmp_path / "docs/results/r/synthetic/claims.tsv", rows, header)
    page = tmp_path / "README.md"
    page.write_text("Intro 1.\n<!-- record: run_time r synthetic -->\nold\n<!-- end record -->\n")
    (tmp_path / "docs").mkdir(exist_ok=True)
    (tmp_path / "config").mkdir()
    (tmp_path / "config/README.md").write_text("no blocks\n")
    records = Records(tmp_path / "docs/results")
    assert stale_pages(tmp_path, records) == {page: ["run_time"]}
    rendered = render_page(page.read_text(), records)
    assert rendered.startswith("Intro 1.\n<!-- record: run_time r synthetic -->\n3 jobs: ")
    assert "12 min 34 s from the first job's start" in rendered and "2.05 GB" in rendered
    page.write_text(rendered)
    assert stale_pages(tmp_path, records) == {}
    page.write_text(rendered.replace("12 min 34 s", "12 min 14 s"))  # a hand edit
    assert stale_pages(tmp_path, records) == {page: ["run_time"]}
    page.write_text(rendered)
    header["run_wall_s"] = "800"  # a new record
    write_record(tmp_path / "docs/results/r/synthetic/claims.tsv", rows, header)
    assert stale_pages(tmp_path, Records(tmp_path / "docs/results")) == {page: ["run_time"]}


def test_a_missing_record_renders_the_command_that_makes_it(tmp_path):
    text = "<!-- record: table1_rows table1 -->\n<!-- end record -->"
    rendered = render_page(text, Records(tmp_path))
    assert "Not in the record yet" in rendered
    assert "snakemake numbers --cores 2 --configfile config/table1.yaml" in rendered


def test_benchmark_output_block_shows_the_kept_output_or_the_command_that_makes_it(tmp_path):
    text = "<!-- record: benchmark_output benchmarks fim_batching -->\n<!-- end record -->"
    missing = render_page(text, Records(tmp_path))
    assert "python benchmarks/fim_batching.py --out docs/results/benchmarks/fim_batching.txt" in (
        missing
    )
    kept = tmp_path / "benchmarks/fim_batching.txt"
    kept.parent.mkdir()
    kept.write_text("# fim_batching.py --out F; commit abc1234; load 1.00\nspeed-up  4.2 x\n")
    rendered = render_page(text, Records(tmp_path))
    assert "`fim_batching.py --out F; commit abc1234; load 1.00`" in rendered
    assert "```text\nspeed-up  4.2 x\n```" in rendered


def test_unknown_block_is_an_error(tmp_path):
    with pytest.raises(KeyError, match="unknown record block 'no_such_block'"):
        render_page("<!-- record: no_such_block x -->\n<!-- end record -->", Records(tmp_path))


@pytest.mark.parametrize(
    ("seconds", "text"), [(42.1, "42 s"), (754, "12 min 34 s"), (4000, "1 h 6 min")]
)
def test_duration(seconds, text):
    assert duration(seconds) == text


def test_render_pages_script_rewrites_only_blocks(tmp_path):
    """The script run on a copy of the checkout's pages with one block emptied restores it."""
    for name in ["README.md", "docs", "config/README.md"]:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name)
        else:
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, tmp_path / name)
    readme = (tmp_path / "README.md").read_text()
    start = readme.find("<!-- record: ")
    if start < 0:
        pytest.skip("README.md has no record block")
    body_start = readme.index("\n", start) + 1
    body_end = readme.index("<!-- end record -->", body_start)
    (tmp_path / "README.md").write_text(readme[:body_start] + readme[body_end:])
    script = ROOT / "scripts/render_pages.py"
    done = subprocess.run(
        [sys.executable, str(script), "--root", str(tmp_path), "--check"], capture_output=True
    )
    assert done.returncode == 1
    done = subprocess.run([sys.executable, str(script), "--root", str(tmp_path)])
    assert done.returncode == 0
    assert (tmp_path / "README.md").read_text() == readme


def test_sequence_experiments_block_shows_each_experiment_and_method(tmp_path):
    """One row per experiment with sequences: source, positives used of the pool, the model's AUC
    and each method's top-1 p (``-`` where a method has none)."""
    header = {"commit": "0123456789abcdef", "machine": "test machine", "date": "2026-01-01"}
    table = pd.DataFrame(
        {
            "experiment": ["ExpA", "ExpB"],
            "source": ["zeng", "deepbind"],
            "sequences": ["test", "MYC_H1"],
            "positive_pool": ["test", "AC"],
            "n_positives_available": [9000, 4051],
            "n_positives_used": [5000, 4051],
            "auc": [0.98765, 0.61],
            "auc_bound": [1000, 500],
            "auc_unbound": [1000, 500],
            "seed": [2018, 2018],
            "top1_known_p DeepResolve": [1.234e-7, 0.2],
            "top1_known_p Grad-CAM": [3.0e-5, float("nan")],
        }
    )
    write_record(
        tmp_path / "t1/table1_methods/sequence_experiments.tsv", table, header | {"x": "1"}
    )
    text = BLOCKS["sequence_experiments"](Records(tmp_path), "t1")
    lines = text.splitlines()
    assert lines[0].split(" | ")[-2:] == ["top-1 p, DeepResolve", "top-1 p, Grad-CAM |"]
    assert lines[2] == (
        "| ExpA | zeng test | 5000 of 9000 (test) | 0.988 (1000 bound, 1000 unbound) "
        "| 1.2e-07 | 3e-05 |"
    )
    assert lines[3] == (
        "| ExpB | deepbind MYC_H1 | 4051 of 4051 (AC) | 0.610 (500 bound, 500 unbound) | 0.2 | - |"
    )
    assert "record `docs/results/t1/table1_methods/`" in lines[-1]


def test_authors_oniv_and_lambda_curve_blocks_print_counts_as_integers(tmp_path):
    """A record row mixing int and float columns comes back as floats (pandas); the blocks must
    still print counts as ``405 of 422``, not ``405.0 of 422.0``, and a small lambda as 0.01."""
    header = {"commit": "0123456789abcdef", "machine": "test machine", "date": "2026-01-01"}
    agreement = pd.DataFrame(
        [
            {
                "n_models": 422,
                "median_pearson": 0.99951,
                "median_spearman": 0.9941,
                "same_top1": 405,
                "mean_top5_overlap": 4.812,
            }
        ]
    )
    write_record(tmp_path / "t1/table1_authors_oniv/authors_oniv.tsv", agreement, header)
    text = BLOCKS["authors_oniv"](Records(tmp_path), "t1")
    assert text.startswith("Over all 422 models, our ONIVs against the authors' released ones: ")
    assert "median Pearson r 0.9995, median Spearman r 0.9941" in text
    assert "the same top-1 filter in 405 of 422, and on average 4.81 of the top 5" in text
    curve = {"l2": [0.01, 3.0], "learning_rate": [0.1, 0.01], "n_experiments": [422, 422]}
    curve |= {"median_steps": [9940.0, 114.0], "median_pearson": [0.7961, 0.99951]}
    curve |= {"same_top1": [158, 405], "mean_top5_overlap": [3.1, 4.81]}
    for k, low, high in ((1, 306, 405), (3, 397, 416), (5, 410, 420)):
        curve |= {f"top{k}_p<0.5": [low + 30, high + 8], f"top{k}_p<0.05": [low, high]}
        curve |= {f"top{k}_strict": [low - 200, high - 230]}
    write_record(tmp_path / "t1/table1_lambda_curve/lambda_curve.tsv", pd.DataFrame(curve), header)
    lines = BLOCKS["lambda_curve"](Records(tmp_path), "t1").splitlines()
    assert lines[2] == (
        "| 0.01 | 0.1 | 9940 | 0.7961 | 158 | 336 / 306 | 427 / 397 | 440 / 410 | 106 / 197 / 210 |"
    )
    assert lines[3].startswith("| 3 | 0.01 | 114 | 0.9995 | 405 | 413 / 405 |")


def test_multitask_detail_renders_each_seed_and_output(tmp_path):
    """The per-seed check table and the per-output AUCs, from a tiny multitask record."""
    header = {"commit": "0123456789abcdef", "machine": "test machine", "date": "2026-01-01"}
    claims = pd.DataFrame(
        {
            "replicate": [1, 2],
            "method": ["non-negative ONIV", "non-negative ONIV"],
            "p_value": [0.00701, 0.0612],
            "passed": [True, False],
            "designated_mean": [0.861, 0.9],
            "unrelated_mean": [0.414, 0.5],
            "designated_ranks": ["Dnd41|CTCF|Broad ~ K562|CTCF|Broad: 8", "x ~ y: 2"],
        }
    )
    auc = pd.DataFrame(
        {
            "experiment": ["CTCF_Dnd41"],
            "class_name": ["Dnd41|CTCF|Broad"],
            "1": [0.9612],
            "2": [0.5],
        }
    )
    folder = tmp_path / "m/multitask"
    write_record(folder / "claims.tsv", claims, header)
    write_record(folder / "auc.tsv", auc, header)
    text = BLOCKS["multitask_detail"](Records(tmp_path), "m")
    lines = text.splitlines()
    assert lines[2] == (
        "| 1 | non-negative ONIV | 0.0070 | yes | 0.86 / 0.41 | "
        "Dnd41\\|CTCF\\|Broad ~ K562\\|CTCF\\|Broad: 8 |"
    )
    assert lines[3].startswith("| 2 | non-negative ONIV | 0.0612 | no | 0.90 / 0.50 |")
    assert "| output | test AUC, seed 1 / 2 |" in lines
    assert "| CTCF_Dnd41 | 0.961 / 0.500 |" in lines
    assert lines[-1].startswith("<sub>record `docs/results/m/multitask/`; commit 0123456789")
    rendered = render_page(
        "<!-- record: multitask_detail nothing -->\n<!-- end record -->", Records(tmp_path)
    )
    assert "Not in the record yet: `docs/results/nothing/`" in rendered


def test_knob_table_and_protocol_rows_blocks(tmp_path):
    """The knob table (one row per matching choice and ranking) and README's protocol rows
    with the count of collapsed DM.py ascents, from a tiny table1_protocol record."""
    header = {"commit": "0123456789abcdef", "machine": "test machine", "date": "2026-01-01"}
    cells = {
        f"top{k}_p<{t:g}": [k * 10 + (t == 0.5), k * 10] for k in (1, 3, 5) for t in (0.5, 0.05)
    }
    matching = pd.DataFrame(
        {
            "choice": ["ours", "jaspar2016"],
            "settings": ["JASPAR2026, ...", "JASPAR2016, ..."],
            "release": ["JASPAR2026", "JASPAR2016"],
            "tfs_covered": [422, 397],
            "ranking": ["ours", "authors' ONIV"],
            "n_experiments": [422, 397],
            **cells,
            "distance_to_paper": [123.0, 45.0],
        }
    )
    protocol = pd.DataFrame(
        {
            "method": ["DeepResolve", "DeepResolve"],
            "row": ["paper", "ours (default)"],
            "n_experiments": [422, 422],
            **cells,
        }
    )
    runs = pd.DataFrame(
        [{"n_models": 422, "best_score_at_most_0": 300, "some_run_not_converged": 2}]
    )
    folder = tmp_path / "t1/table1_protocol"
    write_record(folder / "matching.tsv", matching, header)
    write_record(folder / "protocol.tsv", protocol, header)
    write_record(folder / "authors_edm_runs.tsv", runs, header)
    lines = BLOCKS["knob_table"](Records(tmp_path), "t1").splitlines()
    assert lines[3] == (
        "| jaspar2016 | JASPAR2016, ... | 397 | authors' ONIV | 10 / 10 | 30 / 30 | 50 / 50 | 45 |"
    )
    text = BLOCKS["protocol_rows"](Records(tmp_path), "t1")
    assert "| DeepResolve | paper | 422 | 11 / 10 | 31 / 30 | 51 / 50 |" in text
    assert "in 300 of 422 models the best class score of the runs is <= 0" in text
    # the paper's and our rows here differ by 0 or 1: no cell has a gap above 5
    assert "- DeepResolve" not in text
    assert "gradient is exactly 0" not in text  # our eDM's runs do not record it
    protocol.loc[1, "top1_p<0.05"] = 40  # ours 40, the paper 10: a gap of 30
    write_record(folder / "protocol.tsv", protocol, header)
    text = BLOCKS["protocol_rows"](Records(tmp_path), "t1")
    assert (
        "- DeepResolve, top-1 at p < 0.05: ours 40, the paper 10; of the single matching "
        "choices the closest is ours ranked by ours (10)." in text
    )
    # an authors'-protocol row within 5 of the paper closes the gap, one further does not;
    # a method on fewer experiments than the paper's gets one sentence for all its cells
    lambda_row = {**{c: v[1] for c, v in cells.items()}, "top1_p<0.05": 13}
    far_row = {**lambda_row, "top1_p<0.05": 30}
    coverage = {c: 1 for c in cells}
    protocol = pd.concat(
        [
            protocol,
            pd.DataFrame(
                [
                    {"method": "DeepResolve", "n_experiments": 422, **lambda_row,
                     "row": "authors' protocol: lambda 0.6, seed 2019 (closest), our matching"},
                    {"method": "DeepResolve", "n_experiments": 422, **far_row,
                     "row": "authors' protocol: matching authors_ed (MEME, ...), ours ranking"},
                    {"method": "Grad-CAM", "row": "paper", "n_experiments": 422,
                     **{c: v[1] for c, v in cells.items()}},
                    {"method": "Grad-CAM", "row": "ours (default)", "n_experiments": 10,
                     **coverage},
                ]
            ),
        ],
        ignore_index=True,
    )  # fmt: skip
    write_record(folder / "protocol.tsv", protocol, header)
    runs["every_start_zero_gradient"] = 250
    runs["every_start_zero_gradient_and_collapsed"] = 240
    write_record(folder / "authors_edm_runs.tsv", runs, header)
    text = BLOCKS["protocol_rows"](Records(tmp_path), "t1")
    assert "; closed by lambda 0.6, seed 2019, our matching (13);" in text
    assert "matching authors_ed, ours ranking (30)" not in text
    assert (
        "- Grad-CAM: 6 of its 6 cells differ from the paper's by more than 5 because it ran on "
        "10 experiments, not the paper's 422" in text
    )
    assert "- Grad-CAM, top" not in text
    assert "In 250 models the class score's gradient is exactly 0 at every start" in text
    assert "240 of them are among the collapsed" in text
