"""The ``chipseq.experiments`` block of the workflow config, checked before any job.

Each experiment is a mapping with ``source`` (``zeng``, ``fasta``, ``peaks``, ``deepbind``),
``model`` (``published``, ``trained``) and the keys its source needs; ``validation`` and
``test`` may name files of their own for every source (a FASTA with or without targets, or a
DeepBind ``.seq`` file). :func:`experiment_problems` lists every mistake at once, each naming
the experiment and the key to change; :func:`experiment_inputs` gives the files rule
``chipseq_sequences`` reads (URLs become the paths rule ``fetch_sequence_file`` writes).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from deepresolve.datasets.deepbind import deepbind_filename
from deepresolve.motifs.tf_names import resolve_tf

GIVEN_PARTS = ("train", "validation", "test")
FILE_KINDS = ("fasta", "targets", "seq")
NEEDS = {
    "zeng": ["parts"],
    "fasta": ["train"],
    "peaks": ["peaks", "genome"],
    "deepbind": ["deepbind"],
}


def read_deepbind_models(path: str) -> dict[str, str]:
    """DeepBind set name -> the published experiment (one of the 422) made from its peaks."""
    table = pd.read_csv(path, sep="\t", dtype=str)
    return dict(zip(table["deepbind_name"], table["experiment"], strict=True))


def source_parts(spec: Mapping) -> list[str]:
    """Parts that come from the source itself (before files given as validation/test)."""
    if spec["source"] == "zeng":
        return list(spec["parts"])
    if spec["source"] == "deepbind":
        return ["test"] if spec["model"] == "published" else ["train", "test"]
    return ["train"]


def published_experiment(name: str, spec: Mapping, deepbind_models: Mapping[str, str]) -> str:
    """The published model behind an experiment: ``zeng_experiment``, the DeepBind set's
    experiment (config/deepbind_encode.tsv), or the experiment's own name."""
    if "zeng_experiment" in spec:
        return spec["zeng_experiment"]
    if spec["source"] == "deepbind" and spec.get("deepbind") in deepbind_models:
        return deepbind_models[spec["deepbind"]]
    return name


def experiment_tf(name: str, spec: Mapping, published_tfs: Mapping[str, str], deepbind_models):
    """The TF name as given (``tf``), else the published model's TF, else a DeepBind set
    name's first word (``REST_GM12878_NRSF_HudsonAlpha`` -> ``REST``); ``None`` if unknown."""
    if spec.get("tf"):
        return spec["tf"]
    base = published_experiment(name, spec, deepbind_models)
    if base in published_tfs:
        return published_tfs[base]
    if spec["source"] == "deepbind" and spec.get("deepbind"):
        return spec["deepbind"].split("_")[0]
    return None


def experiment_problems(
    experiments: Mapping[str, Mapping],
    settings: Mapping,
    *,
    published_tfs: Mapping[str, str],
    zeng_pinned: Mapping[str, str],
    deepbind_pinned: Mapping[str, str],
    deepbind_models: Mapping[str, str],
    symbols: frozenset[str] | None = None,
) -> tuple[list[str], dict[str, str]]:
    """Every mistake of ``chipseq.experiments``, and each Table 1 experiment's JASPAR symbol.

    Parameters
    ----------
    experiments : mapping
        ``chipseq.experiments``.
    settings : mapping
        The whole ``chipseq`` block (``zeng_unpinned``, ``deepbind_unpinned``).
    published_tfs : mapping
        Published experiment -> TF symbol (config/tf_motifs.tsv).
    zeng_pinned, deepbind_pinned : mapping
        Checksummed files (relative path -> SHA-256).
    deepbind_models : mapping
        DeepBind set -> published experiment (:func:`read_deepbind_models`).
    symbols : frozenset, optional
        JASPAR symbols (:func:`deepresolve.motifs.tf_names.jaspar_symbols` by default).

    Returns
    -------
    (problems, tfs)
        ``problems``: one line per mistake, ``"<experiment>: <what> (<key to change>)"``;
        ``tfs``: experiment -> JASPAR symbol of the experiments in Table 1.
    """
    problems: list[str] = []
    tfs: dict[str, str] = {}
    for name, spec in experiments.items():
        source, model = spec["source"], spec["model"]
        say = problems.append
        missing = [key for key in NEEDS[source] if key not in spec]
        if missing:
            say(f"{name}: source {source} needs {missing}")
            continue
        base = published_experiment(name, spec, deepbind_models)
        in_table1 = spec.get("in_table1", True)
        if model == "published":
            if source not in ("zeng", "deepbind"):
                say(f"{name}: model: published goes with source: zeng or deepbind")
            elif (
                source == "deepbind" and "zeng_experiment" not in spec and base not in published_tfs
            ):
                say(
                    f"{name}: model: published needs a DeepBind set with a published model "
                    f"(config/deepbind_encode.tsv lists them: {sorted(deepbind_models)}), not "
                    f"{spec['deepbind']!r}; or use model: trained"
                )
            elif base not in published_tfs:
                say(
                    f"{name}: model: published needs one of the 422 published experiments "
                    f"(zeng_experiment), not {base!r}; or use model: trained"
                )
            if not in_table1:
                say(f"{name}: in_table1: false leaves a published model nothing to do")
        own = source_parts(spec)
        if model == "trained" and "train" not in own:
            say(f"{name}: model: trained needs the train part (parts: [train, test])")
        for part in ("validation", "test"):
            if part in spec and part in own:
                say(
                    f"{name}: the {part} part comes from source {source} and from the "
                    f"experiment's {part}: key; keep one"
                )
        if "train" in spec and source != "fasta":
            say(f"{name}: train: files go with source: fasta ({source} brings its own)")
        if source == "zeng" and settings["zeng_unpinned"] == "error":
            for part in spec["parts"]:
                if f"{base}/{part}.data" not in zeng_pinned:
                    say(
                        f"{name}: {base}/{part}.data has no checksum in "
                        "config/zeng_motif_discovery.sha256 (add it, or set "
                        "chipseq.zeng_unpinned: warn)"
                    )
        if source == "deepbind" and settings["deepbind_unpinned"] == "error":
            for part in ("AC", "B"):
                filename = deepbind_filename(spec["deepbind"], part)
                if filename not in deepbind_pinned:
                    say(
                        f"{name}: {filename} has no checksum in config/deepbind_encode.sha256 "
                        "(check the name deepbind:, add its line, or set "
                        "chipseq.deepbind_unpinned: warn)"
                    )
        if not in_table1:
            continue
        tf = experiment_tf(name, spec, published_tfs, deepbind_models)
        if tf is None:
            say(
                f"{name}: name the TF (tf: CTCF) for an experiment not among the 422, or set "
                "in_table1: false (train and report the AUC only)"
            )
            continue
        try:
            tfs[name] = resolve_tf(tf, symbols)
        except ValueError as err:
            say(f"{name}: {err} (key tf:, or in_table1: false to train and evaluate only)")
    return problems, tfs


