"""TF names -> the gene symbols JASPAR names its matrices with: ENCODE experiment names, and TF
names as users write them.

ENCODE experiments (:func:`parse_experiment`, :func:`build_tf_motif_table`, the table
``config/tf_motifs.tsv`` of the 422 published models)
    Experiment names are UCSC track names of the ENCODE AWG uniform TFBS peaks, the folder names
    of the 422 published models, e.g. ``wgEncodeAwgTfbsSydhK562Elk112771IggrabUniPk``::

        wgEncodeAwgTfbs | Sydh | K562 | Elk1 12771 Iggrab | UniPk
        prefix           lab    cell   factor + antibody/control/treatment   suffix

    Every term starts with one capital letter (``Hepg2``, ``H1hesc``, ``Sknshra``), so the name
    splits at capitals: the first word is the lab, the second the cell line, and the rest the
    *factor token*. Its first word is the ENCODE factor name with antibody codes glued on
    (``Elk112771`` = ELK1 + antibody 12771, ``Cebpbsc150`` = CEBPB + sc-150, ``Pax5c20``), so
    the factor is the longest known factor name that starts it (:data:`FACTOR_ALIASES` and
    :data:`FACTOR_NAMES`, compared case-insensitively); the remaining words are antibody lot
    (``V0416101``, ``Pcr1x``), control (``Iggrab``, ``Iggmus``, ``Ucd``) and treatment
    (``Dex100nm``, ``Etoh02``, ``Ifna30``, ``Forskln``) codes. An unknown lab or factor raises
    ``ValueError``: the tables are explicit and meant to be extended, never guessed.

Names as users write them (:func:`resolve_tf`)
    ChIP-seq sets name their factor in many spellings: ENCODE's track tokens (``Nrsf``,
    ``Cmyc``), DeepBind's set names (``REST_GM12878_NRSF_HudsonAlpha``,
    ``USF1_HepG2_USF-1_...``), antibody names (``c-Myc``, ``PU.1``, ``ERalpha``).
    :func:`resolve_tf` maps such a name to a symbol of the JASPAR CORE vertebrates collection,
    by (1) the symbol itself, (2) the symbol after dropping ``-``, ``.``, ``_`` and spaces
    (``USF-1`` -> ``USF1``), (3) :data:`TF_ALIASES`, and otherwise raises with the closest names
    (:mod:`difflib`) as suggestions. The symbols are read from ``pyjaspar``'s bundled SQLite
    file in a few milliseconds, so the workflow checks every experiment's TF before any job.
"""

from __future__ import annotations

import difflib
import functools
import re
import sqlite3
from collections.abc import Iterable, Sequence
from os import PathLike
from pathlib import Path

import pandas as pd

from deepresolve.motifs.jaspar import (
    JASPAR_RELEASE,
    fetch_motifs,
    matrices_for_tf,
    matrix_name_parts,
)

PREFIX = "wgEncodeAwgTfbs"
SUFFIX = "UniPk"
LABS = ("Broad", "Haib", "Sydh", "Uchicago", "Uta", "Uw")
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

#: Other names of TFs (upper case, without ``-``, ``.``, ``_``, spaces) -> HGNC symbol: ENCODE
#: track tokens (:data:`FACTOR_ALIASES`), DeepBind set names and the
#: antibody / protein names of ENCODE and the literature.
TF_ALIASES = {alias.upper(): symbol for alias, symbol in FACTOR_ALIASES.items()} | {
    "NRSF": "REST",
    "REST/NRSF": "REST",
    "MYCC": "MYC",
    "CMYC": "MYC",
    "NMYC": "MYCN",
    "GABP": "GABPA",
    "GABPALPHA": "GABPA",
    "PU1": "SPI1",
    "SFPI1": "SPI1",
    "AP2": "TFAP2A",
    "AP2ALPHA": "TFAP2A",
    "AP2GAMMA": "TFAP2C",
    "AP1": "JUN",
    "CFOS": "FOS",
    "CJUN": "JUN",
    "ERALPHA": "ESR1",
    "ERA": "ESR1",
    "ER": "ESR1",
    "ERRA": "ESRRA",
    "ERRALPHA": "ESRRA",
    "GR": "NR3C1",
    "NFKB": "RELA",
    "NFKBP65": "RELA",
    "P65": "RELA",
    "P53": "TP53",
    "P63": "TP63",
    "P73": "TP73",
    "SREBP1": "SREBF1",
    "SREBP2": "SREBF2",
    "TR4": "NR2C2",
    "COREST": "RCOR1",
    "KAP1": "TRIM28",
    "P300": "EP300",
    "POL2": "POLR2A",
    "POLII": "POLR2A",
    "TBLR1": "TBL1XR1",
    "OCT4": "POU5F1",
    "OCT3/4": "POU5F1",
    "OCT2": "POU2F2",
    "OCT1": "POU2F1",
    "BORIS": "CTCFL",
    "KAISO": "ZBTB33",
    "LRF": "ZBTB7A",
    "POKEMON": "ZBTB7A",
    "DEC1": "BHLHE40",
    "STRA13": "BHLHE40",
    "BHLHB2": "BHLHE40",
    "TCF4": "TCF7L2",
    "E2A": "TCF3",
    "HEB": "TCF12",
    "SCL": "TAL1",
    "HNF4": "HNF4A",
    "HNF4ALPHA": "HNF4A",
    "HNF4GAMMA": "HNF4G",
    "HNF1": "HNF1A",
    "HNF3A": "FOXA1",
    "HNF3B": "FOXA2",
    "CEBPBETA": "CEBPB",
    "CEBPDELTA": "CEBPD",
    "CEBPALPHA": "CEBPA",
    "NRF2": "NFE2L2",
    "STAT5": "STAT5A",
    "STAF": "ZNF143",
    "BLIMP1": "PRDM1",
    "RXR": "RXRA",
    "RXRALPHA": "RXRA",
    "ETS": "ETS1",
    "ZFP161": "ZBTB14",
    "ZF5": "ZBTB14",
    "BSAP": "PAX5",
    "MEF2": "MEF2A",
    "EBF": "EBF1",
    "NFAT": "NFATC1",
    "DRIL1": "ARID3A",
    "BRIGHT": "ARID3A",
}
_SEPARATORS = re.compile(r"[-._\s]")


