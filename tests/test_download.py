"""deepresolve.datasets.download against a real local HTTP server, and the committed checksum
file."""

from __future__ import annotations

import contextlib
import hashlib
import http.server
import os
import random
import shutil
import threading
from functools import partial
from pathlib import Path

import pytest

from deepresolve.datasets.download import (
    PUBLISHED_FILES,
    ChecksumError,
    DownloadError,
    fetch,
    fetch_published_model,
    format_checksums,
    published_model_files,
    published_model_url,
    read_checksums,
    sha256sum,
)
from tests.conftest import ROOT

CHECKSUMS = ROOT / "config" / "published_models.sha256"
GOOD = {
    "small.txt": b"ACGT" * 10,
    "empty.bin": b"",
    "nested/large.bin": bytes(range(256)) * 9000,  # > one 1 MiB read chunk
}


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - keep pytest output quiet
        pass

    def do_GET(self):
        self.server.requests.append(self.path)
        super().do_GET()


@contextlib.contextmanager
def serve(folder: Path):
    """Serve ``folder`` on 127.0.0.1 (free port); yields (base URL, list of request paths)."""
    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(_Handler, directory=str(folder))
    )
    httpd.requests = []
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", httpd.requests
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


@pytest.fixture
def server(tmp_path):
    """Serve ``tmp_path/www`` (the GOOD files and a corrupt one); yields (URL, folder, requests)."""
    www = tmp_path / "www"
    for name, data in GOOD.items():
        (www / name).parent.mkdir(parents=True, exist_ok=True)
        (www / name).write_bytes(data)
    (www / "corrupt.bin").write_bytes(b"tampered content")
    with serve(www) as (base, requests):
        yield base, www, requests


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.mark.parametrize("name", sorted(GOOD))
def test_good_files_download_and_verify(server, tmp_path, name):
    base, _, requests = server
    dest = tmp_path / "out" / "sub" / Path(name).name
    got = fetch(f"{base}/{name}", dest, sha256=digest(GOOD[name]), backoff=0)
    assert got == dest
    assert dest.read_bytes() == GOOD[name]
    assert sha256sum(dest) == digest(GOOD[name])
    assert leftovers(dest.parent) == [dest.name]  # no temporary file beside it
    assert requests == [f"/{name}"]


def test_existing_verified_dest_is_kept(server, tmp_path):
    base, _, requests = server
    dest = tmp_path / "small.txt"
    dest.write_bytes(GOOD["small.txt"])
    fetch(f"{base}/small.txt", dest, sha256=digest(GOOD["small.txt"]))
    assert requests == []


def test_stale_dest_is_replaced(server, tmp_path):
    base, _, _ = server
    dest = tmp_path / "small.txt"
    dest.write_bytes(b"old")
    fetch(f"{base}/small.txt", dest, sha256=digest(GOOD["small.txt"]))
    assert dest.read_bytes() == GOOD["small.txt"]


def test_checksum_mismatch_leaves_nothing(server, tmp_path):
    base, _, _ = server
    out = tmp_path / "out"
    out.mkdir()
    expected = digest(b"the original content")
    url = f"{base}/corrupt.bin"
    with pytest.raises(ChecksumError) as info:
        fetch(url, out / "corrupt.bin", sha256=expected, retries=0)
    message = str(info.value)
    assert url in message and expected in message and digest(b"tampered content") in message
    assert "re-download" in message and "checksum" in message
    assert isinstance(info.value, ValueError)
    assert leftovers(out) == []


def test_mismatch_does_not_clobber_existing_dest(server, tmp_path):
    base, _, _ = server
    dest = tmp_path / "corrupt.bin"
    dest.write_bytes(b"previous good copy")
    with pytest.raises(ChecksumError):
        fetch(f"{base}/corrupt.bin", dest, sha256=digest(b"previous good copy!"))
    assert dest.read_bytes() == b"previous good copy"
    assert leftovers(tmp_path) == ["corrupt.bin", "www"]


