#!/usr/bin/env python3
"""Stop with a clear message when a Python outside ``requires-python`` would build the venv.

Called by the Makefile before it creates ``.venv``::

    python3 scripts/check_python.py

Reads the ``requires-python = ">=X.Y,<X.Z"`` line of ``pyproject.toml`` (the one place the
bounds live) and exits with status 1, naming the versions that work, when the interpreter running
it is outside them. Written for any Python 3, so that an old interpreter gets the message rather
than a syntax error.
"""

import re
import sys
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def supported_range(text):
    """Bounds of ``requires-python = ">=X.Y,<X.Z"`` in pyproject text.

    Returns
    -------
    tuple of two tuples of int
        ``((X, Y), (X, Z))``: lowest supported and first unsupported version.
    """
    match = re.search(r'requires-python\s*=\s*">=(\d+)\.(\d+)\s*,\s*<(\d+)\.(\d+)"', text)
    if match is None:
        raise ValueError('pyproject.toml has no requires-python = ">=X.Y,<X.Z" line')
    major, minor, major_end, minor_end = (int(part) for part in match.groups())
    return (major, minor), (major_end, minor_end)


def version_problem(version, low, high):
    """Message for an unsupported ``version`` (major, minor), or None when it is supported."""
    if low <= tuple(version[:2]) < high:
        return None
    last = (high[0], high[1] - 1)
    # str.format, not an f-string: a Python 3.5 or older must parse this file to give the message
    return (  # noqa: UP032
        "Python {0}.{1} ({2}) is not supported: this project needs Python {3}.{4} to {5}.{6} "
        '(pyproject.toml: requires-python = ">={3}.{4},<{7}.{8}"). Install one of them and '
        "point the Makefile at it, e.g. `make run PYTHON=python{5}.{6}`."
    ).format(
        version[0], version[1], sys.executable, low[0], low[1], last[0], last[1], high[0], high[1]
    )


def main():
    low, high = supported_range(PYPROJECT.read_text())
    problem = version_problem(sys.version_info, low, high)
    if problem:
        sys.stderr.write(problem + "\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
