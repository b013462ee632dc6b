"""ENCODE uniform TFBS experiment names -> TF gene symbols -> JASPAR matrices (offline).

Experiment names are UCSC track names of the ENCODE AWG uniform TFBS peaks, the folder names of
the 422 published models, e.g. ``wgEncodeAwgTfbsSydhK562Elk112771IggrabUniPk``::

    wgEncodeAwgTfbs | Sydh | K562 | Elk1 12771 Iggrab | UniPk
    prefix           lab    cell   factor + antibody/control/treatment   suffix

Every term starts with one capital letter (``Hepg2``, ``H1hesc``, ``Sknshra``), so the name
splits at capitals: the first word is the lab, the second the cell line, and the rest the
*factor token*. Its first word is the ENCODE factor name with antibody codes glued on
(``Elk112771`` = ELK1 + antibody 12771, ``Cebpbsc150`` = CEBPB + sc-150, ``Pax5c20``), so the
factor is the longest known factor name that starts it (:data:`FACTOR_ALIASES` and
:data:`FACTOR_NAMES`, compared case-insensitively); the remaining words are antibody lot
(``V0416101``, ``Pcr1x``), control (``Iggrab``, ``Iggmus``, ``Ucd``) and treatment
(``Dex100nm``, ``Etoh02``, ``Ifna30``, ``Forskln``) codes. An unknown lab or factor raises
``ValueError``: the tables are explicit and meant to be extended, never guessed.

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
from os import PathLike
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

log = logging.getLogger(__name__)

PREFIX = "wgEncodeAwgTfbs"
SUFFIX = "UniPk"
LABS = ("Broad", "Haib", "Sydh", "Uchicago", "Uta", "Uw")
JASPAR_RELEASE = "JASPAR2026"  # newest release in pyjaspar 4.0
#: Folder of the JASPAR caches (one JSON file per release) and their checksums (jaspar.sha256).
JASPAR_DATA = Path(__file__).parent / "data"
TF_MOTIF_COLUMNS = (
    "experiment",
    "lab",
    "cell",
    "factor_token",
    "tf",
    "jaspar_ids",
    "jaspar_release",
    "reason",
)

#: ENCODE factor names whose HGNC symbol is not just the name in upper case.
FACTOR_ALIASES = {
    "Ap2alpha": "TFAP2A",
    "Ap2gamma": "TFAP2C",
    "Cfos": "FOS",
    "Cjun": "JUN",
    "Cmyc": "MYC",
    "Corest": "RCOR1",
    "Efos": "FOS",  # Uchicago: eGFP-tagged factors (eGFP-FOS, eGFP-GATA2, ...)
    "Egata2": "GATA2",
    "Ejunb": "JUNB",
    "Ejund": "JUND",
    "Eraa": "ESR1",  # ERalpha, antibody a
    "Eralpha": "ESR1",
    "Erra": "ESRRA",
    "Gabp": "GABPA",
    "Gr": "NR3C1",  # glucocorticoid receptor; Grp20 = GR antibody P-20
    "Hae2f1": "E2F1",  # HA-tagged E2F1
    "Kap1": "TRIM28",
    "Nfkb": "RELA",  # NFKB p65 antibody
    "Nrsf": "REST",
    "P300": "EP300",
    "Pol2": "POLR2A",  # also Pol24h8, Pol2s2 (antibody / phospho-form codes)
    "Pu1": "SPI1",
    "Srebp1": "SREBF1",
    "Srebp2": "SREBF2",
    "Tblr1": "TBL1XR1",
    "Tr4": "NR2C2",
}

#: ENCODE factor names whose HGNC symbol is the name in upper case.
FACTOR_NAMES = (
    "Arid3a Atf1 Atf2 Atf3 Bach1 Batf Bcl3 Bcl11a Bhlhe40 Brca1 Ccnt2 Cebpb Cebpd Chd2 Creb1 "
    "Ctcf Ctcfl E2f1 E2f4 E2f6 Ebf1 Egr1 Elf1 Elk1 Elk4 Esrra Ets1 Ezh2 Foxa1 Foxa2 Foxm1 "
    "Foxp2 Fosl1 Fosl2 Gata1 Gata2 Gata3 Gtf2b Gtf2f1 Hdac2 Hnf4a Hnf4g Hsf1 Irf1 Irf3 Irf4 "
    "Jun Junb Jund Maff Mafk Max Maz Mef2a Mef2c Mxi1 Myc Mybl2 Nfatc1 Nfe2 Nfic Nfya Nfyb "
    "Nr2f2 Nrf1 Pax5 Pbx3 Pml Pou2f2 Pou5f1 Prdm1 Rad21 Rest Rfx5 Runx3 Rxra Sin3a Sirt6 Six5 "
    "Smc3 Sp1 Sp2 Sp4 Spi1 Srf Stat1 Stat3 Stat5a Suz12 Taf1 Taf7 Tal1 Tbp Tcf12 Tcf3 Tcf7l2 "
    "Tead4 Thap1 Usf1 Usf2 Yy1 Zbtb33 Zbtb7a Zeb1 Znf143 Znf263 Znf274"
).split()

#: Factors that do not bind DNA by sequence themselves (no motif expected in JASPAR).
NON_SEQUENCE_SPECIFIC = frozenset(
    "BRCA1 CCNT2 CHD2 EP300 EZH2 GTF2B GTF2F1 HDAC2 PML POLR2A RAD21 RCOR1 SIN3A SIRT6 SMC3 "
    "SUZ12 TAF1 TAF7 TBL1XR1 TRIM28".split()
)

_FACTORS = {name.lower(): name.upper() for name in FACTOR_NAMES} | {
    alias.lower(): symbol for alias, symbol in FACTOR_ALIASES.items()
}
_WORD = re.compile(r"[A-Z][^A-Z]*")
_VARIANT = re.compile(r"\(var\.\d+\)$")


def parse_experiment(name: str) -> dict[str, str]:
    """Split an ENCODE AWG uniform TFBS track name into lab, cell line and factor.

    Parameters
    ----------
    name: str
        e.g. ``wgEncodeAwgTfbsHaibA549Elk112771IggrabUniPk`` (a trailing ``/`` is ignored).

    Returns
    -------
    parts: dict of str -> str
        ``lab`` (``Sydh``), ``cell`` (``K562``), ``factor_token`` (everything between cell and
        ``UniPk``: ``Elk112771Iggrab``), ``factor`` (the ENCODE factor name found at its start:
        ``Elk1``), ``suffix`` (the rest: ``12771Iggrab``) and ``tf`` (HGNC symbol: ``ELK1``).

    Raises
    ------
    ValueError
        Not of the form ``wgEncodeAwgTfbs<Lab><Cell><Factor...>UniPk``, or an unknown lab or
        factor (extend :data:`LABS`, :data:`FACTOR_NAMES` or :data:`FACTOR_ALIASES`).
    """
    name = name.rstrip("/")
    if not (name.startswith(PREFIX) and name.endswith(SUFFIX)):
        raise ValueError(f"{name!r}: expected {PREFIX}<Lab><Cell><Factor...>{SUFFIX}")
    body = name[len(PREFIX) : -len(SUFFIX)]
    words = _WORD.findall(body)
    if "".join(words) != body or len(words) < 3:
        raise ValueError(f"{name!r}: expected capitalised lab, cell and factor terms")
    lab, cell = words[0], words[1]
    if lab not in LABS:
        raise ValueError(f"{name!r}: unknown lab {lab!r} (known: {', '.join(LABS)})")
    factor_token = "".join(words[2:])
    head = words[2].lower()
    matches = [key for key in _FACTORS if head.startswith(key)]
    if not matches:
        raise ValueError(f"{name!r}: unknown factor in {words[2]!r}; add it to FACTOR_NAMES")
    key = max(matches, key=len)
    return {
        "lab": lab,
        "cell": cell,
        "factor_token": factor_token,
        "factor": factor_token[: len(key)],
        "suffix": factor_token[len(key) :],
        "tf": _FACTORS[key],
    }


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
    from deepresolve.download import format_checksums, read_checksums
    from deepresolve.files import atomic_write

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
    from deepresolve.download import read_checksums

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


def _name_parts(matrix_name: str) -> list[str]:
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
        parts = _name_parts(motif.name)
        if tf in parts:
            (alone if len(parts) == 1 else dimers).append(motif.matrix_id)
    return sorted(alone) + sorted(dimers)


def _no_motif_reason(tf: str, release: str) -> str:
    if tf in NON_SEQUENCE_SPECIFIC:
        return f"{tf} does not bind DNA by sequence (no motif expected)"
    return f"no {release} CORE vertebrates matrix named {tf}"


def build_tf_motif_table(
    experiments: Iterable[str], release: str = JASPAR_RELEASE, motifs: Sequence | None = None
) -> pd.DataFrame:
    """One row per experiment: parsed name, TF and its JASPAR CORE vertebrates matrices.

    Parameters
    ----------
    experiments: iterable of str
        Track names (:func:`parse_experiment`); output keeps this order.
    release: str
        JASPAR release in ``pyjaspar``.
    motifs: sequence of Bio.motifs.jaspar.Motif, optional
        Default :func:`fetch_motifs` of ``release``.

    Returns
    -------
    table: DataFrame with columns :data:`TF_MOTIF_COLUMNS`
        ``jaspar_ids`` comma-separated (empty when none); ``reason`` empty when the TF has
        matrices, else why not.
    """
    motifs = fetch_motifs(release) if motifs is None else motifs
    rows = []
    for experiment in experiments:
        parts = parse_experiment(experiment)
        ids = matrices_for_tf(parts["tf"], motifs)
        rows.append(
            {
                "experiment": experiment.rstrip("/"),
                **{key: parts[key] for key in ("lab", "cell", "factor_token", "tf")},
                "jaspar_ids": ",".join(ids),
                "jaspar_release": release,
                "reason": "" if ids else _no_motif_reason(parts["tf"], release),
            }
        )
    return pd.DataFrame(rows, columns=list(TF_MOTIF_COLUMNS))


def read_tf_motifs(path: str | PathLike) -> pd.DataFrame:
    """Read a table written from :func:`build_tf_motif_table` (TSV), empty cells as ``""``."""
    table = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)
    missing = [column for column in TF_MOTIF_COLUMNS if column not in table.columns]
    if missing:
        raise ValueError(f"{path}: missing columns {missing}")
    return table


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
    pseudocount (:func:`deepresolve.tomtom.run_tomtom`, ``target_nsites``).
    """
    sites = {}
    for motif in motifs:
        counts = np.array([motif.counts[base] for base in "ACGT"], dtype=float)
        sites[motif.matrix_id] = max(1, int(round(counts.sum(axis=0).mean())))
    return sites
