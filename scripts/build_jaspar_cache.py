#!/usr/bin/env python3
"""Read JASPAR CORE vertebrates from pyjaspar once into the package's cache (JSON + SHA-256).

    python scripts/build_jaspar_cache.py [--release JASPAR2026]

writes ``deepresolve/data/<release>_CORE_vertebrates.json`` and its line of
``deepresolve/data/jaspar.sha256``; :func:`deepresolve.motifs.jaspar.fetch_motifs` reads it (and
refuses a file whose checksum differs). Run it after changing ``pyjaspar``'s version or
:data:`deepresolve.motifs.jaspar.JASPAR_RELEASE`, and commit both files.
"""

from __future__ import annotations

import argparse
import sys

from deepresolve.motifs.jaspar import JASPAR_DATA, JASPAR_RELEASE, read_pyjaspar, write_jaspar_cache


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--release", default=JASPAR_RELEASE, help="pyjaspar release name")
    args = parser.parse_args(argv)
    matrices = read_pyjaspar(args.release)
    path = write_jaspar_cache(matrices, args.release, JASPAR_DATA)
    print(f"{path}: {len(matrices)} {args.release} CORE vertebrates matrices", file=sys.stderr)


if __name__ == "__main__":
    main()
