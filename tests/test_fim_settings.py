"""Each analysis reads its own FIM block; a config file for one never changes another's."""

import copy

import pytest
import yaml
from snakemake.utils import update_config

from deepresolve.config.validate import FIM_BLOCKS, fim_settings

from .conftest import ROOT


def _load(name):
    return yaml.safe_load((ROOT / "config" / name).read_text())


def _sets(document, path):
    for key in path:
        if not isinstance(document, dict) or key not in document:
            return False
        document = document[key]
    return True


def test_each_analysis_has_its_block_and_the_published_models_the_authors_lambda():
    config = _load("config.yaml")
    assert fim_settings(config, "synthetic") == config["deepresolve"]
    table1 = fim_settings(config, "table1")
    assert (table1["l2"], table1["learning_rate"]) == (3.0, 0.01)
    assert fim_settings(config, "chipseq")["l2"] == 3.0
    assert fim_settings(config, "synthetic")["l2"] == 0.01
    table1["l2"] = 99  # a copy: the config is not changed through it
    assert config["table1"]["fim"]["l2"] == 3.0
    with pytest.raises(ValueError, match="analysis"):
        fim_settings(config, "deepsea")


@pytest.mark.parametrize(
    "extra",
    sorted(p.name for p in (ROOT / "config").glob("*.yaml") if p.name != "config.yaml"),
)
def test_a_config_file_changes_only_the_blocks_it_names(extra):
    """Snakemake merges --configfile files key by key onto config/config.yaml."""
    base = _load("config.yaml")
    document = _load(extra) or {}
    merged = copy.deepcopy(base)
    update_config(merged, document)
    for analysis, path in FIM_BLOCKS.items():
        if not _sets(document, path):
            assert fim_settings(merged, analysis) == fim_settings(base, analysis), analysis
