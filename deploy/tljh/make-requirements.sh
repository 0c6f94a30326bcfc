#!/usr/bin/env bash
# Regenerate requirements.txt from the repository's lock file (run after `make lock`).
# The test suite fails when the two differ.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
lock="$here/../../requirements/lock.txt"
{
  echo "# Generated from requirements/lock.txt by deploy/tljh/make-requirements.sh; do not edit."
  grep -v '^#' "$lock" | grep -v '^[[:space:]]*$'
} > "$here/requirements.txt"
echo "wrote $here/requirements.txt"
