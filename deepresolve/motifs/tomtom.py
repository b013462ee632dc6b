"""TOMTOM motif comparison with two engines and one output schema.

Engines
-------
``memelite`` (default, embedded)
    :func:`memelite.tomtom` (numba re-implementation of MEME's Tomtom with *complete* scores,
    Euclidean column distance, both strands, every overlap of at least one column). Run with
    ``n_target_bins=None`` (no merging of similar target columns) and ``n_median_bins=100000``
    (a near-exact median for the score shift), which is the setting reported to agree with
    MEME Suite ``tomtom -dist ed``. Checked against MEME 5.5.8 built from source
    (``scripts/build_tomtom.sh``; ``tests/test_tomtom_meme.py`` runs in CI): the same p-values
    within 1e-5 in log10 on all 6,752 (filter, known motif) pairs of the 422 published models,
    provided both engines compare the same numbers (``benchmarks/meme_parity.py``): MEME files
    written with every digit (:func:`deepresolve.motifs.pwm.write_meme`), and rows normalised as
    MEME's reader does, only when their sum is more than 1e-5 from 1 (:func:`meme_normalise`).
    Both engines round each column score to an integer from 0 to about 100 (``BINS`` in MEME's
    ``tomtom.c``, ``n_score_bins`` here), so a change in the 6th decimal of one probability can
    move a score across a rounding step: with 6-decimal files, or with every row divided by
    its sum, 13 pairs differed by up to 1.6e-3 or 9.8e-4; with both, 20 pairs.
``meme`` (the MEME Suite binary: a cluster's module on ``PATH``, a build of
    ``scripts/build_tomtom.sh``, or :data:`MEME_CONTAINER` through a Snakemake ``container:``
    directive)
    :func:`tomtom_command` builds the command line (``-text``: the table on stdout, no output
    folder, no HTML step), :func:`tomtom_version` reads ``tomtom -version`` and refuses
    versions below 5.0 (MEME 4 writes another table), :func:`read_meme_tomtom_tsv` parses the
    table; :func:`run_tomtom` with ``engine="meme"`` does all three when ``tomtom`` is on
    ``PATH``.

Pseudocounts (parity with MEME)
-------------------------------
MEME's Tomtom adds a pseudocount to every query and target motif it reads (option
``-motif-pseudo``, default 0.1; ``apply_pseudocount_to_motif`` in MEME's ``motif.c``)::

    p' = (p * nsites + pseudo * bg) / (nsites + pseudo)

with ``nsites`` the motif's ``nsites=`` field (20 when absent or 0, MEME's
``DEFAULT_SITE_COUNT``) and ``bg`` the background of the query file (made strand-symmetric;
uniform for files from :func:`deepresolve.motifs.pwm.write_meme`). The memelite engine applies
the same transform to both query and target PWMs before comparing them
(:func:`apply_motif_pseudocount`).
For JASPAR targets pass their site counts (:func:`deepresolve.motifs.jaspar.motif_nsites`), which is
what MEME-format JASPAR files carry in ``nsites=``.

Output schema (:data:`COLUMNS`), one row per (query, target), best strand only
--------------------------------------------------------------------------------
``query``, ``target``: motif names. ``p``: p-value of the best alignment over offsets and both
strands. ``E``: ``p * n_targets`` (number of target motifs, not counting reverse complements;
MEME computes the same). ``q``: false discovery rate over the targets of one query, see below.
``offset``: column of the target (reverse-complemented target when ``strand == '-'``) aligned
with the query's first column, i.e. ``target_column - query_column``; positive = the query is
shifted right (MEME's ``Optimal_offset``). ``overlap``: number of aligned columns. ``strand``:
``'+'`` or ``'-'`` (the target's orientation, MEME's ``Orientation``).

q-values differ between engines: memelite has none, so the memelite engine gives
Benjamini-Hochberg q-values per query over its ``n_targets`` merged p-values
(:func:`benjamini_hochberg`, i.e. Storey's q with pi0 = 1). MEME computes its q-values per
query over the ``2 * n_targets`` strand-specific p-values, so they are not smaller: on the 32
filters of two published CTCF models against all 1,019 JASPAR CORE vertebrates matrices, MEME's
q over the memelite engine's had median 1.00 and ranged from 0.98 to 2.0. Use ``p`` or ``E`` for
cross-engine comparisons.

Strand ties (palindromes) go to ``'-'`` in memelite and to ``'+'`` in MEME.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd

COLUMNS = ("query", "target", "p", "E", "q", "offset", "overlap", "strand")

#: Pinned MEME Suite image for the ``meme`` engine. The tag follows the ``memesuite/memesuite``
#: Docker Hub naming (5.5.7 and earlier are widely used; 5.5.8 is used by public pipelines too);
#: pull it once (``apptainer pull``) before a cluster run to confirm it resolves.
MEME_CONTAINER = "docker://memesuite/memesuite:5.5.8"
MEME_VERSION = "5.5.8"
#: Oldest MEME Suite whose tomtom writes the table :func:`read_meme_tomtom_tsv` reads.
MIN_MEME_VERSION = (5, 0)

DEFAULT_MOTIF_PSEUDO = 0.1  # tomtom -motif-pseudo default
DEFAULT_NSITES = 20  # MEME's DEFAULT_SITE_COUNT, used when a motif has no nsites=
UNIFORM_BACKGROUND = (0.25, 0.25, 0.25, 0.25)
#: MEME renormalises a motif row only when its sum is further than this from 1 (motif-in.c).
MEME_NORMALISE_TOLERANCE = 1e-5

#: memelite settings that reproduce MEME's tomtom -dist ed (see the module docstring).
MEMELITE_DEFAULTS = {
    "n_score_bins": 100,
    "n_median_bins": 100_000,
    "n_target_bins": None,
    "n_jobs": -1,
}

_MEME_TSV_COLUMNS = {
    "Query_ID": "query",
    "Target_ID": "target",
    "Optimal_offset": "offset",
    "p-value": "p",
    "E-value": "E",
    "q-value": "q",
    "Overlap": "overlap",
    "Orientation": "strand",
}


def _validate_pwm(name: str, pwm: np.ndarray) -> np.ndarray:
    """``pwm`` checked, its rows normalised as MEME's motif reader does (:func:`meme_normalise`)."""
    pwm = np.asarray(pwm, dtype=float)
    if pwm.ndim != 2 or pwm.shape[1] != 4 or pwm.shape[0] < 1:
        raise ValueError(f"motif {name!r}: expected shape (width, 4), got {pwm.shape}")
    if not np.all(np.isfinite(pwm)) or np.any(pwm < 0):
        raise ValueError(f"motif {name!r}: probabilities must be finite and >= 0")
    if np.any(pwm.sum(axis=1) <= 0):
        raise ValueError(f"motif {name!r}: a position has no probability mass")
    return meme_normalise(pwm)


