"""TF names as users write them -> the gene symbols JASPAR names its matrices with.

ChIP-seq sets name their factor in many spellings: ENCODE's track tokens (``Nrsf``,
``Cmyc``), DeepBind's set names (``REST_GM12878_NRSF_HudsonAlpha``, ``USF1_HepG2_USF-1_...``),
antibody names (``c-Myc``, ``PU.1``, ``ERalpha``). :func:`resolve_tf` maps such a name to a
symbol of the JASPAR CORE vertebrates collection, by (1) the symbol itself, (2) the symbol
after dropping ``-``, ``.``, ``_`` and spaces (``USF-1`` -> ``USF1``), (3) :data:`TF_ALIASES`,
and otherwise raises with the closest names (:mod:`difflib`) as suggestions. The symbols are
read from ``pyjaspar``'s bundled SQLite file in a few milliseconds, so the workflow checks
every experiment's TF before any job.
"""

from __future__ import annotations

import difflib
import functools
import re
import sqlite3
from pathlib import Path

from deepresolve.jaspar import (
    FACTOR_ALIASES,
    JASPAR_RELEASE,
    NON_SEQUENCE_SPECIFIC,
    _name_parts,
)

#: Other names of TFs (upper case, without ``-``, ``.``, ``_``, spaces) -> HGNC symbol: ENCODE
#: track tokens (:data:`deepresolve.jaspar.FACTOR_ALIASES`), DeepBind set names and the
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
    return frozenset(part for name in names for part in _name_parts(name))


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
