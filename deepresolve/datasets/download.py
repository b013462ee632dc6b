"""Fetch files by URL or from a local mirror, verified by SHA-256, written atomically.

:func:`fetch` copies a file from a local mirror when one is given and holds it, and otherwise
downloads it with :mod:`urllib` (``http``, ``https``, ``file`` URLs, or a plain local path).
The bytes go to a temporary file in the destination's folder, are checked against the expected
SHA-256 and only then renamed onto the destination, so the destination is either absent or
complete and verified; a mismatch deletes the temporary file and raises :class:`ChecksumError`.

The published DeepResolve models (422 ENCODE TFBS experiments, two files each) live in the
public repository ``lgsaber/DeepResolve`` at a pinned commit (:data:`PUBLISHED_COMMIT`);
:func:`published_model_url` builds their raw addresses and :func:`read_checksums` reads the
committed ``config/published_models.sha256`` (``sha256sum`` format).

Command line (one experiment's two files)::

    python -m deepresolve.datasets.download --experiment wgEncodeAwgTfbsBroadDnd41CtcfUniPk \
        --checksums config/published_models.sha256 --out-dir results/models/published \
        [--mirror ../shared/data/published-422tf-models]
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import http.client
import logging
import os
import re
import secrets
import shutil
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

log = logging.getLogger("deepresolve.datasets.download")

PUBLISHED_REPO = "lgsaber/DeepResolve"
PUBLISHED_COMMIT = "8276a28cd8bb3d0ad9ae7eaea2004a148701ed23"
PUBLISHED_FOLDER = "models/422tf"
PUBLISHED_FILES = ("16_G_best_archit.json", "16_G_bestmodel_weights.h5")
PUBLISHED_BASE_URL = (
    f"https://raw.githubusercontent.com/{PUBLISHED_REPO}/{PUBLISHED_COMMIT}/{PUBLISHED_FOLDER}"
)

USER_AGENT = "deepresolve-workflow (python urllib)"
CHUNK = 1 << 20
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_EXPERIMENT = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9_.-]*$")
# HTTP statuses worth another try: timeouts, rate limits and server-side failures.
_RETRY_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})


class ChecksumError(ValueError):
    """The SHA-256 of fetched bytes differs from the expected one."""

    def __init__(self, source: str, expected: str, got: str) -> None:
        self.source, self.expected, self.got = source, expected, got
        super().__init__(
            f"SHA-256 mismatch for {source}: expected {expected}, got {got}. "
            "The partial file was deleted. If the transfer was interrupted or corrupted, "
            "re-download it (rerun the rule); if the source deliberately changed, check it and "
            "update the expected checksum in the config (e.g. config/published_models.sha256, "
            "regenerated with scripts/make_checksums.py)."
        )


class DownloadError(OSError):
    """A download failed (HTTP status, network error or truncated transfer)."""

    def __init__(self, url: str, reason: str, status: int | None = None) -> None:
        self.url, self.reason, self.status = url, reason, status
        where = f"HTTP {status}" if status is not None else "error"
        super().__init__(f"download of {url} failed ({where}): {reason}")


def sha256sum(path: str | os.PathLike) -> str:
    """Hex SHA-256 digest of a file, read in chunks.

    Parameters
    ----------
    path
        File to hash.

    Returns
    -------
    str
        64 lower-case hexadecimal digits, as printed by ``sha256sum``.
    """
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def read_checksums(path: str | os.PathLike) -> dict[str, str]:
    """Read a ``sha256sum``-style file: ``<sha256>  <relative path>`` per line.

    Blank lines and lines starting with ``#`` are ignored; a ``*`` before the path (binary
    mode marker of ``sha256sum -b``) is dropped.

    Parameters
    ----------
    path
        Checksum file.

    Returns
    -------
    dict of str to str
        Relative path (``/``-separated, as written) -> lower-case hex SHA-256.

    Raises
    ------
    ValueError
        On a malformed line, an invalid digest or a path listed twice.
    """
    checksums: dict[str, str] = {}
    for number, raw in enumerate(Path(path).read_text().splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(maxsplit=1)
        digest = parts[0].lower()
        if len(parts) != 2 or not _SHA256.match(digest):
            raise ValueError(f"{path}:{number}: expected '<sha256>  <path>', got {raw!r}")
        name = parts[1].strip().removeprefix("*")
        if name in checksums:
            raise ValueError(f"{path}:{number}: {name!r} listed twice")
        checksums[name] = digest
    return checksums


def format_checksums(checksums: Mapping[str, str]) -> str:
    """``sha256sum``-style text of ``checksums`` (relative path -> digest), sorted by path."""
    return "".join(f"{checksums[name]}  {name}\n" for name in sorted(checksums))


def published_model_files(experiment: str) -> list[str]:
    """Relative paths ``<experiment>/<file>`` of one published model's two files.

    Parameters
    ----------
    experiment
        ENCODE uniform TFBS track name, e.g. ``wgEncodeAwgTfbsBroadDnd41CtcfUniPk``.

    Returns
    -------
    list of str
        Architecture JSON then HDF5 weights (:data:`PUBLISHED_FILES`).
    """
    _check_experiment(experiment)
    return [f"{experiment}/{name}" for name in PUBLISHED_FILES]


def published_model_url(experiment: str, filename: str, base_url: str | None = None) -> str:
    """Raw GitHub address of one published model file at the pinned commit.

    Parameters
    ----------
    experiment
        ENCODE uniform TFBS track name.
    filename
        One of :data:`PUBLISHED_FILES`.
    base_url
        Folder holding one sub-folder per experiment; default :data:`PUBLISHED_BASE_URL`.

    Returns
    -------
    str
        ``https://raw.githubusercontent.com/lgsaber/DeepResolve/<commit>/models/422tf/
        <experiment>/<filename>``.
    """
    _check_experiment(experiment)
    if filename not in PUBLISHED_FILES:
        raise ValueError(f"unknown published model file {filename!r}; expected {PUBLISHED_FILES}")
    base = (base_url or PUBLISHED_BASE_URL).rstrip("/")
    return f"{base}/{experiment}/{filename}"


def fetch(
    url_or_path: str | os.PathLike,
    dest: str | os.PathLike,
    *,
    sha256: str | None,
    mirror: str | os.PathLike | None = None,
    mirror_relpath: str | None = None,
    link: bool = False,
    timeout: float = 60,
    retries: int = 3,
    backoff: float = 2.0,
) -> Path:
    """Copy or download a file to ``dest``, verify its SHA-256 and rename it into place.

    Parameters
    ----------
    url_or_path
        ``http(s)://`` or ``file://`` URL, or a local path.
    dest
        Destination file; its folder is created. If it already exists with the expected
        checksum it is kept as is.
    sha256
        Expected hex SHA-256, or ``None`` to skip verification (logged as a warning).
    mirror
        Local mirror: a file (used as is) or a folder holding ``mirror_relpath``. Used instead
        of the network when it holds the file; otherwise the URL is fetched.
    mirror_relpath
        Path of the file inside a mirror folder; defaults to the URL's last path component.
    link
        Hard-link from the mirror instead of copying, when the file system allows.
    timeout
        Seconds of socket timeout per request.
    retries
        Further attempts after the first on network errors and HTTP 408/429/5xx.
    backoff
        Seconds before the first retry, doubled for each further one.

    Returns
    -------
    Path
        ``dest``.

    Raises
    ------
    ChecksumError
        The bytes do not match ``sha256``; nothing is left at ``dest`` nor beside it.
    DownloadError
        HTTP error status (e.g. 404), network failure after all retries, truncated transfer.
    FileNotFoundError
        A local path or ``file://`` URL that does not exist.
    """
    dest = Path(dest)
    source = os.fspath(url_or_path)
    expected = _normalise_digest(sha256)
    if expected is not None and dest.is_file() and sha256sum(dest) == expected:
        log.info("%s already present with the expected checksum", dest)
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)

    local = mirror_file(source, mirror, mirror_relpath)
    if local is not None:
        log.info("%s: from mirror %s", dest, local)
        label = f"{local} (mirror of {source})"
        _install(lambda tmp: _copy_local(local, tmp, link), dest, label, expected)
        return dest
    if mirror is not None:
        log.info("mirror %s lacks the file; fetching %s", mirror, source)
    if "://" not in source:
        path = Path(source)
        if not path.is_file():
            raise FileNotFoundError(f"no such file to fetch: {path}")
        log.info("%s: copying %s", dest, path)
        _install(lambda tmp: _copy_local(path, tmp, False), dest, source, expected)
        return dest

    def download(tmp: Path) -> None:
        _download_with_retries(source, tmp, timeout=timeout, retries=retries, backoff=backoff)

    log.info("%s: downloading %s", dest, source)
    _install(download, dest, source, expected)
    return dest


def fetch_published_model(
    experiment: str,
    out_dir: str | os.PathLike,
    checksums: Mapping[str, str],
    *,
    mirror: str | os.PathLike | None = None,
    base_url: str | None = None,
    **kwargs,
) -> list[Path]:
    """Fetch one published model's two files to ``out_dir/<experiment>/``.

    Parameters
    ----------
    experiment
        ENCODE uniform TFBS track name.
    out_dir
        Folder receiving ``<experiment>/<file>``.
    checksums
        From :func:`read_checksums` of ``config/published_models.sha256``; every file must be
        listed (a missing entry raises ``KeyError``).
    mirror
        Local copy of the ``models/422tf`` folder (one sub-folder per experiment), e.g.
        ``../shared/data/published-422tf-models``.
    base_url
        Where to download from when the mirror lacks a file; default the authors' repository
        at the pinned commit (:data:`PUBLISHED_BASE_URL`).
    **kwargs
        Passed to :func:`fetch` (``timeout``, ``retries``, ``link`` ...).

    Returns
    -------
    list of Path
        The architecture JSON and the weights HDF5.
    """
    paths = []
    for relpath in published_model_files(experiment):
        if relpath not in checksums:
            raise KeyError(f"no checksum for {relpath}; regenerate with scripts/make_checksums.py")
        url = published_model_url(experiment, relpath.rsplit("/", 1)[1], base_url)
        paths.append(
            fetch(
                url,
                Path(out_dir) / relpath,
                sha256=checksums[relpath],
                mirror=mirror,
                mirror_relpath=relpath,
                **kwargs,
            )
        )
    return paths


class PublishedModelsError(RuntimeError):
    """Some models of a batch could not be fetched; ``failures``: experiment -> reason."""

    def __init__(self, failures: Mapping[str, str], n_models: int) -> None:
        self.failures = dict(failures)
        lines = "\n".join(f"  {e}: {reason}" for e, reason in self.failures.items())
        super().__init__(
            f"{len(self.failures)} of {n_models} published models could not be fetched "
            f"(nothing is left of them; rerun to fetch them again):\n{lines}"
        )


def fetch_published_models(
    experiments: Sequence[str],
    out_dir: str | os.PathLike,
    checksums: Mapping[str, str],
    *,
    mirror: str | os.PathLike | None = None,
    base_url: str | None = None,
    workers: int = 8,
    **kwargs,
) -> dict[str, int]:
    """:func:`fetch_published_model` of many experiments in one call, ``workers`` files at a
    time (copies and downloads wait on disks and the network, not on Python).

    Every file is verified against ``checksums`` as one model alone is. The per-file log lines
    of :func:`fetch` are left out (warnings and errors stay): the caller logs one line for all.

    Returns
    -------
    dict of str -> int
        How many files came from where: ``"present"`` (already there, verified),
        ``"mirror"``, ``"downloaded"``.

    Raises
    ------
    PublishedModelsError
        After trying every model, naming each model that failed (no checksum, missing from
        the mirror and the address, SHA-256 mismatch, network error) with its reason.
    """
    from concurrent.futures import ThreadPoolExecutor

    def one(experiment: str) -> list[str]:
        where = []
        for relpath in published_model_files(experiment):
            dest = Path(out_dir) / relpath
            present = relpath in checksums and dest.is_file()
            if present and sha256sum(dest) == checksums[relpath]:
                where.append("present")
            elif mirror is not None and mirror_file("", mirror, relpath) is not None:
                where.append("mirror")
            else:
                where.append("downloaded")
        fetch_published_model(
            experiment, out_dir, checksums, mirror=mirror, base_url=base_url, **kwargs
        )
        return where

    counts = {"present": 0, "mirror": 0, "downloaded": 0}
    failures = {}
    level = log.level
    log.setLevel(max(logging.WARNING, log.getEffectiveLevel()))
    try:
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            futures = {e: pool.submit(one, e) for e in experiments}
            for experiment, future in futures.items():
                try:
                    for where in future.result():
                        counts[where] += 1
                except (OSError, ValueError, KeyError) as error:
                    failures[experiment] = str(error).strip("'\"")
    finally:
        log.setLevel(level)
    if failures:
        for experiment, reason in failures.items():
            log.error("%s: %s", experiment, reason)
        raise PublishedModelsError(failures, len(experiments))
    return counts


def _check_experiment(experiment: str) -> None:
    if not _EXPERIMENT.match(experiment):
        raise ValueError(f"invalid experiment name {experiment!r}")


def _normalise_digest(sha256: str | None) -> str | None:
    if sha256 is None:
        return None
    digest = sha256.strip().lower()
    if not _SHA256.match(digest):
        raise ValueError(f"not a hex SHA-256 digest: {sha256!r}")
    return digest


def mirror_file(source: str, mirror, relpath: str | None) -> Path | None:
    """The mirror's copy of ``source`` (a mirror file as is, else ``mirror/relpath``, by default
    the URL's last path component), or ``None`` when there is no mirror or it lacks it."""
    if mirror is None:
        return None
    mirror = Path(mirror)
    if mirror.is_file():
        return mirror
    if relpath is None:
        relpath = urllib.parse.unquote(urllib.parse.urlsplit(source).path).rsplit("/", 1)[-1]
    candidate = mirror / relpath
    return candidate if relpath and candidate.is_file() else None