def experiment_inputs(name: str, spec: Mapping, deepbind_models=None) -> dict[str, str]:
    """Files rule ``chipseq_sequences`` reads for one experiment, by input name.

    Zeng parts (``train``/``test``), ``peaks``/``genome``, DeepBind ``deepbind_train`` (AC)
    and ``deepbind_test`` (B), and ``<part>_<kind>`` for files given under ``train``,
    ``validation``, ``test`` (kind ``fasta``, ``targets``, ``seq``); a URL becomes
    ``resources/chipseq/<name>/<part>.<kind>`` (rule ``fetch_sequence_file``).
    """
    files: dict[str, str] = {}
    source = spec["source"]
    if source == "zeng":
        base = spec.get("zeng_experiment", name)
        files |= {part: f"resources/zeng/{base}/{part}.data" for part in spec["parts"]}
    elif source == "peaks":
        files |= {
            "peaks": f"resources/chipseq/{name}/peaks.narrowPeak",
            "genome": f"resources/chipseq/{name}/genome.fa",
        }
    elif source == "deepbind":
        for part, code in (("train", "AC"), ("test", "B")):
            if part in source_parts(spec):
                files[f"deepbind_{part}"] = (
                    f"resources/deepbind/{deepbind_filename(spec['deepbind'], code)}"
                )
    for part in GIVEN_PARTS:
        for kind in FILE_KINDS:
            given = (spec.get(part) or {}).get(kind)
            if given:
                files[f"{part}_{kind}"] = (
                    f"resources/chipseq/{name}/{part}.{kind}" if is_url(given) else given
                )
    return files


def is_url(source: str) -> bool:
    """Whether a configured file is a URL (fetched into resources/) rather than a local path."""
    return "://" in source


def user_files(name: str, spec: Mapping, settings: Mapping) -> dict[str, str]:
    """Input name of rule ``chipseq_sequences`` -> the file a user edits, for the inputs that are
    the workflow's copies (:func:`experiment_inputs`): the mirror's file when a mirror holds it,
    else the URL. Messages about a copy's content name this file instead of the copy."""
    from deepresolve.datasets.download import mirror_file

    files: dict[str, str] = {}
    if spec["source"] == "deepbind":
        for part, code in (("train", "AC"), ("test", "B")):
            if part in source_parts(spec):
                relpath = deepbind_filename(spec["deepbind"], code)
                url = f"{settings['deepbind_url'].rstrip('/')}/{relpath}"
                local = mirror_file(url, settings["deepbind_mirror"], relpath)
                files[f"deepbind_{part}"] = str(local or url)
    for part in GIVEN_PARTS:
        for kind in FILE_KINDS:
            given = (spec.get(part) or {}).get(kind)
            if given and is_url(given):
                local = mirror_file(given, spec.get("mirror"), None)
                files[f"{part}_{kind}"] = str(local or given)
    return files


def local_checksums(spec: Mapping) -> dict[str, tuple[str, str]]:
    """Input name -> (SHA-256, its config key) of the local files given under ``train``,
    ``validation``, ``test`` with a ``<kind>_sha256`` (URLs are checked when fetched)."""
    sums = {}
    for part in GIVEN_PARTS:
        for kind in FILE_KINDS:
            files = spec.get(part) or {}
            given, digest = files.get(kind), files.get(f"{kind}_sha256")
            if given and digest and not is_url(given):
                sums[f"{part}_{kind}"] = (digest, f"{part}.{kind}_sha256")
    return sums


def check_local_checksums(name: str, spec: Mapping) -> None:
    """Raise ``ValueError`` when a local file given with a SHA-256 (:func:`local_checksums`)
    has other bytes, naming the file, both digests and the key to change."""
    from deepresolve.datasets.download import sha256sum

    for input_name, (expected, key) in local_checksums(spec).items():
        part, kind = input_name.split("_")
        path = spec[part][kind]
        got = sha256sum(path)
        if got != expected.lower():
            raise ValueError(
                f"{path}: SHA-256 {got} differs from chipseq.experiments.{name}.{key} "
                f"({expected}); if you changed the file on purpose, put its new SHA-256 there "
                "(sha256sum prints it), else restore the file"
            )
