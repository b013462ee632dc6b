"""File helpers: text lines of plain or gzip files, writes that never leave half a file, and
reads of workflow files whose failure names the rule that makes them."""

from __future__ import annotations

import contextlib
import gzip
import io
import os
import secrets
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import numpy as np


def read_lines(path: str | os.PathLike) -> list[str]:
    """The lines of a plain or gzip-compressed text file (recognised by content), stripped.

    Bytes that are not UTF-8 become U+FFFD, so that the letter check reports them. Raises
    ``ValueError`` naming the file when it cannot be opened or decompressed.
    """
    try:
        handle = open(path, "rb")
    except OSError as err:
        raise ValueError(f"{path}: cannot open ({err})") from err
    with handle:
        try:
            packed = handle.read(2) == b"\x1f\x8b"
            handle.seek(0)
            raw = gzip.GzipFile(fileobj=handle).read() if packed else handle.read()
        except (OSError, EOFError) as err:
            raise ValueError(f"{path}: cannot read ({err}); corrupt gzip file?") from err
    # split on "\n" only: str.splitlines would also split on form feeds etc. and shift lines
    return [line.strip() for line in raw.decode("utf-8", errors="replace").split("\n")]


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike, mode: str = "w") -> Iterator[IO]:
    """Write ``path`` through a temporary file beside it, renamed onto it on success.

    The destination is either untouched or complete: an exception inside the ``with`` block
    deletes the temporary file. The folder is created; a name ending in ``.gz`` is
    gzip-compressed (with a fixed header, so the same content gives the same bytes).

    Parameters
    ----------
    path : path
        Destination file.
    mode : {"w", "wb"}
        Text (UTF-8, ``\\n`` line ends) or bytes.
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"mode must be 'w' or 'wb', got {mode!r}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    while True:
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
        try:
            # 0o666 less the umask, unlike mkstemp's 0o600: the renamed file keeps it
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            break
        except FileExistsError:
            continue
    try:
        with contextlib.ExitStack() as stack:
            handle = stack.enter_context(os.fdopen(fd, "wb"))
            if path.name.endswith(".gz"):
                handle = stack.enter_context(
                    gzip.GzipFile(filename="", fileobj=handle, mode="wb", mtime=0)
                )
            if mode == "w":
                handle = stack.enter_context(
                    io.TextIOWrapper(handle, encoding="utf-8", newline="\n")
                )
            yield handle
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def unreadable_file(path: str | os.PathLike, rule: str, error: BaseException) -> ValueError:
    """The error for a workflow file that exists but cannot be read (truncated, corrupt).

    Names the file, the rule that makes it and how to remake it: Snakemake does not remake a
    file by itself when its content is broken but its time stamp is fine.
    """
    return ValueError(
        f"{path}: cannot read it ({type(error).__name__}: {error}); the file is truncated or "
        f"corrupt. It is made by rule {rule}: delete it, or add `--forcerun {rule}` to the "
        "snakemake command, to make it again"
    )


@contextlib.contextmanager
def open_npz(path: str | os.PathLike, rule: str) -> Iterator[np.lib.npyio.NpzFile]:
    """``numpy.load(path, allow_pickle=False)`` of a workflow ``.npz`` made by ``rule``.

    A file that exists but is truncated or corrupt, or lacks a key the caller reads inside the
    ``with`` block, raises :func:`unreadable_file` (file, rule, ``--forcerun``) instead of
    numpy's bare error; a missing file raises ``FileNotFoundError`` as it is.
    """
    try:
        with np.load(path, allow_pickle=False) as data:
            yield data
    except FileNotFoundError:
        raise
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as err:
        raise unreadable_file(path, rule, err) from err