def _copy_local(src: Path, tmp: Path, link: bool) -> None:
    if link:
        tmp.unlink()
        try:
            os.link(src, tmp)
            return
        except OSError as err:  # other file system, no permission: fall back to a copy
            log.debug("hard link %s -> %s failed (%s); copying", src, tmp, err)
    shutil.copyfile(src, tmp)


def _install(write, dest: Path, source: str, expected: str | None) -> None:
    """Run ``write(tmp)`` on a temporary file beside ``dest``, verify, then rename it."""
    tmp = _new_temp(dest)
    try:
        write(tmp)
        got = sha256sum(tmp)
        if expected is None:
            log.warning("%s: no checksum given; SHA-256 is %s", source, got)
        elif got != expected:
            raise ChecksumError(source, expected, got)
        os.replace(tmp, dest)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


def _new_temp(dest: Path) -> Path:
    """Create an empty, uniquely named ``.<name>.<random>.part`` beside ``dest``.

    Unlike :func:`tempfile.mkstemp` (mode 0600) the file gets the usual permissions
    (0666 less the umask), which the renamed destination keeps.
    """
    while True:
        tmp = dest.with_name(f".{dest.name}.{secrets.token_hex(6)}.part")
        try:
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
            return tmp
        except FileExistsError:
            continue


