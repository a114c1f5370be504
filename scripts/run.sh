#!/usr/bin/env bash
# make run: the admin's development server with a job worker and the feed scheduler beside it.
# All three stop together (Ctrl-C, or when the server exits).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"

trap 'kill $(jobs -p) 2>/dev/null || true' EXIT
$PY manage.py db_worker --interval 0.5 &
$PY manage.py schedule_feeds --loop &
echo "Serving the admin at http://$HOST:$PORT/admin/ (Ctrl-C to stop); a job worker and the feed scheduler run beside it."
FACTCHECK_DEMO=1 $PY manage.py runserver "$HOST:$PORT"
