#!/usr/bin/env bash
# Rebuild templates/print/fogra39-toolbox.icc, the built-in CMYK profile of `toolbox build --print`,
# from FOGRA39 characterisation data (Debian: icc-profiles-free) with ArgyllCMS's colprof (Debian: argyll).
# How and why: templates/print/fogra39-toolbox.txt. Takes about 10 s.
set -euo pipefail
cd "$(dirname "$0")/.."
data=/usr/share/color/icc/FOGRA39L.ti3
[ -f "$data" ] || { echo "install icc-profiles-free (FOGRA39L.ti3) first" >&2; exit 1; }
command -v colprof >/dev/null || { echo "install argyll (colprof) first" >&2; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cp "$data" "$tmp/FOGRA39L.ti3"
(cd "$tmp" && colprof -ql -nc -kr -l300 -A "toolbox" \
  -D "toolbox FOGRA39 coated, TAC 300% (built from FOGRA39L)" \
  -C "Zlib licence; from FOGRA39L.ti3 of icc-profiles-free (Kai-Uwe Behrmann), ArgyllCMS colprof" \
  -O fogra39-toolbox.icc FOGRA39L >/dev/null)
cp "$tmp/fogra39-toolbox.icc" templates/print/fogra39-toolbox.icc
echo "wrote templates/print/fogra39-toolbox.icc"
