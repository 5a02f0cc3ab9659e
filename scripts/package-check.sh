#!/usr/bin/env bash
# Builds the Debian package and checks it end to end, the way a user gets it:
#   1. validates the desktop entry and the AppStream metadata;
#   2. builds alx_<version>_<arch>.deb (CPack) and checks its control fields
#      and file list;
#   3. installs it with apt-get, runs the installed alx-cli (--version, a
#      one-epoch LeNet-5 on Fashion-MNIST from /usr/share/datasets), and
#      checks the GUI and its desktop files when the GUI is built;
#   4. purges it and checks that none of its files is left behind.
# Exits non-zero, with a line saying what failed, on the first failure; the
# package is purged again on the way out if a check fails after installing.
#
#   scripts/package-check.sh
#   ALX_BUILD_DIR   build directory (default: build/ in the clone); configured
#                   and built by scripts/build.sh when it is not there yet
#   ALX_BUILD_JOBS  parallel build jobs (default 2)
# Needs root or sudo (apt-get, dpkg). Run it after scripts/test.sh.
set -Eeuo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${ALX_BUILD_DIR:-$root/build}"
jobs="${ALX_BUILD_JOBS:-2}"
started=$SECONDS

say() { echo "package-check: $*"; }
fail() { echo "package-check: FAIL: $*" >&2; exit 1; }
trap 'echo "package-check: FAIL: \"$BASH_COMMAND\" exited with status $? (line $LINENO)" >&2' ERR

as_root=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || fail "needs root or sudo for apt-get and dpkg"
  as_root=(sudo)
fi
apt_get() {
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get -o DPkg::Lock::Timeout=300 -q "$@"
}
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
# Installs the Debian packages given that are missing; touches apt only then.
ensure_packages() {
  local missing=() p
  for p in "$@"; do installed "$p" || missing+=("$p"); done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  say "installing ${missing[*]}"
  apt_get update -qq || fail "apt-get update failed"
  apt_get install -y -qq --no-install-recommends "${missing[@]}" ||
    fail "could not install ${missing[*]}"
}

work="$(mktemp -d)"
we_installed=0
cleanup() {
  if [[ $we_installed -eq 1 ]] && installed alx; then
    echo "package-check: purging the alx package after the failure" >&2
    apt_get remove --purge -y -qq alx >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# --- 1. The desktop entry and the AppStream metadata -------------------------
ensure_packages desktop-file-utils appstream dpkg-dev
desktop="$root/packaging/alx.desktop"
metainfo="$root/packaging/io.github.alx.Alx.metainfo.xml"

# desktop-file-validate fails only on errors; warnings count as failures here.
out="$(desktop-file-validate "$desktop" 2>&1)" ||
  fail "desktop-file-validate rejects $desktop: $out"
if grep -Eq "(error|warning):" <<<"$out"; then fail "desktop-file-validate: $out"; fi
say "desktop-file-validate packaging/alx.desktop: ok${out:+ ($out)}"

appstreamcli validate --no-net --strict "$metainfo" ||
  fail "appstreamcli validate rejects $metainfo"
say "appstreamcli validate --no-net --strict packaging/io.github.alx.Alx.metainfo.xml: ok"

# --- 2. Build the package -----------------------------------------------------
if [[ ! -f "$build/CMakeCache.txt" ]]; then
  say "no build in $build yet: running scripts/build.sh"
  ALX_BUILD_DIR="$build" ALX_BUILD_JOBS="$jobs" "$root/scripts/build.sh"
fi
version="$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")"
[[ -n "$version" ]] || fail "no CMAKE_PROJECT_VERSION in $build/CMakeCache.txt"
arch="$(dpkg --print-architecture)"
deb="$build/alx_${version}_${arch}.deb"

# The release histories must start with this version.
newest_release="$(grep -o '<release version="[^"]*"' "$metainfo" | head -n 1 | cut -d'"' -f2)"
[[ "$newest_release" == "$version" ]] ||
  fail "the newest release in $metainfo is '$newest_release', the project version is $version"
changelog_version="$(dpkg-parsechangelog -l "$root/packaging/changelog" -S Version)" ||
  fail "dpkg-parsechangelog cannot read packaging/changelog"
[[ "$changelog_version" == "$version" ]] ||
  fail "the newest entry of packaging/changelog is '$changelog_version', the project version is $version"

rm -f "$deb"
say "building the package in $build (cmake --build --target package, $jobs jobs)"
cmake --build "$build" -j "$jobs" --target package || fail "building the package failed"
# The build may have re-run CMake, after an edit of the version.
version="$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")"
deb="$build/alx_${version}_${arch}.deb"
[[ -f "$deb" ]] || fail "the build wrote no $deb"
say "built $deb ($(du -h "$deb" | cut -f1))"

# Is the GUI part of this build? Then the package must carry it.
gui=0
cmake --build "$build" --target help >"$work/targets" || fail "cannot list the build's targets"
# Ninja lists "alx: phony", Make "... alx".
if grep -Eq '^(\.\.\. )?alx(:| |$)' "$work/targets"; then gui=1; fi

