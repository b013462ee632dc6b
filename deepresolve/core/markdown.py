"""Markdown tables of result tables (Table 1's layouts, the docs' record blocks)."""

from __future__ import annotations

import pandas as pd


def cell(value) -> str:
    """Counts as integers, expectations with one decimal: ``368.0`` -> ``368``, ``1.94`` ->
    ``1.9``; anything else as ``str``."""
    if isinstance(value, float):
        return f"{value:.0f}" if value.is_integer() else f"{value:.1f}"
    return str(value)


def markdown_table(frame: pd.DataFrame, format_cell=cell) -> list[str]:
    """The lines of a GitHub-flavoured Markdown table of ``frame`` (columns as the header)."""
    header = "| " + " | ".join(str(c) for c in frame.columns) + " |"
    rule = "| " + " | ".join("---" for _ in frame.columns) + " |"
    rows = frame.itertuples(index=False)
    body = ["| " + " | ".join(format_cell(v) for v in row) + " |" for row in rows]
    return [header, rule, *body]


def markdown_text(frame: pd.DataFrame, format_cell=cell) -> str:
    """:func:`markdown_table` as one string (no final newline)."""
    return "\n".join(markdown_table(frame, format_cell))
