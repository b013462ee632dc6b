"""Device set-up: on a machine without a visible GPU the job says it runs on the CPU; every
TensorFlow job uses the threads its rule declares (snakemake.threads), not every core."""

import ast
import logging
import subprocess
import sys

import pytest
import tensorflow as tf

from deepresolve.core.device import configure_tensorflow
from tests.conftest import ROOT


def test_configure_tensorflow_reports_device(caplog):
    with caplog.at_level(logging.INFO, logger="deepresolve.core.device"):
        names = configure_tensorflow(1)
    assert names == [g.name for g in tf.config.list_physical_devices("GPU")]
    expected = "running on the CPU" if not names else "memory growth on"
    assert expected in caplog.text


THREADS_PROBE = """
import logging, sys
logging.basicConfig(level=logging.INFO, stream=sys.stdout)
import tensorflow as tf
from deepresolve.core.device import configure_tensorflow
configure_tensorflow(3)
tf.linalg.matmul(tf.ones((64, 64)), tf.ones((64, 64)))
print("POOLS", tf.config.threading.get_intra_op_parallelism_threads(),
      tf.config.threading.get_inter_op_parallelism_threads())
"""


def test_tensorflow_pools_take_the_jobs_threads():
    done = subprocess.run(
        [sys.executable, "-c", THREADS_PROBE], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "POOLS 3 3" in done.stdout
    assert "TensorFlow threads: 3 intra-op, 3 inter-op (the job's threads)" in done.stdout
    with pytest.raises(ValueError, match="threads must be at least 1"):
        configure_tensorflow(0)


def _imports(tree: ast.Module) -> set[str]:
    """Modules imported at the top level of ``tree`` (what loading the file imports)."""
    names = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            if node.module.count(".") == 1 and node.module.startswith("deepresolve."):
                # from deepresolve.<layer> import <module>
                names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def tensorflow_scripts() -> list[str]:
    """Scripts under scripts/ whose loading imports TensorFlow or Keras (directly, or through
    a deepresolve module that imports it at its top, transitively)."""
    modules = {
        f"deepresolve.{path.parent.name}.{path.stem}": _imports(ast.parse(path.read_text()))
        for path in (ROOT / "deepresolve").glob("*/*.py")
    }

    def loads_tf(imports: set[str], tf_modules: set[str]) -> bool:
        return any(
            name.split(".")[0] in ("tensorflow", "keras") or name in tf_modules for name in imports
        )

    tf_modules: set[str] = set()
    while True:
        more = {m for m, imports in modules.items() if loads_tf(imports, tf_modules)}
        if more <= tf_modules:
            break
        tf_modules |= more
    return sorted(
        path.name
        for path in (ROOT / "scripts").glob("*.py")
        if loads_tf(_imports(ast.parse(path.read_text())), tf_modules)
    )


def test_every_tensorflow_script_sets_the_jobs_threads():
    scripts = tensorflow_scripts()
    assert {"train_model.py", "train_chipseq.py", "multitask_train.py", "fim_chunk.py"} <= set(
        scripts
    )
    # the published models' FIMs take the NumPy engine: these jobs import no TensorFlow
    assert not {"tf_deepresolve.py", "table1_lambda_oniv.py"} & set(scripts)
    missing = []
    for name in scripts:
        tree = ast.parse((ROOT / "scripts" / name).read_text())
        calls = [
            ast.unparse(node.value)
            for node in tree.body
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
        ]
        if "configure_tensorflow(snakemake.threads)" not in calls:
            missing.append(name)
    assert missing == [], f"call configure_tensorflow(snakemake.threads) in {missing}"
    # it imports TensorFlow: a script that needs none would pay about 5 CPU-seconds for it
    needless = sorted(
        path.name
        for path in (ROOT / "scripts").glob("*.py")
        if path.name not in scripts and "configure_tensorflow" in path.read_text()
    )
    assert needless == [], f"{needless} import no TensorFlow but call configure_tensorflow"