def test_404_names_the_url(server, tmp_path):
    base, _, requests = server
    url = f"{base}/missing.h5"
    with pytest.raises(DownloadError) as info:
        fetch(url, tmp_path / "missing.h5", sha256=digest(b""), retries=3, backoff=0)
    assert info.value.status == 404
    assert url in str(info.value) and "404" in str(info.value)
    assert requests == ["/missing.h5"]  # a client error is not retried
    assert leftovers(tmp_path) == ["www"]


def test_network_error_is_retried_then_raised(tmp_path):
    import socket

    with socket.socket() as sock:  # a port with nothing listening
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/x"
    with pytest.raises(DownloadError, match=url):
        fetch(url, tmp_path / "x", sha256=None, retries=2, backoff=0, timeout=5)
    assert leftovers(tmp_path) == []


def test_mirror_folder_is_used_without_network(server, tmp_path):
    base, www, requests = server
    dest = tmp_path / "out" / "large.bin"
    data = GOOD["nested/large.bin"]
    fetch(f"{base}/nested/large.bin", dest, sha256=digest(data), mirror=www / "nested")
    assert dest.read_bytes() == data
    fetch(
        f"{base}/nested/large.bin",
        tmp_path / "out2" / "large.bin",
        sha256=digest(data),
        mirror=www,
        mirror_relpath="nested/large.bin",
        link=True,
    )
    assert (tmp_path / "out2" / "large.bin").read_bytes() == data
    assert requests == []


def test_mirror_file_and_fallback(server, tmp_path):
    base, www, requests = server
    data = GOOD["small.txt"]
    fetch(f"{base}/small.txt", tmp_path / "a.txt", sha256=digest(data), mirror=www / "small.txt")
    assert requests == []
    empty_mirror = tmp_path / "mirror"
    empty_mirror.mkdir()
    fetch(f"{base}/small.txt", tmp_path / "b.txt", sha256=digest(data), mirror=empty_mirror)
    assert (tmp_path / "b.txt").read_bytes() == data
    assert requests == ["/small.txt"]


def test_corrupt_mirror_raises_and_keeps_mirror(server, tmp_path):
    base, www, requests = server
    out = tmp_path / "out"
    with pytest.raises(ChecksumError, match="mirror"):
        fetch(f"{base}/corrupt.bin", out / "c.bin", sha256=digest(b"x"), mirror=www, link=True)
    assert (www / "corrupt.bin").read_bytes() == b"tampered content"
    assert leftovers(out) == [] and requests == []


def test_local_path_and_file_url(tmp_path):
    src = tmp_path / "src.txt"
    src.write_bytes(b"local")
    fetch(src, tmp_path / "a" / "x", sha256=digest(b"local"))
    fetch(src.as_uri(), tmp_path / "b" / "x", sha256=digest(b"local"))
    assert (tmp_path / "a" / "x").read_bytes() == (tmp_path / "b" / "x").read_bytes() == b"local"
    with pytest.raises(FileNotFoundError):
        fetch(tmp_path / "nope", tmp_path / "c" / "x", sha256=None)
    with pytest.raises(FileNotFoundError):
        fetch((tmp_path / "nope").as_uri(), tmp_path / "c" / "x", sha256=None)
    assert leftovers(tmp_path / "c") == []


def test_dest_permissions_follow_umask(tmp_path):
    src = tmp_path / "src"
    src.write_bytes(b"p")
    dest = fetch(src, tmp_path / "dest", sha256=None)
    mask = os.umask(0o022)
    os.umask(mask)
    assert dest.stat().st_mode & 0o777 == 0o666 & ~mask


def test_invalid_digest_rejected(tmp_path):
    with pytest.raises(ValueError, match="SHA-256"):
        fetch("http://127.0.0.1:9/x", tmp_path / "x", sha256="abc")


