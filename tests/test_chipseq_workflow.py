"""ChIP-seq experiments through the workflow: DeepBind downloads, sources, bad input (issue 14)."""

from __future__ import annotations

import re
import shutil

import pytest

from tests.test_download import serve
from tests.workflow_helpers import run_workflow

pytestmark = pytest.mark.workflow

REST = "REST_GM12878_NRSF_HudsonAlpha"
ELK1 = "ELK1_GM12878_ELK1_(1277-1)_Stanford"


@pytest.mark.shared_data("deepbind-encode")
def test_deepbind_download_rule_from_a_server_checks_sha256(shared_data, tmp_path):
    """Rule download_deepbind_file against 127.0.0.1 with DeepBind's layout: a good file
    arrives verified (parentheses in its name kept); a tampered one is refused, nothing left."""
    folder = shared_data / "deepbind-encode"
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


@pytest.mark.shared_data("deepbind-encode")
def test_deepbind_mirror_is_used_without_network(shared_data, tmp_path):
    folder = shared_data / "deepbind-encode"
    settings = tmp_path / "mirror.yaml"
    settings.write_text(
        f"chipseq:\n  deepbind_url: http://127.0.0.1:9/nothing\n  deepbind_mirror: {folder}\n"
    )
    target = f"resources/deepbind/{ELK1}_B.seq.gz"
    done = run_workflow(tmp_path / "m", str(settings), targets=(target,))
    assert done.returncode == 0, done.stderr[-3000:]
    assert (tmp_path / "m" / target).read_bytes() == (folder / f"{ELK1}_B.seq.gz").read_bytes()


def _fasta(path, sequences, prefix="s"):
    path.write_text("".join(f">{prefix}{i}\n{s}\n" for i, s in enumerate(sequences)))
    return path


def test_bad_inputs_stop_with_file_and_key_and_leave_nothing_partial(tmp_path):
    """One run, --keep-going, one experiment per case: a positives-only FASTA with a given
    positives-only test FASTA (works: shuffles added, pairs kept together); a DeepBind file with
    a missing column; a FASTA whose targets are all 0; a truncated sequences.npz. Each failure
    names the file and what to change; no output is left behind. (Every other kind of
    truncated intermediate file: tests/test_files.py, without the workflow.)"""
    import numpy as np

    from deepresolve.datasets.chipseq_parts import TEST, ExperimentSequences, pair_groups

    rng = np.random.default_rng(3)
    seqs = ["".join(rng.choice(list("ACGT"), 40)) for _ in range(90)]
    data = tmp_path / "data"
    data.mkdir()
    peaks = _fasta(data / "peaks.fa", seqs[:70])
    test = _fasta(data / "test.fa", seqs[70:], prefix="t")
    bad = data / "bad_AC.seq"
    bad.write_text("FoldID\tEventID\tseq\tBound\nA\tseq_1_peak\tACGT\t1\nA\tseq_2_peak\tACGT\n")
    zeros = data / "zeros.target"
    zeros.write_text("0\n" * 70)
    settings = tmp_path / "bad.yaml"
    settings.write_text(
        f"""
chipseq:
  experiments:
    own: {{source: fasta, tf: REST, model: trained, train: {{fasta: {peaks}}},
           test: {{fasta: {test}}}}}
    badseq: {{source: fasta, tf: REST, model: trained, train: {{seq: {bad}}}}}
    unbound: {{source: fasta, tf: REST, model: trained,
               train: {{fasta: {peaks}, targets: {zeros}}}}}
    cutnpz: {{source: fasta, tf: REST, model: trained, train: {{fasta: {peaks}}}}}
"""
    )
    workdir = tmp_path / "run"
    results = workdir / "results/chipseq"
    # a broken file newer than its inputs: Snakemake takes it as done
    (results / "cutnpz").mkdir(parents=True)
    (results / "cutnpz/sequences.npz").write_bytes(b"PK\x03\x04 cut short")
    targets = (
        "results/chipseq/own/sequences.npz",
        "results/chipseq/badseq/sequences.npz",
        "results/chipseq/unbound/sequences.npz",
        "results/chipseq/cutnpz/metrics.json",
    )
    done = run_workflow(workdir, str(settings), "--keep-going", targets=targets)
    assert done.returncode != 0

    own = ExperimentSequences.load(results / "own/sequences.npz")
    assert sorted(np.unique(own.labels[own.part == TEST], return_counts=True)[1]) == [20, 20]
    test_ids = [i for i, p in zip(own.ids, own.part, strict=True) if p == TEST]
    assert test_ids[:20] == [f"t{i}" for i in range(20)]
    groups, _ = pair_groups(own.ids)
    parts_of = {}
    for group, part in zip(groups, own.part, strict=True):
        parts_of.setdefault(group, set()).add(int(part))
    assert all(len(p) == 1 for p in parts_of.values()) and len(own.ids) == 180

    def log(name, kind):
        return (workdir / f"logs/chipseq/{name}/{kind}.log").read_text()

    text = log("badseq", "sequences")
    assert f"{bad}, line 3: 3 tab-separated fields, expected 4" in text
    assert not (results / "badseq/sequences.npz").exists()
    text = log("unbound", "sequences")
    assert f"{peaks}: all 70 sequences are labelled 0" in text
    assert not (results / "unbound/sequences.npz").exists()
    text = log("cutnpz", "train")
    assert (
        "results/chipseq/cutnpz/sequences.npz is not a readable NumPy .npz file "
        "(truncated or corrupt?)" in text
    )
    assert "rule chipseq_sequences" in text and "--forcerun chipseq_sequences" in text
    assert not (results / "cutnpz/model.keras").exists()
    assert not (results / "cutnpz/metrics.json").exists()
    assert not list(results.rglob(".*.tmp"))


