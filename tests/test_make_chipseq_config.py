"""scripts/make_chipseq_config.py: each form writes its own default file."""

import importlib.util
import shutil

import yaml

from .workflow_helpers import ROOT


def _script():
    spec = importlib.util.spec_from_file_location(
        "make_chipseq_config", ROOT / "scripts/make_chipseq_config.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_each_form_has_its_own_default_output(tmp_path):
    """Without --out, the table1_methods form no longer overwrites the chipseq form's file
    (config/chipseq_all.yaml, the file docs/chipseq.md makes)."""
    (tmp_path / "config").mkdir()
    shutil.copy(ROOT / "config/tf_motifs.tsv", tmp_path / "config/tf_motifs.tsv")
    script = _script()
    chipseq = script.main([], root=tmp_path)
    methods = script.main(["--form", "table1_methods"], root=tmp_path)
    assert chipseq == tmp_path / "config/chipseq_all.yaml"
    assert methods == tmp_path / "config/table1_methods_all.yaml"
    experiments = yaml.safe_load(chipseq.read_text())["chipseq"]["experiments"]
    sequences = yaml.safe_load(methods.read_text())["table1_methods"]["sequences"]
    assert len(experiments) == len(sequences) == 422
    assert set(experiments) == set(sequences)
    assert "table1_methods" not in yaml.safe_load(chipseq.read_text())
    out = tmp_path / "elsewhere.yaml"
    assert script.main(["--form", "table1_methods", "--out", str(out)], root=tmp_path) == out
