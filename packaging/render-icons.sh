#!/usr/bin/env bash
# Renders the application icon resources/alx.svg into the PNG sizes the
# package installs (resources/icons/alx-<N>.png). The PNGs are committed, so
# building and packaging need no SVG renderer; run this after editing the
# SVG, then commit the PNGs with it. Needs rsvg-convert (librsvg2-bin).
#   packaging/render-icons.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
svg="$root/resources/alx.svg"
out="$root/resources/icons"
# Keep in step with ALX_ICON_SIZES in packaging/CMakeLists.txt.
sizes=(16 32 48 64 128 256)

command -v rsvg-convert >/dev/null ||
  { echo "render-icons: rsvg-convert not found (apt-get install librsvg2-bin)" >&2; exit 1; }
mkdir -p "$out"
for n in "${sizes[@]}"; do
  rsvg-convert --width "$n" --height "$n" --keep-aspect-ratio --format png \
    --output "$out/alx-$n.png.tmp" "$svg"
  mv "$out/alx-$n.png.tmp" "$out/alx-$n.png"
  echo "render-icons: $out/alx-$n.png"
done
