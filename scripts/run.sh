#!/usr/bin/env bash
# The README's first command: installs what is missing, builds on first use,
# and runs ALX's main job: LeNet-5 trained with the notebook's preset on
# MNIST, evaluated, and scored (results in ./alx-run/).
# MNIST comes from --data-dir / ALX_DATA_DIR / the user cache, or is
# downloaded into the cache; where none of that works (offline), the job
# says so and runs on Fashion-MNIST from Debian's package instead.
# Extra arguments go to `alx-cli train`, e.g. --model net --epochs 2.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh" alx-cli >/dev/null
cli="${ALX_BUILD_DIR:-$root/build}/app/alx-cli"

dataset=mnist
if "$cli" datasets | grep -q '^mnist  *not found'; then
  echo "MNIST is not cached; downloading it (alx-cli fetch --dataset mnist)..."
  if ! "$cli" fetch --dataset mnist; then
    echo "MNIST could not be downloaded (offline?): training on Fashion-MNIST from Debian's dataset-fashion-mnist instead."
    dataset=fashion-mnist
  fi
fi
exec "$cli" train --model lenet5 --dataset "$dataset" --out "${ALX_OUT:-alx-run}" "$@"
