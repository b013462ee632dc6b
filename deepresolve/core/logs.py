"""Logging for the workflow's scripts: one call sends messages to the rule's log file."""

from __future__ import annotations

import logging
import os
import sys


def setup_logging(log_path: str | os.PathLike | None = None, level: int = logging.INFO) -> None:
    """Log to ``log_path`` (the rule's ``log:`` file) and to stderr, with timestamps; an
    uncaught exception is logged there as well before the job fails."""
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_path:
        handlers.append(logging.FileHandler(log_path, mode="w"))
    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        handlers=handlers,
        force=True,
    )
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    sys.excepthook = _log_uncaught


def _log_uncaught(kind, error, traceback) -> None:
    """Write an error that ends a job into its log file too, not only to Snakemake's stderr."""
    logging.getLogger("deepresolve").critical(
        "%s: %s", kind.__name__, error, exc_info=(kind, error, traceback)
    )