def meme_normalise(pwm: np.ndarray, tolerance: float = MEME_NORMALISE_TOLERANCE) -> np.ndarray:
    """Rows rescaled to sum to 1 the way MEME reads a motif: only rows off by more than
    ``tolerance``.

    MEME's ``post_process_motif`` (``motif-in.c``) calls ``normalize_motif(motif, 0.00001)``,
    and ``normalize_subarray`` (``array.c``) leaves a row alone when ``almost_equal(1.0, total,
    tolerance)``. A row written with 6 decimals often sums to 0.999999 or 1.000001: MEME keeps
    it as written, and so does this function, so that both engines compare the same numbers
    (dividing every row by its sum, 13 of the 6,752 Table 1 p-values differed from MEME's by up
    to 9.8e-4 in log10: the known motifs are stored with 6 decimals).

    Parameters
    ----------
    pwm : array, shape=(width, 4)
        Non-negative, every row with a positive sum.
    tolerance : float

    Returns
    -------
    pwm : array, shape=(width, 4)
        A new array; rows within ``tolerance`` of 1 unchanged, the others divided by their sum.
    """
    pwm = np.array(pwm, dtype=float)
    totals = pwm.sum(axis=1)  # MEME sums the row left to right as well
    off = (1.0 - tolerance > totals) | (1.0 + tolerance < totals)  # not almost_equal(1, total)
    pwm[off] /= totals[off, None]
    return pwm


