"""FASTA files: labelled sequence sets (FASTA + target file) and indexed genomes.

Sequence sets, as in ``gifford-lab/Keras-genomics`` (``test.fa`` + ``test.target``)::

    test.fa                                 test.target
    >chr12:82386381-82386481                1<TAB>0     (record 1: bound)
    AACTGATATGGCC...                        0<TAB>1     (record 2: unbound)
    >chr7:132915506-132915606_shuf
    GGTACCAT...

one target line per FASTA record, in the same order: two tab- or space-separated columns
``1 0`` (bound, label 1) or ``0 1`` (unbound, label 0), or a single column ``1`` / ``0``.
Without a target file every record is a positive (label 1). Records may span several lines;
both files may be gzip-compressed. :func:`read_fasta` returns the
:class:`~deepresolve.datasets.zeng.ZengSequences` of :func:`deepresolve.datasets.zeng.read_zeng`,
under the same letter policy (A, C, G, T in either case; N only with ``n_policy="uniform"``).

Genomes: :class:`IndexedFasta` reads windows of a large, plain (uncompressed) FASTA through a
``samtools faidx``-compatible ``.fai`` index, built beside the FASTA when missing or older.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import numpy as np

from deepresolve.core.files import atomic_write, read_lines
from deepresolve.datasets.zeng import ZengSequences, check_letters, encode

log = logging.getLogger("deepresolve.datasets.fasta")


class FastaRecord(NamedTuple):
    """One FASTA record: ``id`` (header up to the first whitespace), ``sequence`` (lines
    joined), ``line`` (1-based line number of the header)."""

    id: str
    sequence: str
    line: int


def iter_fasta(path: str | os.PathLike, *, n_policy: str = "error") -> Iterator[FastaRecord]:
    """Yield the records of a (multi-line, optionally gzip-compressed) FASTA file.

    Every sequence line is checked with :func:`deepresolve.datasets.zeng.check_letters`, so an error
    names the very line (and the position in it) to fix.

    Raises
    ------
    ValueError
        Naming the file and line: text before the first header, a header without a name, a
        record without sequence, a letter other than A, C, G, T (N allowed by ``n_policy``).
    """
    path = Path(path)
    header: tuple[str, int] | None = None
    chunks: list[str] = []
    for lineno, line in enumerate(read_lines(path), start=1):
        if line.startswith(">"):
            if header is not None:
                yield _record(path, header, chunks)
            name = line[1:].split(maxsplit=1)
            if not name:
                raise ValueError(f"{path}, line {lineno}: header '>' without a name")
            header, chunks = (name[0], lineno), []
        elif line:
            if header is None:
                raise ValueError(
                    f"{path}, line {lineno}: sequence before the first '>' header; "
                    "is this a FASTA file?"
                )
            check_letters(line, f"{path}, line {lineno}", n_policy)
            chunks.append(line)
    if header is not None:
        yield _record(path, header, chunks)


def _record(path: Path, header: tuple[str, int], chunks: list[str]) -> FastaRecord:
    name, lineno = header
    if not chunks:
        raise ValueError(f"{path}, line {lineno}: record {name!r} has no sequence")
    return FastaRecord(name, "".join(chunks), lineno)


def read_targets(path: str | os.PathLike) -> tuple[np.ndarray, np.ndarray]:
    """Read a target file: one label line per sequence.

    A line is ``1 0`` (label 1, bound) or ``0 1`` (label 0, unbound), tab- or space-separated,
    or a single ``1`` / ``0``; every line has the same number of columns. Blank lines are
    allowed only at the end of the file.

    Returns
    -------
    labels : array, shape=(n,), int64
        0 or 1.
    lines : array, shape=(n,), int64
        1-based line number of each label (for error messages).

    Raises
    ------
    ValueError
        Naming the file and line: a value other than 0 or 1, a two-column line other than
        ``1 0`` / ``0 1``, a column count different from the first line, a blank line followed
        by labels; or an empty file.
    """
    path = Path(path)
    labels: list[int] = []
    lines: list[int] = []
    n_columns = None
    blank = None
    for lineno, line in enumerate(read_lines(path), start=1):
        where = f"{path}, line {lineno}"
        if not line:
            blank = blank or lineno
            continue
        if blank is not None:
            raise ValueError(
                f"{path}, line {blank}: blank line among the labels; a target file has exactly "
                "one line per sequence"
            )
        fields = line.split()
        if n_columns is None:
            if len(fields) not in (1, 2):
                raise ValueError(
                    f"{where}: expected 1 column (1/0) or 2 columns ('1 0' bound, '0 1' "
                    f"unbound), found {len(fields)}: {line[:60]!r}"
                )
            n_columns = len(fields)
        if len(fields) != n_columns:
            raise ValueError(
                f"{where}: {len(fields)} columns, expected {n_columns} as on line {lines[0]}: "
                f"{line[:60]!r}"
            )
        if any(field not in ("0", "1") for field in fields) or (
            n_columns == 2 and fields[0] == fields[1]
        ):
            expected = "'1 0' (bound) or '0 1' (unbound)" if n_columns == 2 else "0 or 1"
            raise ValueError(f"{where}: label {' '.join(fields)!r} is not {expected}")
        labels.append(int(fields[0]))
        lines.append(lineno)
    if not labels:
        raise ValueError(f"{path}: no labels (empty file)")
    return np.asarray(labels, dtype=np.int64), np.asarray(lines, dtype=np.int64)


def read_fasta(
    path: str | os.PathLike,
    targets: str | os.PathLike | None = None,
    *,
    n_policy: str = "error",
    length: int | None = None,
) -> ZengSequences:
    """Read a FASTA of equal-length sequences, labelled by a target file or all positive.

    Parameters
    ----------
    path : path
        FASTA file (records may span lines; gzip allowed). Identifiers are the headers up to
        the first whitespace and must be unique.
    targets : path, optional
        Target file (:func:`read_targets`), one line per record in the same order. Without
        it every label is 1 (a FASTA of peaks).
    n_policy : {"error", "uniform"}
        N is rejected, or encoded as 0.25 in each channel (``X`` is then ``float32``).
    length : int, optional
        Required length (bp); by default the length of the first record.

    Returns
    -------
    ZengSequences
        ``ids`` (n), ``X: array, shape=(n, length, 4)`` one-hot A, C, G, T (``uint8``, or
        ``float32`` under ``n_policy="uniform"``), ``labels: array, shape=(n,), int64`` 0/1.

    Raises
    ------
    ValueError
        Naming the file and line: any error of :func:`iter_fasta` or :func:`read_targets`, a
        record of another length than the first (or ``length``), a repeated identifier, a
        target file with more or fewer labels than records; or an empty file.
    """
    path = Path(path)
    ids: list[str] = []
    sequences: list[str] = []
    header_lines: list[int] = []
    first_line: dict[str, int] = {}
    expected, expected_from = length, "the length= argument"
    for record in iter_fasta(path, n_policy=n_policy):
        where = f"{path}, line {record.line}"
        if record.id in first_line:
            raise ValueError(
                f"{where}: identifier {record.id!r} already used on line {first_line[record.id]}"
            )
        first_line[record.id] = record.line
        if expected is None:
            expected, expected_from = len(record.sequence), f"the record on line {record.line}"
        if len(record.sequence) != expected:
            raise ValueError(
                f"{where}: record {record.id!r} is {len(record.sequence)} bp, expected "
                f"{expected} bp (from {expected_from})"
            )
        ids.append(record.id)
        sequences.append(record.sequence)
        header_lines.append(record.line)
    if not ids:
        raise ValueError(f"{path}: no sequences (empty file)")
    if targets is None:
        labels = np.ones(len(ids), dtype=np.int64)
    else:
        labels, label_lines = read_targets(targets)
        if labels.size < len(ids):
            missing = labels.size
            raise ValueError(
                f"{targets} has {labels.size} labels but {path} has {len(ids)} sequences: "
                f"no label for {ids[missing]!r} ({path}, line {header_lines[missing]}) and "
                "after; the target file needs one line per FASTA record"
            )
        if labels.size > len(ids):
            raise ValueError(
                f"{targets} has {labels.size} labels but {path} has {len(ids)} sequences: "
                f"{targets}, line {label_lines[len(ids)]} and after have no sequence; the "
                "target file needs one line per FASTA record"
            )
    return ZengSequences(ids, encode(sequences, n_policy), labels)


class FaiEntry(NamedTuple):
    """One line of a ``.fai`` index: sequence ``length`` (bp), byte ``offset`` of its first
    base, ``line_bases`` per full line, ``line_bytes`` per full line (with the line end)."""

    length: int
    offset: int
    line_bases: int
    line_bytes: int


class IndexedFasta:
    """Random access to the sequences of a plain FASTA file (e.g. a genome) by coordinates.

    The ``samtools faidx`` index (``<fasta>.fai``) is used when present and not older than the
    FASTA; otherwise it is built (one pass) and written beside the FASTA atomically, so
    concurrent jobs never see a half-written index. When that folder is read-only the index is
    kept in memory only. Use as a context manager, or call :meth:`close`.

    Parameters
    ----------
    path : path
        Uncompressed FASTA; every line of a record except its last has the same length.
    fai : path, optional
        Index location; default ``<path>.fai``.

    Raises
    ------
    ValueError
        A gzip-compressed FASTA (decompress it first: random access needs plain text); naming
        the file and line, a record whose lines have uneven lengths, a repeated or empty name,
        a malformed ``.fai``.
    """

    def __init__(self, path: str | os.PathLike, *, fai: str | os.PathLike | None = None):
        self.path = Path(path)
        self.fai = Path(fai) if fai is not None else self.path.with_name(self.path.name + ".fai")
        try:
            self._handle = open(self.path, "rb")
        except OSError as err:
            raise ValueError(f"{self.path}: cannot open genome FASTA ({err})") from err
        try:
            if self._handle.read(2) == b"\x1f\x8b":
                raise ValueError(
                    f"{self.path}: gzip-compressed; random access needs a plain FASTA, "
                    f"decompress it first (gunzip -k {self.path.name})"
                )
            self.index = self._load_index()
        except BaseException:
            self._handle.close()
            raise

    def __enter__(self) -> IndexedFasta:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._handle.close()

    @property
    def lengths(self) -> dict[str, int]:
        """Sequence name -> length (bp), in file order."""
        return {name: entry.length for name, entry in self.index.items()}

    def fetch(self, name: str, start: int, end: int) -> str:
        """Letters ``start`` to ``end`` of sequence ``name``: 0-based, end exclusive (BED).

        Returned as in the file (soft-masked lowercase kept). Raises ``KeyError`` for an
        unknown name and ``ValueError`` for coordinates outside ``0 <= start <= end <=
        length``.
        """
        entry = self.index[name]
        if not 0 <= start <= end <= entry.length:
            raise ValueError(
                f"{name}:{start}-{end} is outside {name} (0-{entry.length}) in {self.path}"
            )
        begin, stop = self._byte(entry, start), self._byte(entry, end)
        self._handle.seek(begin)
        raw = self._handle.read(stop - begin).replace(b"\n", b"").replace(b"\r", b"")
        if len(raw) != end - start:
            raise ValueError(
                f"{self.path}: {name}:{start}-{end} read {len(raw)} letters, expected "
                f"{end - start}; the index {self.fai} does not match the file, delete it"
            )
        return raw.decode("ascii", errors="replace")

    @staticmethod
    def _byte(entry: FaiEntry, position: int) -> int:
        lines, column = divmod(position, entry.line_bases)
        return entry.offset + lines * entry.line_bytes + column

    def _load_index(self) -> dict[str, FaiEntry]:
        if self.fai.is_file() and self.fai.stat().st_mtime >= self.path.stat().st_mtime:
            return self._read_fai()
        index = self._build_index()
        text = "".join("\t".join(map(str, (name, *entry))) + "\n" for name, entry in index.items())
        try:
            with atomic_write(self.fai) as handle:
                handle.write(text)
            log.info("indexed %s (%d sequences) -> %s", self.path, len(index), self.fai)
        except OSError as err:
            log.warning("cannot write %s (%s); keeping the index in memory", self.fai, err)
        return index

    def _read_fai(self) -> dict[str, FaiEntry]:
        index: dict[str, FaiEntry] = {}
        for lineno, line in enumerate(self.fai.read_text().splitlines(), start=1):
            fields = line.split("\t")
            try:
                entry = FaiEntry(*map(int, fields[1:5]))
            except (TypeError, ValueError):
                entry = None
            if len(fields) < 5 or entry is None or entry.line_bases <= 0:
                raise ValueError(
                    f"{self.fai}, line {lineno}: not a FASTA index line; delete the file to "
                    "rebuild it"
                )
            index[fields[0]] = entry
        if not index:
            raise ValueError(f"{self.fai}: empty index; delete the file to rebuild it")
        return index

    def _build_index(self) -> dict[str, FaiEntry]:
        index: dict[str, FaiEntry] = {}
        lines_of: dict[str, int] = {}
        name = None
        offset = length = line_bases = line_bytes = ends = 0
        short_line = None  # a line shorter than the record's first: only the last may be

        def finish() -> None:
            if name is not None:
                if length == 0:
                    raise ValueError(
                        f"{self.path}, line {lines_of[name]}: sequence {name!r} is empty"
                    )
                index[name] = FaiEntry(length, offset, line_bases, line_bytes)

        self._handle.seek(0)
        position = 0
        for lineno, raw in enumerate(self._handle, start=1):
            start, position = position, position + len(raw)
            if raw.startswith(b">"):
                finish()
                fields = raw[1:].split(maxsplit=1)
                if not fields:
                    raise ValueError(f"{self.path}, line {lineno}: header '>' without a name")
                name = fields[0].decode("utf-8", errors="replace")
                if name in lines_of:
                    raise ValueError(
                        f"{self.path}, line {lineno}: sequence name {name!r} already used on "
                        f"line {lines_of[name]}"
                    )
                lines_of[name] = lineno
                offset, length, line_bases, line_bytes, short_line = position, 0, 0, 0, None
                continue
            bases = len(raw.rstrip(b"\r\n"))
            if name is None:
                if bases:
                    raise ValueError(
                        f"{self.path}, line {lineno}: sequence before the first '>' header"
                    )
                continue
            if bases and short_line is not None:
                raise ValueError(
                    f"{self.path}, line {short_line}: line of {name!r} shorter than its first "
                    f"({line_bases} bases) before more sequence; random access needs equal "
                    "line lengths: rewrap the FASTA (e.g. seqkit seq -w 60) or use samtools "
                    "faidx"
                )
            if line_bases == 0:
                if bases == 0:
                    continue
                offset, line_bases, line_bytes = start, bases, len(raw)
                ends = line_bytes - line_bases
            elif bases > line_bases:
                raise ValueError(
                    f"{self.path}, line {lineno}: line of {name!r} has {bases} bases, its first "
                    f"has {line_bases}; random access needs equal line lengths: rewrap the "
                    "FASTA (e.g. seqkit seq -w 60)"
                )
            elif raw.endswith(b"\n") and len(raw) - bases != ends:
                raise ValueError(
                    f"{self.path}, line {lineno}: mixed line ends (\\n and \\r\\n) in "
                    f"{name!r}; convert the file (e.g. dos2unix)"
                )
            elif bases < line_bases:
                short_line = lineno
            length += bases
        finish()
        if not index:
            raise ValueError(f"{self.path}: no sequences (empty FASTA)")
        return index
