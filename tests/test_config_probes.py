"""Bad input is refused before any job (issue 21): dry runs of the real Snakefile, in a copy of
the workflow files, on config/test.yaml plus a small overlay holding the mistake."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.workflow_helpers import copy_workflow, snakemake


@pytest.fixture
def workdir(tmp_path) -> Path:
    return copy_workflow(tmp_path / "repo")


def dry_run(workdir: Path, overlay: dict | str, *targets: str):
    """``snakemake -n`` on config/test.yaml and ``overlay`` (a mapping, or YAML text as is)."""
    text = overlay if isinstance(overlay, str) else yaml.safe_dump(overlay)
    (workdir / "overlay.yaml").write_text(text)
    done = snakemake(
        workdir, *targets, "-n", "--cores", "1", "--configfile", "config/test.yaml", "overlay.yaml"
    )
    return done.returncode, done.stdout + done.stderr


def test_a_name_outside_the_rule_stops_the_dag(workdir):
    code, out = dry_run(
        workdir,
        {
            "multiclass": {
                "models": {
                    "../../../outside_x": {
                        "model": "deepsea_random",
                        "class_names": "tests/data/deepsea_six_classes.names",
                    }
                }
            }
        },
    )
    assert code == 1
    assert "config key 'multiclass.models': the name '../../../outside_x' is not allowed" in out
    assert "MissingInputException" not in out


@pytest.mark.parametrize(
    ("overlay", "message"),
    [
        (
            "seed: 3\nmodel:\n  dropout: 0.1\nseed: 4\n",
            "overlay.yaml, line 4: key 'seed' is given twice (first on line 1)",
        ),
        (
            {"synthetic": {"I": {"pattern_probability": 0}}},
            "synthetic.I.pattern_probability = 0 leaves class 'CGCTTG XOR CAGATG' 0 expected "
            "positive test sequences",
        ),
        (
            {"multiclass": {"models": {"synthetic_IV": {"difference_pairs": [[0, 9]]}}}},
            "multiclass.models.synthetic_IV.difference_pairs: [0, 9]: class index 9 out of range "
            "for 4 classes",
        ),
        (
            {"deepresolve": {"n_runs": 1000000000}},
            "rule fim on dataset I needs about 488,281 MB (deepresolve.n_runs 1000000000 x 1 "
            "classes x 32 feature-map values) but asks for resources.mem_mb 4000",
        ),
        (
            {
                "table1": {
                    "experiments": [
                        "wgEncodeAwgTfbsBroadDnd41CtcfUniPk",
                        "wgEncodeAwgTfbsSydhK562Elk112771IggrabUniPk",
                    ],
                    "models_mirror": None,
                    "fim": {"n_runs": 1000000000},
                }
            },
            "rule table1_batch on the published models needs about 488,281 MB (2 models a job "
            "(table1.batch_size 211) x table1.fim.n_runs 1000000000 x 16 feature-map values) but "
            "asks for resources.mem_mb 6000",
        ),
        (
            {
                "multiclass": {
                    "models": {
                        "ds": {
                            "model": "deepsea_random",
                            "class_names": "config/synthetic_IV.names",
                            "layer": "dropout_2",
                        }
                    },
                    "fim": {"n_runs": 100000},
                }
            },
            "rule fim_chunk on model ds needs about 87,891 MB (2 classes a chunk "
            "(multiclass.chunk_size 2) x multiclass.fim.n_runs 100000 x 60 x 480 feature-map "
            "values) but asks for resources.mem_mb 2000",
        ),
        (
            # a many-class model trained here (config/test.yaml: dataset IV's CNN, rule train)
            {"multiclass": {"fim": {"n_runs": 100000000}}},
            "rule fim_chunk on model synthetic_IV needs about 97,656 MB (2 classes a chunk "
            "(multiclass.chunk_size 2) x multiclass.fim.n_runs 100000000 x 32 feature-map "
            "values) but asks for resources.mem_mb 2000: lower multiclass.chunk_size or "
            "multiclass.fim.n_runs",
        ),
        (
            {
                "chipseq": {
                    "experiments": {
                        "wgEncodeAwgTfbsBroadDnd41CtcfUniPk": {
                            "source": "zeng",
                            "parts": ["test"],
                            "model": "published",
                        }
                    }
                },
                "table1": {"fim": {"n_runs": 1000000000}},
            },
            "rule chipseq_methods on experiment wgEncodeAwgTfbsBroadDnd41CtcfUniPk needs about "
            "244,141 MB (1 class x table1.fim.n_runs 1000000000 x 16 feature-map values (a "
            "published model)) but asks for resources.mem_mb 4000: lower table1.fim.n_runs, or "
            "give more with --set-resources chipseq_methods:mem_mb=",
        ),
        (
            {
                "multitask": {
                    "experiments": {
                        name: {
                            "source": "deepbind",
                            "deepbind_name": f"{name}_GM12878_{tf}_HudsonAlpha",
                            "tf": name,
                            "cell": "GM12878",
                            "lab": "HudsonAlpha",
                        }
                        for name, tf in (("REST", "NRSF"), ("SP1", "SP1"))
                    },
                    "fim": {"n_runs": 100000000},
                }
            },
            "rule fim_chunk on model multitask_seed1 needs about 2,636,719 MB (2 classes a chunk "
            "(multiclass.chunk_size 2) x multitask.fim.n_runs 100000000 x 9 x 96 feature-map "
            "values) but asks for resources.mem_mb 2000: lower multiclass.chunk_size or "
            "multitask.fim.n_runs, or give more with --set-resources fim_chunk:mem_mb=",
        ),
        (
            {"deepresolve": {"layer": "dense_2"}},
            "deepresolve.layer: 'dense_2' is not a layer of dataset IV's CNN below its output; "
            "use one of sequence, conv, pool, dense_1, or null",
        ),
    ],
    ids=[
        "duplicate_key",
        "one_label_class",
        "difference_pair",
        "fim_memory",
        "table1_fim_memory",
        "fim_chunk_memory",
        "trained_model_fim_chunk_memory",
        "chipseq_fim_memory",
        "multitask_fim_memory",
        "layer",
    ],
)
def test_mistakes_known_before_any_job_stop_the_dag(workdir, overlay, message):
    code, out = dry_run(workdir, overlay)
    assert code == 1
    assert message in out


def test_memory_given_with_set_resources_is_what_the_check_uses(workdir):
    """The memory check reads --set-resources (and a profile's set-resources, which Snakemake 9
    hands over as Resource objects): given enough, the same settings plan; given too little,
    the message asks for the amount that fits."""
    overlay = {"deepresolve": {"n_runs": 20000000}}  # rule fim: up to about 39,062 MB
    code, out = dry_run(workdir, overlay)
    assert code == 1 and "--set-resources fim:mem_mb=" in out
    (workdir / "overlay.yaml").write_text(yaml.safe_dump(overlay))
    enough = snakemake(
        workdir,
        "-n",
        "--cores",
        "1",
        "--set-resources",
        "fim:mem_mb=50000",
        "--configfile",
        "config/test.yaml",
        "overlay.yaml",
    )
    assert enough.returncode == 0, enough.stderr[-3000:]
