"""File helpers: text lines of plain or gzip files, writes that never leave half a file, and
reads of workflow files whose failure names the rule that makes them."""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import os
import secrets
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd


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


# Errors of a file's content, as numpy, zipfile, zlib, gzip, h5py, json and pandas raise them
# for a truncated or corrupt file (pandas' EmptyDataError / ParserError, JSONDecodeError and
# UnicodeDecodeError are ValueErrors; gzip's BadGzipFile and h5py's are OSErrors).
CONTENT_ERRORS = (OSError, EOFError, ValueError, zipfile.BadZipFile, zlib.error)
# OSErrors that are not about the content: a missing file, a folder, no permission
_PATH_ERRORS = (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError)


class UnreadableFileError(ValueError):
    """A file that exists but cannot be read as the kind of file it should be.

    Attributes
    ----------
    path : str
        The file.
    kind : str
        What it should be, e.g. ``"NumPy .npz"``, ``"Keras 3"``, ``"TSV"``, ``"JSON"``.
    error : Exception
        The reader's own error.
    rule : str or None
        The workflow rule that makes the file, set at the script edge (:func:`made_by`);
        with it the message says how to remake the file.
    """

    def __init__(self, path, kind: str, error: BaseException, rule: str | None = None):
        self.path, self.kind, self.error, self.rule = str(path), kind, error, rule
        message = (
            f"{path} is not a readable {kind} file (truncated or corrupt?): "
            f"{type(error).__name__}: {error}"
        )
        if rule is not None:
            # Snakemake does not remake a file whose content is broken but time stamp fine
            message += (
                f". It is made by rule {rule}: delete it, or add `--forcerun {rule}` to the "
                "snakemake command, to make it again"
            )
        super().__init__(message)


@contextlib.contextmanager
def reading(path: str | os.PathLike, kind: str) -> Iterator[None]:
    """Turn a content error (:data:`CONTENT_ERRORS`) raised in the block into
    :class:`UnreadableFileError` naming ``path`` and ``kind``.

    Put only the read itself in the block (not what is done with the data), so that a
    programming error is not reported as a corrupt file. A missing file, a folder or a file
    without read permission raise their own ``OSError``.
    """
    try:
        yield
    except (*_PATH_ERRORS, UnreadableFileError):
        raise
    except CONTENT_ERRORS as err:
        raise UnreadableFileError(path, kind, err) from err


@contextlib.contextmanager
def made_by(rule: str) -> Iterator[None]:
    """At a script's edge: an :class:`UnreadableFileError` raised in the block names ``rule``,
    the rule that makes the file, and ``--forcerun rule``.

    The library's readers stay rule-agnostic; the script knows which rule made its inputs, so
    it reads the files of one rule in one block (an inner block's rule is kept).
    """
    try:
        yield
    except UnreadableFileError as err:
        if err.rule is not None:
            raise
        raise UnreadableFileError(err.path, err.kind, err.error, rule) from err.error


def read_npz(path: str | os.PathLike, keys: Iterable[str] | None = None) -> dict[str, np.ndarray]:
    """The arrays of a ``.npz`` file (``allow_pickle=False``): ``keys``, or all of them.

    A truncated or corrupt file raises :class:`UnreadableFileError`; a key the file lacks
    raises ``KeyError`` naming the file and the keys it has (a reader that asks for the wrong
    key is a programming error, not a broken file).
    """
    with reading(path, "NumPy .npz"), np.load(path, allow_pickle=False) as data:
        missing = [] if keys is None else [key for key in keys if key not in data.files]
        if missing:
            raise KeyError(f"{path}: no {missing} among its arrays {data.files}")
        return {key: data[key] for key in (data.files if keys is None else keys)}


def read_tsv(path: str | os.PathLike, **options) -> pd.DataFrame:
    """``pandas.read_csv(path, sep="\\t", **options)`` of a table the workflow wrote.

    Every such table ends with a line end: one that does not was cut short (pandas would
    read its last row with missing values). Raises :class:`UnreadableFileError` for that, an
    empty file or one pandas cannot parse.
    """
    with reading(path, "TSV"):
        with open(path, "rb") as handle:
            if handle.seek(0, os.SEEK_END):
                handle.seek(-1, os.SEEK_END)
                if handle.read(1) != b"\n":
                    raise EOFError("its last line has no line end")
        return pd.read_csv(path, sep="\t", **options)


def read_json(path: str | os.PathLike):
    """The JSON document of ``path``; a truncated or corrupt one raises
    :class:`UnreadableFileError`."""
    with reading(path, "JSON"), open(path, encoding="utf-8") as handle:
        return json.load(handle)


def write_json(path: str | os.PathLike, document: dict, *, null_reason: str) -> None:
    """Write ``document`` as JSON (atomically), every NaN or infinity as ``null`` (bare ``NaN``
    is not JSON), each such key listed under ``"null_reasons"`` with ``null_reason``.

    Parameters
    ----------
    path : path
    document : dict
        Nested dicts, lists, str, numbers (NumPy scalars included), bool, None.
    null_reason : str
        Why a value can be undefined here, e.g. "test AUC undefined: the class has one label
        only in the test part".
    """
    nulls: dict[str, str] = {}

    def clean(value, where: str):
        if isinstance(value, dict):
            return {
                key: clean(item, f"{where}.{key}" if where else str(key))
                for key, item in value.items()
            }
        if isinstance(value, list | tuple):
            return [clean(item, f"{where}.{i}") for i, item in enumerate(value)]
        if isinstance(value, float | np.floating) and not np.isfinite(value):
            nulls[where] = f"{value} -> null: {null_reason}"
            return None
        return value.item() if isinstance(value, np.generic) else value

    cleaned = clean(document, "")
    if nulls:
        cleaned["null_reasons"] = nulls
    with atomic_write(path) as handle:
        json.dump(cleaned, handle, indent=2, allow_nan=False)
