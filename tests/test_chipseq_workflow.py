"""ChIP-seq experiments through the workflow: DeepBind downloads, sources, bad input (issue 14)."""

from __future__ import annotations

import shutil

from tests.conftest import require_shared_data
from tests.test_download import serve
from tests.workflow_helpers import run_workflow

REST = "REST_GM12878_NRSF_HudsonAlpha"
ELK1 = "ELK1_GM12878_ELK1_(1277-1)_Stanford"


def test_deepbind_download_rule_from_a_server_checks_sha256(tmp_path):
    """Rule download_deepbind_file against 127.0.0.1 with DeepBind's layout: a good file
    arrives verified (parentheses in its name kept); a tampered one is refused, nothing left."""
    folder = require_shared_data("deepbind-encode") / "deepbind-encode"
    www = tmp_path / "www"
    www.mkdir()
    shutil.copy(folder / f"{REST}_B.seq.gz", www)
    tampered = (folder / f"{ELK1}_B.seq.gz").read_bytes()
    (www / f"{ELK1}_B.seq.gz").write_bytes(tampered[:-40] + b"x" * 40)
    settings = tmp_path / "dl.yaml"
    workdir = tmp_path / "dl"
    targets = tuple(f"resources/deepbind/{name}_B.seq.gz" for name in (REST, ELK1))
    with serve(www) as (base, requests):
        settings.write_text(f"chipseq:\n  deepbind_url: {base}\n  deepbind_mirror: null\n")
        done = run_workflow(workdir, str(settings), "--keep-going", targets=targets)
    assert done.returncode != 0
    assert f"/{REST}_B.seq.gz" in requests
    good = workdir / targets[0]
    assert good.read_bytes() == (folder / f"{REST}_B.seq.gz").read_bytes()
    assert not (workdir / targets[1]).exists()
    assert not [p.name for p in (workdir / "resources/deepbind").iterdir() if p != good]
    log = (workdir / f"logs/chipseq/download/deepbind_{ELK1}_B.log").read_text()
    assert "checksum" in log.lower() and f"{ELK1}_B.seq.gz" in log


def test_deepbind_mirror_is_used_without_network(tmp_path):
    folder = require_shared_data("deepbind-encode") / "deepbind-encode"
    settings = tmp_path / "mirror.yaml"
    settings.write_text(
        f"chipseq:\n  deepbind_url: http://127.0.0.1:9/nothing\n  deepbind_mirror: {folder}\n"
    )
    target = f"resources/deepbind/{ELK1}_B.seq.gz"
    done = run_workflow(tmp_path / "m", str(settings), targets=(target,))
    assert done.returncode == 0, done.stderr[-3000:]
    assert (tmp_path / "m" / target).read_bytes() == (folder / f"{ELK1}_B.seq.gz").read_bytes()
