#!/usr/bin/env bash
# Takes the README's screenshots of the real app under Xvfb after real runs:
# LeNet-5 on MNIST, then an active-learning run folder opened on its page,
# then a training run with its map (alx-cli train --train-neighbours, then
# alx-cli map) on the Map and Uncertain pages.
#   scripts/screenshots.sh AL_RUN_DIR MAP_RUN_DIR [OUT_DIR]    (needs xvfb, xdotool, imagemagick)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
al_run="$1"
map_run="$2"
out="${3:-$root/docs/screenshots}"
mkdir -p "$out"
data="${ALX_DATA_DIR:-$(cd "$root/.." && pwd)/shared/datasets/mnist}"
export DISPLAY=:97 QT_QPA_PLATFORM=xcb
Xvfb "$DISPLAY" -screen 0 1440x900x24 >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null || true' EXIT
sleep 1
shot() { sleep "${2:-1}"; import -window "$w" "$out/$1.png"; echo "wrote $out/$1.png"; }
# Xvfb has no window manager to give keyboard focus: tabs are clicked.
tab() { xdotool mousemove --window "$w" "$1" 32 click 1; }
window() { xdotool search --sync --onlyvisible --name "ALX" | head -1; }

export XDG_CONFIG_HOME="$(mktemp -d)" XDG_DATA_HOME="$(mktemp -d)"  # a fresh profile
"$root/build/app/alx" --data-dir "$data" --model lenet5 --epochs 3 --train &
app=$!
w=$(window)
# Training, evaluation and scoring of 60,000 images: wait for the results.
sleep "${ALX_SHOT_WAIT:-90}"
shot training 0
tab 440; shot results
tab 506; shot scores
tab 597; shot uncertain
kill $app
wait $app 2>/dev/null || true

"$root/build/app/alx" --data-dir "$data" --open "$al_run" &
app=$!
w=$(window)
shot active-learning 8
kill $app

# The Map page by label, then by entropy (its popup list clicked by position:
# Xvfb has no window manager to pass keys on); the Uncertain page with the
# neighbours from the training set.
"$root/build/app/alx" --data-dir "$data" --open "$map_run" &
app=$!
w=$(window)
sleep 15
tab 681; shot map-labels 3
xdotool mousemove --window "$w" 1116 64 click 1; sleep 1; xdotool mousemove 1080 131 click 1
shot map-entropy 3
tab 597; sleep 1
xdotool mousemove --window "$w" 980 74 click 1; sleep 1; xdotool mousemove 960 97 click 1
shot uncertain-training 2
kill $app
