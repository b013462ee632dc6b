"""JASPAR CORE vertebrates matrices, offline, and which of them belong to a TF.

JASPAR lookup (:func:`matrices_for_tf`): a matrix matches a TF when the TF's symbol equals, case
insensitively, its name or one of the ``::``-separated parts of a dimer name (``MAX::MYC``
matches MAX and MYC), after dropping a ``(var.N)`` suffix. Names of non-human vertebrate
matrices (``Spi1``, ``Yy1``, ``Stat5a::Stat5b``) therefore match their human orthologue.
Matrices named after the TF alone come first, then dimers, each group by matrix ID.
The matrices are the CORE vertebrates collection of the newest release shipped with
``pyjaspar`` (:data:`JASPAR_RELEASE`), latest version of each matrix. pyjaspar builds its
matrices with one database query per matrix (about 8 s for the 1,019 of JASPAR2026), so they
are read from it once (:func:`read_pyjaspar`, ``python scripts/build_jaspar_cache.py``) into a
JSON file shipped with the package (``deepresolve/data/<release>_CORE_vertebrates.json``,
SHA-256 in ``deepresolve/data/jaspar.sha256``), which :func:`fetch_motifs` reads in
milliseconds after checking its checksum.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np

log = logging.getLogger(__name__)

JASPAR_RELEASE = "JASPAR2026"  # newest release in pyjaspar 4.0
#: Folder of the JASPAR caches (one JSON file per release) and their checksums (jaspar.sha256).
JASPAR_DATA = Path(__file__).resolve().parents[1] / "data"
_VARIANT = re.compile(r"\(var\.\d+\)$")


class JasparMatrix(NamedTuple):
    """One JASPAR matrix as :func:`fetch_motifs` returns it.

    Attributes
    ----------
    matrix_id : str
        e.g. ``"MA0139.2"``.
    name : str
        TF name(s), e.g. ``"CTCF"``, ``"MAX::MYC"``.
    counts : dict of str -> tuple of float
        ``"A"``, ``"C"``, ``"G"``, ``"T"`` -> the count of that base at each position.
    """

    matrix_id: str
    name: str
    counts: dict


def read_pyjaspar(release: str = JASPAR_RELEASE) -> tuple[JasparMatrix, ...]:
    """CORE vertebrates matrices of ``release`` from ``pyjaspar``'s bundled SQLite file (latest
    version of each matrix, offline; about 8 s): what :func:`write_jaspar_cache` stores.

    Returns
    -------
    matrices : tuple of JasparMatrix
        In pyjaspar's order.
    """
    from pyjaspar import jaspardb

    db = jaspardb(release=release)
    return tuple(
        JasparMatrix(
            motif.matrix_id,
            motif.name,
            {base: tuple(float(c) for c in motif.counts[base]) for base in "ACGT"},
        )
        for motif in db.fetch_motifs(collection="CORE", tax_group=["vertebrates"])
    )


def pyjaspar_releases() -> list[str]:
    """The JASPAR releases that pyjaspar's bundled database holds, newest first."""
    from pyjaspar import jaspardb

    return list(jaspardb().get_releases())


def jaspar_cache_path(release: str = JASPAR_RELEASE) -> Path:
    """``deepresolve/data/<release>_CORE_vertebrates.json``."""
    return JASPAR_DATA / f"{release}_CORE_vertebrates.json"


def write_jaspar_cache(matrices: Sequence[JasparMatrix], release: str, folder: Path) -> Path:
    """Write ``matrices`` as ``folder/<release>_CORE_vertebrates.json`` and set its line of
    ``folder/jaspar.sha256`` (other releases' lines kept). Returns the JSON file's path."""
    from deepresolve.core.files import atomic_write
    from deepresolve.datasets.download import format_checksums, read_checksums

    folder = Path(folder)
    path = folder / jaspar_cache_path(release).name
    document = {
        "release": release,
        "collection": "CORE",
        "tax_group": "vertebrates",
        "matrices": [
            {"id": m.matrix_id, "name": m.name, "counts": {b: list(m.counts[b]) for b in "ACGT"}}
            for m in matrices
        ],
    }
    text = json.dumps(document, separators=(",", ":")).replace('},{"id"', '},\n{"id"') + "\n"
    with atomic_write(path, "w") as handle:
        handle.write(text)
    sums = folder / "jaspar.sha256"
    checksums = read_checksums(sums) if sums.is_file() else {}
    checksums[path.name] = hashlib.sha256(text.encode()).hexdigest()
    with atomic_write(sums, "w") as handle:
        handle.write(format_checksums(checksums))
    return path