# --- The control fields --------------------------------------------------------
field() { dpkg-deb -f "$deb" "$1"; }
say "control fields:"
dpkg-deb -f "$deb" Package Version Architecture Maintainer Section Priority \
  Installed-Size Depends Recommends | sed 's/^/    /'
[[ "$(field Package)" == alx ]] || fail "Package is '$(field Package)', not alx"
[[ "$(field Version)" == "$version" ]] || fail "Version is '$(field Version)', not $version"
[[ "$(field Architecture)" == "$arch" ]] || fail "Architecture is '$(field Architecture)', not $arch"
[[ "$(field Section)" == science ]] || fail "Section is '$(field Section)', not science"
[[ -n "$(field Maintainer)" ]] || fail "no Maintainer field"
[[ -z "$(field Homepage)" ]] || fail "unexpected Homepage field: $(field Homepage)"
depends="$(field Depends)"
grep -Eq '(^|, )libopenblas0-pthread([ ,]|$)' <<<"$depends" ||
  fail "Depends lacks libopenblas0-pthread: $depends"
# What only dpkg-shlibdeps adds: the C library and LibTorch.
grep -Eq '(^|, )libc6 ' <<<"$depends" || fail "Depends lacks libc6 (dpkg-shlibdeps did not run?): $depends"
grep -Eq 'libtorch' <<<"$depends" || fail "Depends lacks LibTorch (dpkg-shlibdeps did not run?): $depends"
grep -Eq '(^|, )dataset-fashion-mnist([ ,]|$)' <<<"$(field Recommends)" ||
  fail "Recommends lacks dataset-fashion-mnist: $(field Recommends)"

# --- The file list ---------------------------------------------------------------
# dpkg -c lists tar entries: ./usr/bin/alx-cli, directories with a trailing /.
dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's|^\./|/|' | grep -v '^/$' >"$work/entries"
grep -v '/$' "$work/entries" >"$work/files" || true
say "files in the package:"
sed 's/^/    /' "$work/files"
if grep -Ev '^/usr/' "$work/entries" | grep -q .; then
  fail "files outside /usr: $(grep -Ev '^/usr/' "$work/entries" | tr '\n' ' ')"
fi
if grep -q '^/usr/local/' "$work/entries"; then fail "files under /usr/local: install prefix is not /usr"; fi

expect=(/usr/bin/alx-cli /usr/share/man/man1/alx-cli.1.gz /usr/share/doc/alx/copyright
        /usr/share/doc/alx/changelog.gz)
desktop_files=(/usr/bin/alx /usr/share/applications/alx.desktop
               /usr/share/metainfo/io.github.alx.Alx.metainfo.xml
               /usr/share/icons/hicolor/scalable/apps/alx.svg)
for n in 16 32 48 64 128 256; do desktop_files+=("/usr/share/icons/hicolor/${n}x${n}/apps/alx.png"); done
if [[ $gui -eq 1 ]]; then
  expect+=("${desktop_files[@]}")
else
  say "the GUI target 'alx' is not part of this build: checking alx-cli only"
  for f in "${desktop_files[@]}"; do
    if grep -Fxq "$f" "$work/files"; then fail "$f is packaged, but the GUI is not built"; fi
  done
fi
for f in "${expect[@]}"; do
  if ! grep -Fxq "$f" "$work/files"; then
    [[ "$f" == /usr/bin/alx ]] && fail "the GUI is built but not packaged: the alx target needs an install rule"
    fail "$f is missing from the package"
  fi
done

# --- 3. Install it ---------------------------------------------------------------
if installed alx; then
  say "alx $(dpkg-query -W -f='${Version}' alx) is installed already: purging it first"
  apt_get remove --purge -y -qq alx >/dev/null || fail "could not purge the installed alx"
fi
say "apt-get install -y $deb"
we_installed=1
apt_get install -y "$deb" || fail "apt-get install of $deb failed"
installed alx || fail "alx is not installed after apt-get install"
[[ "$(dpkg-query -W -f='${Version}' alx)" == "$version" ]] || fail "the installed alx is not version $version"

for f in "${expect[@]}"; do [[ -e "$f" ]] || fail "$f is not installed"; done
[[ -x /usr/bin/alx-cli ]] || fail "/usr/bin/alx-cli is not executable"
libs="$(ldd /usr/bin/alx-cli)" || fail "ldd /usr/bin/alx-cli failed"
if grep -q "not found" <<<"$libs"; then
  fail "/usr/bin/alx-cli misses libraries: $(grep 'not found' <<<"$libs" | tr '\n' ' ')"
fi
dynamic="$(readelf -d /usr/bin/alx-cli)" || fail "readelf -d /usr/bin/alx-cli failed"
if grep -E 'R(UN)?PATH' <<<"$dynamic" | grep -Fq "$build"; then
  fail "/usr/bin/alx-cli still has the build directory in its RUNPATH"
fi