def _download_with_retries(
    url: str, tmp: Path, *, timeout: float, retries: int, backoff: float
) -> None:
    for attempt in range(retries + 1):
        try:
            _download(url, tmp, timeout=timeout)
            return
        except DownloadError as err:
            if attempt == retries or (err.status is not None and err.status not in _RETRY_STATUS):
                raise
            delay = backoff * 2**attempt
            log.warning("%s; retrying in %.0f s (%d/%d)", err, delay, attempt + 1, retries)
            time.sleep(delay)


def _download(url: str, tmp: Path, *, timeout: float) -> None:
    """One attempt: stream ``url`` into ``tmp`` (truncated first), checking Content-Length."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response, open(tmp, "wb") as out:
            length = response.headers.get("Content-Length")
            size = 0
            while chunk := response.read(CHUNK):
                out.write(chunk)
                size += len(chunk)
    except urllib.error.HTTPError as err:
        raise DownloadError(url, str(err.reason), status=err.code) from err
    except urllib.error.URLError as err:
        if isinstance(err.reason, FileNotFoundError):
            raise FileNotFoundError(f"cannot read {url}: {err.reason}") from err
        raise DownloadError(url, str(err.reason)) from err
    except (http.client.HTTPException, TimeoutError, ConnectionError) as err:
        raise DownloadError(url, f"{type(err).__name__}: {err}") from err
    if length is not None and length.isdigit() and int(length) != size:
        raise DownloadError(url, f"truncated transfer: got {size} of {length} bytes")


def _parse_args(argv: Iterable[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Fetch one published DeepResolve model.")
    parser.add_argument("--experiment", required=True, help="ENCODE TFBS track name")
    parser.add_argument("--checksums", type=Path, required=True, help="sha256sum-style file")
    parser.add_argument("--out-dir", type=Path, required=True, help="receives <experiment>/")
    parser.add_argument("--mirror", type=Path, help="local copy of models/422tf")
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("--retries", type=int, default=3)
    return parser.parse_args(None if argv is None else list(argv))


def main(argv: Iterable[str] | None = None) -> None:
    """Command-line entry point (see the module docstring)."""
    args = _parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    fetch_published_model(
        args.experiment,
        args.out_dir,
        read_checksums(args.checksums),
        mirror=args.mirror,
        timeout=args.timeout,
        retries=args.retries,
    )


if __name__ == "__main__":
    main()