@functools.lru_cache(maxsize=4)
def fetch_motifs(release: str = JASPAR_RELEASE) -> tuple[JasparMatrix, ...]:
    """JASPAR CORE vertebrates matrices of ``release`` (latest version of each matrix) from the
    package's cache (:func:`jaspar_cache_path`), checked against ``jaspar.sha256``; a release
    that pyjaspar has but the package does not cache (the older releases of Table 1's knob
    table) is parsed from pyjaspar's database (:func:`read_pyjaspar`, seconds), saying so.

    Returns
    -------
    motifs : tuple of JasparMatrix
        With ``matrix_id``, ``name`` and ``counts`` (A, C, G, T -> one count per position),
        the values pyjaspar gives (:func:`read_pyjaspar`).

    Raises
    ------
    ValueError
        A release neither cached nor in pyjaspar, or a cache whose SHA-256 differs from its
        line in ``jaspar.sha256`` (edited or truncated): the message gives the command that
        rebuilds it.
    """
    from deepresolve.datasets.download import read_checksums

    path = jaspar_cache_path(release)
    rebuild = f"rebuild it with: python scripts/build_jaspar_cache.py --release {release}"
    if not path.is_file():
        releases = pyjaspar_releases()
        if release not in releases:
            raise ValueError(
                f"no JASPAR cache for {release} ({path}) and pyjaspar has no such release "
                f"(it has {', '.join(releases)}): set one of those"
            )
        log.info(
            "%s: not cached in the package, parsing pyjaspar's database (cache it with: "
            "python scripts/build_jaspar_cache.py --release %s)",
            release,
            release,
        )
        return read_pyjaspar(release)
    data = path.read_bytes()
    expected = read_checksums(JASPAR_DATA / "jaspar.sha256").get(path.name)
    got = hashlib.sha256(data).hexdigest()
    if got != expected:
        raise ValueError(
            f"{path}: SHA-256 {got} differs from {expected} in {JASPAR_DATA / 'jaspar.sha256'} "
            f"(edited or truncated); {rebuild}"
        )
    document = json.loads(data)
    return tuple(
        JasparMatrix(m["id"], m["name"], {b: tuple(m["counts"][b]) for b in "ACGT"})
        for m in document["matrices"]
    )


def matrix_name_parts(matrix_name: str) -> list[str]:
    """Upper-case TF names in a JASPAR matrix name: ``MAX::MYC`` -> MAX, MYC (``(var.N)`` cut)."""
    return [_VARIANT.sub("", part.strip()).upper() for part in matrix_name.split("::")]


def matrices_for_tf(tf: str, motifs: Iterable) -> list[str]:
    """JASPAR matrix IDs whose name is ``tf`` or a ``::`` dimer containing it (case-insensitive).

    Parameters
    ----------
    tf: str
        Gene symbol, e.g. ``MYC``.
    motifs: iterable of Bio.motifs.jaspar.Motif (or objects with ``matrix_id`` and ``name``)

    Returns
    -------
    ids: list of str
        Single-name matrices first, then dimers, each sorted by matrix ID
        (e.g. MYC -> ``['MA0147.4', 'MA0059.2']``).
    """
    tf = tf.upper()
    alone, dimers = [], []
    for motif in motifs:
        parts = matrix_name_parts(motif.name)
        if tf in parts:
            (alone if len(parts) == 1 else dimers).append(motif.matrix_id)
    return sorted(alone) + sorted(dimers)


def motif_pwms(motifs: Iterable) -> dict[str, np.ndarray]:
    """JASPAR count matrices as PWMs.

    Returns
    -------
    pwms: dict of str -> array, shape=(width, 4)
        Matrix ID -> counts of A, C, G, T per position divided by the position's total.
    """
    pwms = {}
    for motif in motifs:
        counts = np.array([motif.counts[base] for base in "ACGT"], dtype=float).T
        pwms[motif.matrix_id] = counts / counts.sum(axis=1, keepdims=True)
    return pwms


def motif_nsites(motifs: Iterable) -> dict[str, int]:
    """Sites behind each JASPAR matrix: its mean column total, rounded (at least 1).

    This is the ``nsites=`` that MEME-format JASPAR files carry and that weights Tomtom's motif
    pseudocount (:func:`deepresolve.motifs.tomtom.run_tomtom`, ``target_nsites``).
    """
    sites = {}
    for motif in motifs:
        counts = np.array([motif.counts[base] for base in "ACGT"], dtype=float)
        sites[motif.matrix_id] = max(1, int(round(counts.sum(axis=0).mean())))
    return sites
