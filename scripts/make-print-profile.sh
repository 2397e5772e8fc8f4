#!/usr/bin/env bash
# Rebuild the built-in CMYK profiles of `toolbox build --print` from FOGRA characterisation data
# (Debian: icc-profiles-free) with ArgyllCMS's colprof (Debian: argyll):
#   templates/print/fogra39-toolbox.icc  coated offset (FOGRA39), 300 % total ink
#   templates/print/fogra29-toolbox.icc  uncoated offset (FOGRA29), 270 % total ink
# How and why: templates/print/fogra39-toolbox.txt and fogra29-toolbox.txt. Takes about 20 s.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v colprof >/dev/null || { echo "install argyll (colprof) first" >&2; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

make_profile() {  # condition, total ink limit, paper
  local name=$1 limit=$2 paper=$3 data=/usr/share/color/icc/${1}L.ti3
  [ -f "$data" ] || { echo "install icc-profiles-free (${name}L.ti3) first" >&2; exit 1; }
  cp "$data" "$tmp/${name}L.ti3"
  local lower
  lower=$(echo "$name" | tr '[:upper:]' '[:lower:]')
  (cd "$tmp" && colprof -ql -nc -kr "-l$limit" -A "toolbox" \
    -D "toolbox $name $paper, TAC $limit% (built from ${name}L)" \
    -C "Zlib licence; from ${name}L.ti3 of icc-profiles-free (Kai-Uwe Behrmann), ArgyllCMS colprof" \
    -O "$lower-toolbox.icc" "${name}L" >/dev/null)
  cp "$tmp/$lower-toolbox.icc" "templates/print/$lower-toolbox.icc"
  echo "wrote templates/print/$lower-toolbox.icc"
}

make_profile FOGRA39 300 coated
make_profile FOGRA29 270 uncoated
