"""The paper's numbers that the code compares against (deepresolve.analyses.table1.PAPER_TABLE1,
deepresolve.datasets.synthetic.PAPER_TEST_AUC) are the numbers of the paper's text
(../shared/paper/deepresolve-paper.txt), read from it here rather than typed twice."""

import re
from pathlib import Path

import pytest

from deepresolve.analyses.table1 import PAPER_N_EXPERIMENTS, PAPER_TABLE1, THRESHOLDS, TOP_K
from deepresolve.datasets.synthetic import PAPER_TEST_AUC

# Table 1's row labels -> our method names
TABLE1_ROWS = {
    "DR (OURS)": "DeepResolve",
    "GRAD-CAM": "Grad-CAM",
    "GRAD*INPUT": "gradient x input",
    "EDM": "enhanced DeepMotif",
}


@pytest.fixture
def paper(shared_data) -> str:
    return (Path(shared_data).parent / "paper" / "deepresolve-paper.txt").read_text()


@pytest.mark.shared_data("../paper")
def test_table1_counts_are_the_papers(paper):
    header = re.search(r"P-VALUE\tTOP 1\t\tTOP 3\t\tTOP 5\t?\n\t0\.5\t0\.05\t0\.5\t0\.05\t", paper)
    assert header, "Table 1's header (top 1/3/5 at p 0.5, 0.05) not found in the paper"
    cells = [(k, t) for k in TOP_K for t in THRESHOLDS]  # the header's column order
    assert cells == [(1, 0.5), (1, 0.05), (3, 0.5), (3, 0.05), (5, 0.5), (5, 0.05)]
    table = {}
    for label, method in TABLE1_ROWS.items():
        row = re.search(rf"^{re.escape(label)}((?:\t\d+){{6}})\s*$", paper, re.M)
        assert row, f"Table 1 row {label} not found"
        table[method] = dict(zip(cells, map(int, row.group(1).split()), strict=True))
    assert table == PAPER_TABLE1
    caption = re.search(r"Table 1\..*\(out of (\d+) experiments\)", paper)
    assert caption and int(caption.group(1)) == PAPER_N_EXPERIMENTS


@pytest.mark.shared_data("../paper")
def test_synthetic_test_aucs_are_the_papers(paper):
    """The four test-AUC sentences, in the order of the datasets I to IV."""
    sentence = r"(?:test AUC|AUC on the held-out[^.]*?)\s+(?:is|was)\s+([\d., ]+)"
    sentences = re.findall(sentence, paper)
    aucs = [[float(v) for v in re.findall(r"0\.\d+", sentence)] for sentence in sentences]
    assert aucs == [PAPER_TEST_AUC[dataset] for dataset in ("I", "II", "III", "IV")]
