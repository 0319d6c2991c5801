#!/usr/bin/env bash
# The README's test command: install, run the fast suite, then the slow real-model tests.
# pytest exits 5 when a selection holds no test: that is not a failure here.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh || exit $?
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_DATASETS_OFFLINE=1
status=0
python3 -m pytest -m "not slow" "$@"; rc=$?
[ $rc -eq 5 ] && rc=0; [ $rc -ne 0 ] && status=$rc
if [ -z "${TRANSMODAL_SKIP_SLOW:-}" ]; then
  python3 -m pytest -m slow "$@"; rc=$?
  [ $rc -eq 5 ] && rc=0; [ $rc -ne 0 ] && status=$rc
fi
exit $status