page="$(zcat /usr/share/man/man1/alx-cli.1.gz)" || fail "the manual page is not valid gzip"
grep -Fq "ALX $version" <<<"$page" || fail "the manual page does not carry version $version"
if command -v groff >/dev/null; then
  warnings="$(groff -man -ww -z 2>&1 <<<"$page")" || true
  [[ -z "$warnings" ]] || fail "groff warns about the manual page: $warnings"
fi

version_out="$(/usr/bin/alx-cli --version)" || fail "alx-cli --version exited with $?"
grep -Eq "(^|[^0-9.])${version//./\\.}([^0-9.]|$)" <<<"$version_out" ||
  fail "alx-cli --version printed '$version_out', not version $version"
say "/usr/bin/alx-cli --version: $version_out"
if [[ -x /usr/bin/alx ]]; then
  # The GUI needs no display to answer --version (offscreen platform).
  gui_version="$(QT_QPA_PLATFORM=offscreen /usr/bin/alx --version 2>/dev/null)" || fail "alx --version exited with $?"
  [[ "$gui_version" == "alx $version" ]] || fail "alx --version printed '$gui_version', not 'alx $version'"
  say "/usr/bin/alx --version: $gui_version"
fi

/usr/bin/alx-cli models >"$work/models.txt" || fail "alx-cli models exited with $?"
grep -q lenet5 "$work/models.txt" || fail "alx-cli models does not list lenet5"
status=0
/usr/bin/alx-cli train --model no-such-model --out "$work/bad" >/dev/null 2>&1 || status=$?
[[ $status -eq 2 ]] || fail "alx-cli train with an unknown model exited with $status, not 2"

# One epoch on part of Fashion-MNIST, read from Debian's package: no data
# directory, no cache, so the lookup must end in /usr/share/datasets.
ensure_packages dataset-fashion-mnist
[[ -d /usr/share/datasets/fashion-mnist ]] || fail "/usr/share/datasets/fashion-mnist is missing"
run="$(mktemp -d "$work/run.XXXXXX")"
mkdir -p "$work/home" "$work/cache"
say "/usr/bin/alx-cli train --model lenet5 --epochs 1 --train-images 2000 --test-images 500 --dataset fashion-mnist --out $run"
status=0
env -u ALX_DATA_DIR HOME="$work/home" XDG_CACHE_HOME="$work/cache" timeout 1200 \
  /usr/bin/alx-cli train --model lenet5 --epochs 1 --train-images 2000 --test-images 500 \
  --dataset fashion-mnist --out "$run" >"$work/train.log" 2>&1 || status=$?
sed 's/^/    /' "$work/train.log"
[[ $status -eq 0 ]] || fail "alx-cli train exited with $status"
for f in summary.json per_sample.csv probabilities.npy embeddings.npy model.pt; do
  [[ -s "$run/$f" ]] || fail "alx-cli train wrote no $f"
done
rows=$(($(wc -l <"$run/per_sample.csv") - 1))
[[ $rows -eq 500 ]] || fail "per_sample.csv has $rows rows, not 500"
grep -q '"test_accuracy"' "$run/summary.json" || fail "summary.json has no test_accuracy"

if [[ $gui -eq 1 ]]; then
  [[ -x /usr/bin/alx ]] || fail "/usr/bin/alx is not executable"
  libs="$(ldd /usr/bin/alx)" || fail "ldd /usr/bin/alx failed"
  if grep -q "not found" <<<"$libs"; then
    fail "/usr/bin/alx misses libraries: $(grep 'not found' <<<"$libs" | tr '\n' ' ')"
  fi
  desktop-file-validate /usr/share/applications/alx.desktop ||
    fail "the installed desktop entry does not validate"
  say "/usr/bin/alx and its desktop entry, metainfo and icons are installed"
else
  say "no GUI in this build: /usr/bin/alx not checked"
fi

# --- 4. Purge it and look for leftovers --------------------------------------------
say "apt-get remove --purge -y alx"
apt_get remove --purge -y alx || fail "apt-get remove --purge alx failed"
if installed alx || dpkg-query -W -f='${Status}' alx 2>/dev/null | grep -q config-files; then
  fail "alx is still known to dpkg after the purge: $(dpkg-query -W -f='${Status}' alx)"
fi
we_installed=0
left=()
while IFS= read -r f; do
  if [[ -e "$f" || -L "$f" ]]; then left+=("$f"); fi
done <"$work/files"
# A directory may stay when another package owns it or it holds other files;
# one that is empty and owned by nobody was left behind by us.
while IFS= read -r d; do
  d="${d%/}"
  if [[ -d "$d" && -z "$(ls -A "$d")" ]] && ! dpkg -S "$d" >/dev/null 2>&1; then left+=("$d/"); fi
done < <(grep '/$' "$work/entries")
[[ ${#left[@]} -eq 0 ]] || fail "left behind after the purge: ${left[*]}"
say "purged: none of the package's $(wc -l <"$work/files") files is left"

say "OK: $(basename "$deb") builds, validates, installs, runs and purges cleanly ($((SECONDS - started)) s)"