def _per_motif(value: float | Mapping[str, float], names: Sequence[str], what: str) -> np.ndarray:
    if isinstance(value, Mapping):
        missing = [name for name in names if name not in value]
        if missing:
            raise KeyError(f"{what}: no value for motifs {missing[:5]}")
        return np.array([float(value[name]) for name in names])
    return np.full(len(names), float(value))


def apply_motif_pseudocount(
    pwm: np.ndarray,
    nsites: float = DEFAULT_NSITES,
    pseudocount: float = DEFAULT_MOTIF_PSEUDO,
    background: Sequence[float] = UNIFORM_BACKGROUND,
) -> np.ndarray:
    """MEME's motif pseudocount: ``(p * nsites + pseudocount * bg) / (nsites + pseudocount)``.

    Parameters
    ----------
    pwm: array, shape=(width, 4)
        Probabilities of A, C, G, T per position.
    nsites: float
        Sites behind the matrix; values <= 0 mean MEME's default of 20.
    pseudocount: float
        Total pseudocount per position (``-motif-pseudo``); 0 returns ``pwm`` unchanged.
    background: 4 floats
        Background frequencies of A, C, G, T.

    Returns
    -------
    pwm: array, shape=(width, 4)
        Rows still sum to 1.
    """
    pwm = np.asarray(pwm, dtype=float)
    if pseudocount < 0:
        raise ValueError(f"pseudocount: must be >= 0, got {pseudocount}")
    if pseudocount == 0:
        return pwm.copy()
    nsites = float(nsites) if nsites > 0 else float(DEFAULT_NSITES)
    bg = np.asarray(background, dtype=float)
    return (pwm * nsites + pseudocount * bg) / (nsites + pseudocount)