def normalise(name: str) -> str:
    """Upper case without ``-``, ``.``, ``_`` and whitespace: ``"c-Myc"`` -> ``"CMYC"``."""
    return _SEPARATORS.sub("", name.strip().upper())


@functools.lru_cache(maxsize=4)
def jaspar_symbols(release: str = JASPAR_RELEASE) -> frozenset[str]:
    """Upper-case TF names of the JASPAR CORE vertebrates matrices of ``release`` (dimers
    ``A::B`` give A and B; ``(var.N)`` dropped), read from ``pyjaspar``'s SQLite file."""
    import pyjaspar

    database = Path(pyjaspar.__file__).parent / "data" / f"{release}.sqlite"
    if not database.is_file():
        raise ValueError(f"pyjaspar has no {release} database ({database})")
    query = (
        "SELECT DISTINCT m.NAME FROM MATRIX m JOIN MATRIX_ANNOTATION a ON a.ID = m.ID "
        "WHERE m.COLLECTION = 'CORE' AND a.TAG = 'tax_group' AND a.VAL = 'vertebrates'"
    )
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        names = [row[0] for row in connection.execute(query)]
    return frozenset(part for name in names for part in matrix_name_parts(name))


def resolve_tf(name: str, symbols: frozenset[str] | None = None) -> str:
    """The JASPAR symbol for a TF name, through spelling variants and :data:`TF_ALIASES`.

    Parameters
    ----------
    name : str
        e.g. ``REST``, ``NRSF``, ``USF-1``, ``c-Myc``.
    symbols : frozenset of str, optional
        Known symbols; by default :func:`jaspar_symbols`.

    Returns
    -------
    str
        Upper-case symbol with at least one JASPAR matrix (``NRSF`` -> ``REST``).

    Raises
    ------
    ValueError
        The name is not a JASPAR symbol nor an alias of one; the message says what the name
        is when known (an alias of a TF without JASPAR matrix, a factor that does not bind DNA
        by sequence) and suggests the closest symbols and aliases.
    """
    symbols = jaspar_symbols() if symbols is None else symbols
    key = normalise(name)
    for candidate in (name.strip().upper(), key, TF_ALIASES.get(key), TF_ALIASES.get(name.upper())):
        if candidate and candidate in symbols:
            return candidate
    symbol = TF_ALIASES.get(key, key)
    if symbol in NON_SEQUENCE_SPECIFIC:
        raise ValueError(
            f"TF {name!r} ({symbol}) does not bind DNA by sequence: JASPAR has no matrix for it"
        )
    if symbol != key:
        raise ValueError(f"TF {name!r} is {symbol}, which has no JASPAR CORE vertebrates matrix")
    choices = {s: s for s in symbols} | {a: s for a, s in TF_ALIASES.items() if s in symbols}
    close = difflib.get_close_matches(key, list(choices), n=3, cutoff=0.6)
    names = list(dict.fromkeys(choices[c] for c in close))
    hint = (
        f"did you mean {' or '.join(names)}?"
        if names
        else "give the gene symbol JASPAR uses (e.g. REST, MYC, SPI1)"
    )
    raise ValueError(f"TF {name!r} is not a JASPAR CORE vertebrates name nor a known alias; {hint}")


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