def test_read_checksums_round_trip_and_errors(tmp_path):
    entries = {"b/y.h5": digest(b"y"), "a/x.json": digest(b"x")}
    path = tmp_path / "sums"
    path.write_text("# comment\n\n" + format_checksums(entries))
    assert read_checksums(path) == entries
    assert format_checksums(entries).splitlines()[0].endswith("  a/x.json")
    path.write_text(f"{digest(b'x').upper()} *a/x.json\n")
    assert read_checksums(path) == {"a/x.json": digest(b"x")}
    path.write_text("nothex  a/x.json\n")
    with pytest.raises(ValueError, match=":1:"):
        read_checksums(path)
    path.write_text(format_checksums(entries) + f"{digest(b'z')}  a/x.json\n")
    with pytest.raises(ValueError, match="twice"):
        read_checksums(path)


def test_published_model_addresses():
    experiment = "wgEncodeAwgTfbsBroadDnd41CtcfUniPk"
    assert published_model_files(experiment) == [
        f"{experiment}/16_G_best_archit.json",
        f"{experiment}/16_G_bestmodel_weights.h5",
    ]
    assert published_model_url(experiment, "16_G_bestmodel_weights.h5") == (
        "https://raw.githubusercontent.com/lgsaber/DeepResolve/"
        "8276a28cd8bb3d0ad9ae7eaea2004a148701ed23/models/422tf/"
        f"{experiment}/16_G_bestmodel_weights.h5"
    )
    for bad in ("../etc", "a/b", ""):
        with pytest.raises(ValueError):
            published_model_files(bad)
    with pytest.raises(ValueError):
        published_model_url(experiment, "other.h5")


def test_committed_checksums_cover_422_experiments():
    checksums = read_checksums(CHECKSUMS)
    assert len(checksums) == 844
    lines = CHECKSUMS.read_text().splitlines()
    assert len(lines) == 844 and lines == sorted(lines, key=lambda line: line.split("  ", 1)[1])
    experiments = {name.split("/", 1)[0] for name in checksums}
    assert len(experiments) == 422
    assert all(e.startswith("wgEncodeAwgTfbs") and e.endswith("UniPk") for e in experiments)
    for experiment in experiments:
        assert all(path in checksums for path in published_model_files(experiment))


@pytest.mark.shared_data("published-422tf-models")
def test_committed_checksums_match_shared_models(shared_data):
    models = shared_data / "published-422tf-models"
    checksums = read_checksums(CHECKSUMS)
    sample = random.Random(0).sample(sorted(checksums), 5)
    for relpath in sample:
        assert sha256sum(models / relpath) == checksums[relpath], relpath


@pytest.mark.shared_data("published-422tf-models")
def test_fetch_published_model_from_shared_mirror(shared_data, tmp_path):
    models = shared_data / "published-422tf-models"
    experiment = "wgEncodeAwgTfbsBroadDnd41CtcfUniPk"
    paths = fetch_published_model(
        experiment, tmp_path, read_checksums(CHECKSUMS), mirror=models, retries=0
    )
    assert [p.name for p in paths] == list(PUBLISHED_FILES)
    for path in paths:
        assert path.read_bytes() == (models / experiment / path.name).read_bytes()


@pytest.mark.shared_data("published-422tf-models")
def test_fetch_published_model_over_http(shared_data, tmp_path, monkeypatch):
    """The raw GitHub layout served locally: the URLs and checksums fit together."""
    import deepresolve.datasets.download as download

    experiment = "wgEncodeAwgTfbsBroadGm12878CtcfUniPk"
    www = tmp_path / "www"
    shutil.copytree(shared_data / "published-422tf-models" / experiment, www / experiment)
    out = tmp_path / "out"
    with serve(www) as (base, requests):
        monkeypatch.setattr(download, "PUBLISHED_BASE_URL", base)
        fetch_published_model(experiment, out, read_checksums(CHECKSUMS), retries=0)
    assert sorted(requests) == sorted(f"/{experiment}/{name}" for name in PUBLISHED_FILES)
    assert sorted(p.name for p in (out / experiment).iterdir()) == sorted(PUBLISHED_FILES)
