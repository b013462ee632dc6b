#!/usr/bin/env python
"""Render the record blocks of README.md, docs/*.md and config/README.md from docs/results/.

    python scripts/render_pages.py           # rewrite every stale block in place
    python scripts/render_pages.py --check   # exit 1 naming each page and block that is stale

Only the text between ``<!-- record: NAME ARGS -->`` and ``<!-- end record -->`` is rendered
(deepresolve.reports.pages); the prose around it is hand-written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from deepresolve.core.files import atomic_write
from deepresolve.reports.pages import Records, pages, render_page, stale_pages

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if stale")
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout (default: this one)")
    args = parser.parse_args(argv)
    records = Records(args.root / "docs/results")
    if args.check:
        stale = stale_pages(args.root, records)
        for page, names in stale.items():
            print(f"{page.relative_to(args.root)}: stale record blocks {names}")
        if stale:
            print("run `python scripts/render_pages.py` and commit the pages")
        return 1 if stale else 0
    for page in pages(args.root):
        text = page.read_text()
        rendered = render_page(text, records)
        if rendered != text:
            with atomic_write(page) as handle:
                handle.write(rendered)
            print(f"{page.relative_to(args.root)}: rendered")
    return 0


if __name__ == "__main__":
    sys.exit(main())
