#!/usr/bin/env bash
# Renders an HTML file (e.g. the output of `python -m spacy_mbre visualize`)
# to a PNG with headless Chromium: Debian's `chromium` package
# (apt-get install -y chromium), or the browser named by $CHROMIUM.
#   bash scripts/render_png.sh IN.html OUT.png [WIDTH] [HEIGHT]
# WIDTH x HEIGHT (default 1800 x 1200) is the browser window: the PNG shows
# that much of the page, from the top.
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 IN.html OUT.png [WIDTH] [HEIGHT]" >&2
  exit 2
fi
in_html=$1
out_png=$2
width=${3:-1800}
height=${4:-1200}
browser=${CHROMIUM:-chromium}
if ! command -v "$browser" >/dev/null 2>&1; then
  echo "✘ $browser not found: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM" >&2
  exit 1
fi
if [ ! -f "$in_html" ]; then
  echo "✘ $in_html: no such file" >&2
  exit 1
fi
mkdir -p "$(dirname "$out_png")"
# --no-sandbox: Chromium refuses to run as root with its sandbox on.
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
  --window-size="$width,$height" --screenshot="$(realpath -m "$out_png")" \
  "file://$(realpath "$in_html")" 2>/dev/null >/dev/null
if [ ! -s "$out_png" ]; then
  echo "✘ $browser wrote no PNG to $out_png" >&2
  exit 1
fi
echo "✔ Wrote $out_png (${width}x${height})"
