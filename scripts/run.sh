#!/usr/bin/env bash
# The README's first command: installs what is missing, builds on first use,
# and opens ALX, the desktop explorer. Without a display (a server, CI) it
# runs the headless main job instead: LeNet-5 trained with the notebook's
# preset, evaluated and scored by alx-cli, results in ./alx-run/.
#
# MNIST comes from --data-dir / $ALX_DATA_DIR / the user cache, or is
# downloaded into the cache; where none of that works (offline), it says so
# and uses Fashion-MNIST from Debian's dataset-fashion-mnist instead.
# Extra arguments go to `alx` (e.g. --model net --train) or, headless, to
# `alx-cli train` (e.g. --model net --epochs 2).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${ALX_BUILD_DIR:-$root/build}"
"$root/scripts/install-deps.sh"

gui=0
if [[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" && "${ALX_HEADLESS:-0}" != 1 ]]; then gui=1; fi
if [[ $gui == 1 ]]; then
  "$root/scripts/build.sh" alx alx-cli >/dev/null
else
  "$root/scripts/build.sh" alx-cli >/dev/null
fi
cli="$build/app/alx-cli"

dataset=mnist
if "$cli" datasets | grep -q '^mnist  *not found'; then
  echo "MNIST is not cached; downloading it (alx-cli fetch --dataset mnist)..."
  if ! "$cli" fetch --dataset mnist; then
    echo "MNIST could not be downloaded (offline?): using Fashion-MNIST from Debian's dataset-fashion-mnist instead."
    dataset=fashion-mnist
  fi
fi

if [[ $gui == 1 ]]; then
  exec "$build/app/alx" --dataset "$dataset" "$@"
fi
exec "$cli" train --model lenet5 --dataset "$dataset" --out "${ALX_OUT:-alx-run}" "$@"