def benjamini_hochberg(p: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (q-values with pi0 = 1).

    Parameters
    ----------
    p: array, shape=(n,)

    Returns
    -------
    q: array, shape=(n,)
        ``min_{j >= rank(i)} p_(j) * n / j``, capped at 1, in the input order.
    """
    p = np.asarray(p, dtype=float)
    n = len(p)
    if n == 0:
        return p.copy()
    order = np.argsort(p, kind="stable")
    scaled = p[order] * n / np.arange(1, n + 1)
    q_sorted = np.minimum.accumulate(scaled[::-1])[::-1]
    q = np.empty(n)
    q[order] = np.minimum(q_sorted, 1.0)
    return q


def _sorted_frame(frame: pd.DataFrame, query_order: Sequence[str]) -> pd.DataFrame:
    rank = {name: i for i, name in enumerate(query_order)}
    keys = frame["query"].map(rank)
    frame = frame.assign(_q=keys, _o=-frame["overlap"])
    frame = frame.sort_values(["_q", "p", "_o"], kind="stable").drop(columns=["_q", "_o"])
    return frame.reset_index(drop=True)


def _run_memelite(
    queries: Mapping[str, np.ndarray],
    targets: Mapping[str, np.ndarray],
    *,
    motif_pseudo: float,
    query_nsites: float | Mapping[str, float],
    target_nsites: float | Mapping[str, float],
    background: Sequence[float],
    reverse_complement: bool,
    min_overlap: int = 1,
    incomplete_scores: bool = False,
    top: int | None = None,
    **options,
) -> pd.DataFrame:
    import memelite

    from deepresolve.motifs.numba_cache import announce_memelite_compile

    announce_memelite_compile()  # numba compiles on first use (about a minute cold, then cached)

    if min_overlap != 1:
        raise ValueError("memelite engine: min_overlap > 1 is not supported (use engine='meme')")
    if incomplete_scores:
        raise ValueError("memelite engine: only complete scores exist (use engine='meme')")
    unknown = set(options) - set(MEMELITE_DEFAULTS)
    if unknown:
        raise TypeError(f"memelite engine: unknown options {sorted(unknown)}")
    settings = {**MEMELITE_DEFAULTS, **options}

    q_names, t_names = list(queries), list(targets)
    q_sites = _per_motif(query_nsites, q_names, "query_nsites")
    t_sites = _per_motif(target_nsites, t_names, "target_nsites")
    qs = [
        apply_motif_pseudocount(_validate_pwm(n, queries[n]), s, motif_pseudo, background).T
        for n, s in zip(q_names, q_sites, strict=True)
    ]
    ts = [
        apply_motif_pseudocount(_validate_pwm(n, targets[n]), s, motif_pseudo, background).T
        for n, s in zip(t_names, t_sites, strict=True)
    ]
    p, _, offsets, overlaps, strands = memelite.tomtom(
        qs, ts, reverse_complement=reverse_complement, **settings
    )[:5]

    n_q, n_t = p.shape
    q = np.vstack([benjamini_hochberg(row) for row in p])
    keep = n_t if top is None else min(top, n_t)
    # each query's `keep` smallest p (ties: larger overlap, then target order), before any
    # DataFrame is built: against a whole database most rows are dropped
    order = np.lexsort((-overlaps, p), axis=1)[:, :keep]
    rows = np.repeat(np.arange(n_q), keep)
    cols = order.ravel()
    frame = pd.DataFrame(
        {
            "query": np.asarray(q_names, dtype=object)[rows],
            "target": np.asarray(t_names, dtype=object)[cols],
            "p": p[rows, cols],
            "E": p[rows, cols] * n_t,
            "q": q[rows, cols],
            "offset": offsets[rows, cols].astype(int),
            "overlap": overlaps[rows, cols].astype(int),
            "strand": np.where(strands[rows, cols] > 0.5, "-", "+"),
        }
    )
    return _sorted_frame(frame, q_names)


def tomtom_command(
    query_meme: str | PathLike,
    target_meme: str | PathLike | Sequence[str | PathLike],
    *,
    dist: str = "ed",
    thresh: float = 1.0,
    evalue: bool = False,
    min_overlap: int = 1,
    incomplete_scores: bool = False,
    motif_pseudo: float = DEFAULT_MOTIF_PSEUDO,
    reverse_complement: bool = True,
    executable: str = "tomtom",
    extra: Sequence[str] = (),
) -> list[str]:
    """The MEME Suite ``tomtom`` command line (argument list, no shell quoting needed).

    ``-text`` writes the table (``tomtom.tsv``'s format) to stdout, exit status 0, and no
    output folder; read it back with :func:`read_meme_tomtom_tsv`. Without ``-text`` a
    tomtom built without MEME's Perl helpers writes ``tomtom.tsv`` and ``tomtom.xml`` and then
    exits 1 because it cannot find ``tomtom_xml_to_html``. ``-verbosity 1`` silences
    progress. No logos are drawn, so ``-no-ssc``/``-png``/``-eps`` are left out (add them via
    ``extra``). Distance, pseudocount and minimum overlap are always written out so the run
    does not depend on the defaults of a particular MEME version. With the default
    ``thresh=1`` on q-values every target appears once per query (all q <= 1), as in the
    authors' ``tomtom -incomplete-scores -thresh 1`` (their 2_match_DR.py).

    Parameters
    ----------
    query_meme, target_meme: path, or several target paths
        MEME motif files.
    dist: str
        Column distance (``-dist``): ed, pearson, sandelin, kullback, allr, blic1, ...
    thresh: float
        Report matches with q-value (or E-value with ``evalue=True``) <= thresh.
    evalue: bool
        Threshold on E-value instead of q-value (``-evalue``).
    min_overlap: int
        ``-min-overlap`` (MEME default 1).
    incomplete_scores: bool
        ``-incomplete-scores``: score only the aligned columns (the authors' setting; memelite
        cannot do this).
    motif_pseudo: float
        ``-motif-pseudo``.
    reverse_complement: bool
        False adds ``-norc``.
    executable: str
        The ``tomtom`` binary.
    extra: list of str
        Appended before the motif files.

    Returns
    -------
    argv: list of str
    """
    if min_overlap < 1:
        raise ValueError(f"min_overlap: expected >= 1, got {min_overlap}")
    if thresh < 0 or (not evalue and thresh > 1):
        raise ValueError(f"thresh: q-value threshold must lie in [0, 1], got {thresh}")
    argv = [
        executable,
        "-text",
        "-verbosity",
        "1",
        "-dist",
        dist,
        "-min-overlap",
        str(int(min_overlap)),
        "-motif-pseudo",
        f"{motif_pseudo:g}",
        "-thresh",
        f"{thresh:g}",
    ]
    if evalue:
        argv.append("-evalue")
    if incomplete_scores:
        argv.append("-incomplete-scores")
    if not reverse_complement:
        argv.append("-norc")
    argv.extend(str(arg) for arg in extra)
    if isinstance(target_meme, str | PathLike):
        target_meme = [target_meme]
    argv.append(str(query_meme))
    argv.extend(str(path) for path in target_meme)
    return argv


def parse_meme_version(text: str, where: str = "tomtom") -> tuple[int, ...]:
    """The version numbers in ``tomtom -version`` output, checked against
    :data:`MIN_MEME_VERSION`.

    Parameters
    ----------
    text : str
        What ``tomtom -version`` printed, e.g. ``"5.5.8"``.
    where : str
        The binary, named in the error.

    Raises
    ------
    ValueError
        For an unreadable version or one below 5.0 (MEME 4 writes ``tomtom.txt``, another
        layout, and lacks options the workflow passes).
    """
    match = re.match(r"\s*(\d+)\.(\d+)(?:\.(\d+))?", text)
    version = tuple(int(part) for part in match.groups() if part) if match else ()
    if version < MIN_MEME_VERSION:
        minimum = ".".join(map(str, MIN_MEME_VERSION))
        raise ValueError(
            f"{where}: `tomtom -version` says {text.strip()[:60]!r}; MEME Suite {minimum} or "
            "later is needed (MEME 4 writes another table). Put a newer tomtom on PATH (a "
            "module, or scripts/build_tomtom.sh), or set table1.tomtom_engine: memelite"
        )
    return version


def tomtom_version(executable: str = "tomtom") -> str:
    """Run ``executable -version`` and return its version, e.g. ``"5.5.8"``.

    Raises ``FileNotFoundError`` when it is not on ``PATH`` and ``ValueError`` below MEME 5.0
    (:func:`parse_meme_version`).
    """
    path = shutil.which(executable)
    if path is None:
        raise FileNotFoundError(
            f"engine='meme' needs the MEME Suite {executable!r} on PATH (a module, a build of "
            f"scripts/build_tomtom.sh, or {MEME_CONTAINER}); use engine='memelite' otherwise"
        )
    done = subprocess.run([path, "-version"], capture_output=True, text=True, check=False)
    text = (done.stdout or done.stderr).strip()
    parse_meme_version(text, path)
    return text


def meme_tomtom_shell(argv: Sequence[str], output: str | PathLike, log: str | PathLike) -> str:
    """A bash script that runs one ``tomtom -text`` command for a Snakemake ``shell:``.

    It logs which ``tomtom`` runs and its version, refuses versions below 5.0 before running
    it (MEME 4 writes another table), writes the table to ``output`` through a temporary
    file renamed on success (a failed run leaves nothing), and sends tomtom's stderr to
    ``log``. Plain bash, so that it also runs in a container without this package.

    Parameters
    ----------
    argv : list of str
        From :func:`tomtom_command` (``argv[0]`` is the executable).
    output, log : path
    """
    quote = shlex.quote
    exe, out, log = quote(str(argv[0])), quote(str(output)), quote(str(log))
    partial = quote(f"{output}.partial")
    minimum = ".".join(map(str, MIN_MEME_VERSION))
    refuse = (
        f"error: $path is MEME Suite $version; tomtom {minimum} or later is needed (MEME 4 "
        "writes another table): put a newer tomtom on PATH (a module, or "
        "scripts/build_tomtom.sh) or set table1.tomtom_engine: memelite"
    )
    return "\n".join(
        [
            f'path=$(command -v {exe}) || {{ echo "error: {argv[0]} is not on PATH (load '
            f'MEME Suite >= {minimum}, or set table1.tomtom_engine: memelite)" > {log}; exit 1; }}',
            'version=$("$path" -version 2>&1 | head -n 1) || true',
            f'echo "tomtom: $path, MEME Suite $version" > {log}',
            'case "$version" in',
            "    [5-9].* | [1-9][0-9].*) ;;",
            f'    *) echo "{refuse}" >> {log}; exit 1 ;;',
            "esac",
            f"if ! {shlex.join([str(a) for a in argv])} > {partial} 2>> {log}; then",
            f"    rm -f {partial}; exit 1",
            "fi",
            f"mv {partial} {out}",
        ]
    )


def read_meme_tomtom_tsv(path: str | PathLike) -> pd.DataFrame:
    """Parse a MEME Suite Tomtom table into the common schema (:data:`COLUMNS`).

    Reads ``tomtom.tsv`` of MEME 5 (header ``Query_ID  Target_ID  Optimal_offset  p-value
    E-value  q-value  Overlap  Query_consensus  Target_consensus  Orientation``, footer lines
    starting with ``#``) and the ``tomtom.txt`` of MEME 4 (same columns, header starting with
    ``#Query ID`` with spaces). Blank and other ``#`` lines are skipped; row order is kept
    (MEME sorts each query's matches by p-value). The consensus columns are dropped.

    Returns
    -------
    table: DataFrame with columns :data:`COLUMNS`
        ``offset`` and ``overlap`` as int, ``p``, ``E``, ``q`` as float.
    """
    header: list[str] | None = None
    rows: list[list[str]] = []
    with open(path) as handle:
        for line in handle:
            line = line.rstrip("\r\n")
            if not line.strip():
                continue
            normalized = line.lstrip("#").replace(" ", "_")
            if header is None and normalized.startswith("Query_ID\t"):
                header = normalized.split("\t")
                continue
            if line.startswith("#"):
                continue
            if header is None:
                raise ValueError(f"{path}: data line before the Tomtom header: {line[:60]!r}")
            fields = line.split("\t")
            if len(fields) != len(header):
                raise ValueError(f"{path}: expected {len(header)} fields, got {line[:60]!r}")
            rows.append(fields)
    if header is None:
        raise ValueError(f"{path}: no Tomtom header (Query_ID ...) found")
    missing = [name for name in _MEME_TSV_COLUMNS if name not in header]
    if missing:
        raise ValueError(f"{path}: Tomtom header lacks {missing}")
    frame = pd.DataFrame(rows, columns=header).rename(columns=_MEME_TSV_COLUMNS)
    frame = frame[list(COLUMNS)]
    frame = frame.astype(
        {"p": float, "E": float, "q": float, "offset": int, "overlap": int, "strand": str}
    )
    if not frame["strand"].isin(["+", "-"]).all():
        raise ValueError(f"{path}: Orientation must be '+' or '-'")
    return frame.reset_index(drop=True)


def _run_meme(
    queries: Mapping[str, np.ndarray],
    targets: Mapping[str, np.ndarray],
    *,
    motif_pseudo: float,
    query_nsites: float | Mapping[str, float],
    target_nsites: float | Mapping[str, float],
    background: Sequence[float],
    reverse_complement: bool,
    executable: str = "tomtom",
    top: int | None = None,
    **options,
) -> pd.DataFrame:
    tomtom_version(executable)
    for key in ("thresh", "evalue"):
        if key in options:
            raise TypeError(f"engine='meme': {key} is fixed so that every target is reported")
    with tempfile.TemporaryDirectory(prefix="tomtom_") as tmp:
        tmp = Path(tmp)
        _write_motifs(tmp / "query.meme", queries, query_nsites, background)
        _write_motifs(tmp / "target.meme", targets, target_nsites, background)
        argv = tomtom_command(
            tmp / "query.meme",
            tmp / "target.meme",
            motif_pseudo=motif_pseudo,
            reverse_complement=reverse_complement,
            executable=executable,
            thresh=1.0,
            **options,
        )
        done = subprocess.run(argv, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(
                f"{' '.join(argv)} failed (exit {done.returncode}): {done.stderr.strip()[-500:]}"
            )
        (tmp / "tomtom.tsv").write_text(done.stdout)
        frame = _sorted_frame(read_meme_tomtom_tsv(tmp / "tomtom.tsv"), list(queries))
        return frame if top is None else frame.groupby("query", sort=False).head(top)


def _write_motifs(
    path: Path,
    motifs: Mapping[str, np.ndarray],
    nsites: float | Mapping[str, float],
    background: Sequence[float],
) -> None:
    """One MEME file of motifs of any widths (:func:`write_meme` takes one width per call);
    ``nsites`` one number or one per motif name."""
    from deepresolve.motifs.pwm import write_meme

    sites = _per_motif(nsites, list(motifs), "nsites")
    blocks = []
    for i, (name, pwm) in enumerate(motifs.items()):
        one = path.with_suffix(f".{i}")
        pwm = _validate_pwm(name, pwm)[None]
        write_meme(one, pwm, [name], background=background, nsites=int(sites[i]))
        text = one.read_text()
        one.unlink()
        blocks.append(text if i == 0 else text[text.index("MOTIF ") :])
    path.write_text("\n".join(blocks))


def run_tomtom(
    queries: Mapping[str, np.ndarray],
    targets: Mapping[str, np.ndarray],
    engine: str = "memelite",
    *,
    motif_pseudo: float = DEFAULT_MOTIF_PSEUDO,
    query_nsites: float | Mapping[str, float] = DEFAULT_NSITES,
    target_nsites: float | Mapping[str, float] = DEFAULT_NSITES,
    background: Sequence[float] = UNIFORM_BACKGROUND,
    reverse_complement: bool = True,
    top: int | None = None,
    **options,
) -> pd.DataFrame:
    """Compare every query motif with every target motif (TOMTOM, Euclidean distance).

    Parameters
    ----------
    queries, targets: dict of str -> array, shape=(width, 4)
        Motif name -> probabilities of A, C, G, T per position (a row whose sum is more than
        1e-5 from 1 is divided by it, as MEME does: :func:`meme_normalise`).
        Names must be single words for ``engine="meme"``.
    engine: {"memelite", "meme"}
        See the module docstring.
    motif_pseudo: float
        MEME's ``-motif-pseudo``, applied to queries and targets (0 = none).
    query_nsites, target_nsites: float or dict of str -> float
        Sites behind each matrix, weighting the pseudocount (MEME default 20; e.g. JASPAR
        column counts for JASPAR targets). Single numbers only for ``engine="meme"``.
    background: 4 floats
        A, C, G, T frequencies the pseudocount is spread over.
    reverse_complement: bool
        Also compare with the reverse complement of each target (MEME default).
    top: int, optional
        Keep only each query's ``top`` best targets (smallest p); p, E and q are still computed
        against every target. Saves memory against a whole database.
    **options
        memelite: ``n_score_bins``, ``n_median_bins``, ``n_target_bins``, ``n_jobs``
        (defaults :data:`MEMELITE_DEFAULTS`); ``min_overlap`` must be 1 and
        ``incomplete_scores`` False. meme: ``dist``, ``min_overlap``, ``incomplete_scores``,
        ``executable``, ``extra`` (see :func:`tomtom_command`).

    Returns
    -------
    table: DataFrame with columns :data:`COLUMNS`
        ``len(queries) * len(targets)`` rows (``* top`` with ``top``), queries in input order,
        each query's targets by increasing p (then decreasing overlap).
    """
    if not queries or not targets:
        raise ValueError("run_tomtom: need at least one query and one target motif")
    if top is not None and top < 1:
        raise ValueError(f"top: expected a positive number of targets, got {top}")
    common = {
        "top": top,
        "motif_pseudo": motif_pseudo,
        "query_nsites": query_nsites,
        "target_nsites": target_nsites,
        "background": background,
        "reverse_complement": reverse_complement,
    }
    if engine == "memelite":
        return _run_memelite(queries, targets, **common, **options)
    if engine == "meme":
        return _run_meme(queries, targets, **common, **options)
    raise ValueError(f"engine: expected 'memelite' or 'meme', got {engine!r}")
