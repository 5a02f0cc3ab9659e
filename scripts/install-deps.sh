#!/usr/bin/env bash
# Installs the Debian 12 packages ALX needs to build, test and run.
# Idempotent: packages already present are skipped, and apt is only touched
# when something is missing. Run as root (or with sudo available).
#
#   scripts/install-deps.sh          everything (engine, CLI, GUI, tests)
#   scripts/install-deps.sh --core   only what core/ and alx-cli need (no Qt)
#   scripts/install-deps.sh --with-slurm   everything, plus Slurm and munge for
#                                    sweeps on this machine (scripts/slurm-local.sh)
#                                    and their tests (which run as root)
set -euo pipefail

core_packages=(
  build-essential cmake ninja-build pkg-config
  libtorch-dev            # LibTorch (1.13 on Debian 12, CPU)
  libopenblas0-pthread    # fast BLAS: LibTorch's matrix products use the system BLAS
  zlib1g-dev              # gzip-compressed IDX files
  libssl-dev              # MD5 of dataset files (OpenSSL EVP)
  libcurl4-openssl-dev    # dataset download
  libcli11-dev            # command-line parsing (header-only)
  nlohmann-json3-dev      # JSON output (header-only)
  libsqlite3-dev          # the runs folder's index
  dataset-fashion-mnist   # offline fallback dataset
  python3                 # local HTTP server used by the download test
)
ui_packages=(
  qt6-base-dev            # Qt Widgets, Network, Test, PrintSupport
  libqcustomplot-dev      # plots (Qt 6 build)
  xvfb xauth              # GUI under a virtual display
)

slurm_packages=(
  slurm-wlm               # slurmctld, slurmd and the client commands (sbatch, squeue, scancel, scontrol)
  munge                   # Slurm's authentication
  bc                      # scripts/bench-sweep.sh's arithmetic
)

packages=("${core_packages[@]}")
[[ "${1:-}" == "--core" ]] || packages+=("${ui_packages[@]}")
[[ "${1:-}" == "--with-slurm" ]] && packages+=("${slurm_packages[@]}")

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
sudo_cmd=()
[[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