def test_unknown_tf_fails_before_any_job_with_a_suggestion(tmp_path):
    settings = tmp_path / "tf.yaml"
    settings.write_text(
        "chipseq:\n  experiments:\n"
        "    mine: {source: fasta, tf: RESTT, model: trained, train: {fasta: x.fa}}\n"
        "    nrsf: {source: fasta, tf: NRSF, model: trained, train: {fasta: x.fa}}\n"
    )
    done = run_workflow(tmp_path / "tf", str(settings), targets=("-n",))
    assert done.returncode != 0
    assert "mine: TF 'RESTT' is not a JASPAR CORE vertebrates name" in done.stderr
    assert "did you mean REST" in done.stderr
    assert "nrsf:" not in done.stderr  # DeepBind's name for REST is an alias
    assert not (tmp_path / "tf/results").exists()


def _edited_now(path):
    """Give ``path`` the mtime of now, a second after the run's outputs, as an edit after the run
    would (not in the future: a rerun's outputs older than its input are Snakemake's clock-skew
    error)."""
    import os
    import time

    time.sleep(1)
    os.utime(path, None)


def test_edited_local_inputs_rerun_their_copies(tmp_path):
    """Local peaks, genome, FASTA and mirrored .seq files are inputs (issue 21): after a run,
    editing each makes the dry run list the jobs that read it; a copy logs "copying"; a wrong
    fasta_sha256 on a local FASTA is refused naming file and key; a bad line in a mirrored .seq
    is reported in the user's file, not in the workflow's copy."""
    import numpy as np

    rng = np.random.default_rng(5)
    seqs = ["".join(rng.choice(list("ACGT"), 40)) for _ in range(90)]
    data = tmp_path / "data"
    (data / "mirror").mkdir(parents=True)
    (data / "deepbind").mkdir()
    fasta = _fasta(data / "peaks.fa", seqs[:70])
    peaks = data / "own.narrowPeak"
    peaks.write_text("chr1\t10\t50\t.\t0\t.\t5\t-1\t-1\t20\n")
    genome = _fasta(data / "genome.fa", ["ACGT" * 30])
    seq_lines = "".join(f"A\tseq_{i}_peak\t{s}\t1\n" for i, s in enumerate(seqs[70:]))
    mirrored = data / "mirror/mine.seq"
    mirrored.write_text("FoldID\tEventID\tseq\tBound\n" + seq_lines)
    deepbind = data / "deepbind/MYSET_AC.seq.gz"
    deepbind.write_text("FoldID\tEventID\tseq\tBound\n" + seq_lines)
    settings = tmp_path / "local.yaml"
    settings.write_text(
        f"""
chipseq:
  deepbind_mirror: {data / "deepbind"}
  deepbind_unpinned: warn
  experiments:
    pk: {{source: peaks, peaks: {peaks}, genome: {genome}, model: trained, in_table1: false}}
    db: {{source: deepbind, deepbind: MYSET, model: trained, in_table1: false}}
    fa: {{source: fasta, model: trained, in_table1: false, train: {{fasta: {fasta}}},
          test: {{seq: "https://example.invalid/files/mine.seq"}}, mirror: {data / "mirror"}}}
    sha: {{source: fasta, model: trained, in_table1: false,
           train: {{fasta: {fasta}, fasta_sha256: "{"0" * 64}"}}}}
"""
    )
    workdir = tmp_path / "run"
    targets = (
        "resources/chipseq/pk/peaks.narrowPeak",
        "resources/deepbind/MYSET_AC.seq.gz",
        "results/chipseq/fa/sequences.npz",
    )
    done = run_workflow(
        workdir,
        str(settings),
        "--keep-going",
        targets=(*targets, "results/chipseq/sha/sequences.npz"),
    )
    assert done.returncode != 0  # the wrong fasta_sha256
    logs = workdir / "logs/chipseq"
    assert f"copying {peaks}" in (logs / "fetch/pk.log").read_text()
    assert (
        "MYSET_AC.seq.gz is not pinned: copying it unverified from"
        in (logs / "download/deepbind_MYSET_AC.log").read_text()
    )
    assert f"from mirror {mirrored}" in (logs / "fetch/fa_test_seq.log").read_text()
    text = (logs / "sha/sequences.log").read_text()
    assert f"{fasta}: SHA-256 " in text and "chipseq.experiments.sha.train.fasta_sha256" in text
    assert not (workdir / "results/chipseq/sha/sequences.npz").exists()

    # edits (Snakemake keeps a job whose input got newer with the same content)
    peaks.write_text(peaks.read_text() + "chr1\t60\t100\t.\t0\t.\t5\t-1\t-1\t20\n")
    deepbind.write_text(deepbind.read_text() + seq_lines.replace("_peak", "_again"))
    _fasta(fasta, seqs[:71])
    mirrored.write_text(mirrored.read_text() + "A\tseq_99_peak\tACGTNNNN\t1\n")
    for path in (peaks, deepbind, fasta, mirrored):
        _edited_now(path)
    again = run_workflow(workdir, str(settings), "-n", targets=targets)
    assert again.returncode == 0, again.stderr[-3000:]
    planned = set(re.findall(r"^(?:local)?rule (\w+):", again.stdout, re.M))
    assert planned == {
        "fetch_peaks_and_genome",
        "download_deepbind_file",
        "fetch_sequence_file",
        "chipseq_sequences",
    }
    assert run_workflow(workdir, str(settings), targets=targets[:1]).returncode == 0
    _fasta(genome, ["ACGT" * 31])
    _edited_now(genome)
    assert (
        "rule fetch_peaks_and_genome:"
        in run_workflow(workdir, str(settings), "-n", targets=targets[:1]).stdout
    )

    bad = run_workflow(workdir, str(settings), targets=targets[2:])
    assert bad.returncode != 0
    text = (logs / "fa/sequences.log").read_text()
    assert f"{mirrored}, line 22: " in text and "chipseq.n_policy: uniform" in text
    assert "resources/chipseq/fa/test.seq, line" not in text
