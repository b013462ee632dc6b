#!/usr/bin/env bash
# Build MEME Suite 5.5.8 `tomtom` from the minimal source archive of ../shared/tools
# (see ../shared/tools/BUILD.md) into a cache outside the checkout, or reuse a cached build.
#
#   scripts/build_tomtom.sh [--install-packages] [ARCHIVE]
#
# ARCHIVE defaults to $DEEPRESOLVE_MEME_ARCHIVE, else ../shared/tools/meme-5.5.8-tomtom-src.tar.gz
# beside the repository. Its SHA-256 must be the pinned one below. The build goes to
#   ${XDG_CACHE_HOME:-$HOME/.cache}/deepresolve/meme-5.5.8-<first 12 hex digits of the SHA-256>/
# (bin/tomtom, build.log); a later call finds it there and builds nothing. The last line on
# stdout is the path of the binary. --install-packages runs apt-get for the Debian build
# packages when they are missing (CI only: the tests pass it only when
# tests/conftest.py:system_installs_allowed() is true); without it, missing packages are an
# error that names them.
set -euo pipefail

PINNED_SHA256=4773d88f6b44d14d4240c37c801997470248344c8232d72400d0d4cf3646f72e
PACKAGES=(build-essential libxml2-dev libxslt1-dev zlib1g-dev)
FILE_TIME=@1747346506 # the archive's one file date (BUILD.md, pitfall 1)

install_packages=0
if [[ ${1:-} == --install-packages ]]; then
    install_packages=1
    shift
fi
root="$(cd "$(dirname "$0")/.." && pwd)"
archive="${1:-${DEEPRESOLVE_MEME_ARCHIVE:-$root/../shared/tools/meme-5.5.8-tomtom-src.tar.gz}}"

die() {
    echo "build_tomtom.sh: error: $*" >&2
    exit 1
}

[[ -f $archive ]] || die "no MEME source archive at $archive (pass its path, or set DEEPRESOLVE_MEME_ARCHIVE)"
sha="$(sha256sum "$archive" | cut -d' ' -f1)"
[[ $sha == "$PINNED_SHA256" ]] ||
    die "$archive has SHA-256 $sha, expected $PINNED_SHA256 (the MEME 5.5.8 tomtom subset of BUILD.md)"

cache="${XDG_CACHE_HOME:-$HOME/.cache}/deepresolve/meme-5.5.8-${sha:0:12}"
binary="$cache/bin/tomtom"
if [[ -x $binary ]] && "$binary" -version >/dev/null 2>&1; then
    echo "build_tomtom.sh: cached build $binary (MEME $("$binary" -version))" >&2
    echo "$binary"
    exit 0
fi

missing=()
for package in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
        missing+=("$package")
done
if ((${#missing[@]})); then
    if ((install_packages)); then
        echo "build_tomtom.sh: apt-get install ${missing[*]}" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >&2
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
    else
        die "missing Debian packages ${missing[*]}: install them (apt-get install ${PACKAGES[*]}) or pass --install-packages"
    fi
fi

mkdir -p "$(dirname "$cache")"
work="$(mktemp -d "$(dirname "$cache")/.build-XXXXXX")"
trap 'rm -rf "$work"' EXIT
log="$work/build.log"
echo "build_tomtom.sh: building tomtom in $work (log: $cache/build.log)" >&2
start=$SECONDS
{
    tar -xzf "$archive" -C "$work"
    cd "$work/meme-5.5.8"
    find . -exec touch -h -d "$FILE_TIME" {} + # make must not try to rerun automake
    ./configure --prefix="$cache" --enable-serial
    cd src
    make dir.h projrel.h citation.js.h
    make -j"$(nproc)" tomtom
} >"$log" 2>&1 || die "build failed, last lines of $log:
$(tail -n 20 "$log")"
version="$("$work/meme-5.5.8/src/tomtom" -version)"
mkdir -p "$work/result/bin"
cp "$work/meme-5.5.8/src/tomtom" "$work/result/bin/tomtom"
echo "built in $((SECONDS - start)) s, MEME $version, from $archive" >>"$log"
cp "$log" "$work/result/build.log"
# rename into place in one step: a concurrent build that finished first wins, this one is dropped
mv -T "$work/result" "$cache" 2>/dev/null || true
[[ -x $binary ]] || die "could not install the build into $cache"
echo "build_tomtom.sh: built MEME $version in $((SECONDS - start)) s -> $binary" >&2
echo "$binary"
