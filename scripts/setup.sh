#!/usr/bin/env bash
# Set up a machine for toolbox: system libraries and tools (Debian/Ubuntu), then a virtual
# environment in .venv with toolbox in it, at the versions of constraints.txt.
#   bash scripts/setup.sh          what building needs (the main job: toolbox build, pack, serve)
#   bash scripts/setup.sh --test   that, and what the tests need: Chromium and chromedriver, Java
#                                  and npm (the Nu HTML Checker, axe-core), the test tools
# Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

TEST=0
case "${1:-}" in
  --test) TEST=1 ;;
  "") ;;
  *) echo "usage: bash scripts/setup.sh [--test]" >&2; exit 2 ;;
esac

# pango: WeasyPrint's text layout. libharfbuzz-subset0: 2-5x faster font subsetting in WeasyPrint.
# espeak-ng and ffmpeg: audio versions (synthetic drafts,
# Opus/MP3 encoding; docs/audio.md). ghostscript: the print-shop preflight (toolbox build --print,
# toolbox preflight) measures total ink coverage on its CMYK rendering. argyll and
# icc-profiles-free only rebuild the bundled CMYK profile (scripts/make-print-profile.sh); the
# build itself needs neither.
PACKAGES="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 espeak-ng ffmpeg ghostscript"
if [ "$TEST" = 1 ]; then
  # poppler-utils (pdftotext, pdffonts, pdftoppm), qpdf and gettext (msgfmt): the tests read PDFs and catalogs back (building
  # draws its PNGs with pypdfium2). chromium and chromium-driver: the microsite tests load every
  # page in headless Chromium (network requests, quick exit, axe-core). Java runs the Nu HTML
  # Checker and npm installs it and axe-core (package.json); both are added only when missing,
  # so a Node or Java installed another way is left alone.
  PACKAGES="$PACKAGES poppler-utils qpdf gettext chromium chromium-driver"
  command -v java >/dev/null 2>&1 || PACKAGES="$PACKAGES default-jre-headless"
  command -v npm >/dev/null 2>&1 || PACKAGES="$PACKAGES nodejs npm"
fi

missing=""
for pkg in $PACKAGES; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing="$missing $pkg"
done
if [ -n "$missing" ]; then
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    echo "installing system packages:$missing"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
  else
    echo "please install these system packages:$missing" >&2
  fi
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
# Editable: templates/, locales/ and the sample are read where they are, so a designer's edit
# shows in the next build. constraints.txt pins every Python package (CI installs the same).
if [ "$TEST" = 1 ]; then
  .venv/bin/python -m pip install -q -c constraints.txt -e ".[test]"
  # Browser-side checkers for the tests (node_modules/ is git-ignored).
  if command -v npm >/dev/null 2>&1; then
    npm ci --no-audit --no-fund --loglevel=error >/dev/null
  else
    echo "npm is missing: the axe-core and Nu HTML Checker tests need it" >&2
  fi
else
  .venv/bin/python -m pip install -q -c constraints.txt -e .
fi
echo "toolbox is ready: .venv/bin/toolbox --help"
