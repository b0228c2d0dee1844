#!/usr/bin/env bash
# `make run`: the whole site on embedded defaults, with a grading worker beside it.
set -euo pipefail
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-config.settings.local}
py=.venv/bin/python
mkdir -p var
$py manage.py migrate --noinput -v0
$py manage.py collectstatic --noinput -v0
$py manage.py sync_curriculum
$py manage.py demo_accounts

echo "==> Celery worker (queues grading, celery; beat for the stuck-submission sweep): var/worker.log"
$py -m celery -A config worker -Q grading,celery --concurrency "${ACADEMY_WORKERS:-2}" -B \
  -s var/celerybeat-schedule --loglevel INFO >var/worker.log 2>&1 &
worker=$!
cleanup() { kill "$worker" 2>/dev/null || true; wait "$worker" 2>/dev/null || true; }
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "==> Serving http://127.0.0.1:8000  (Ctrl-C stops the site and the worker)"
$py manage.py runserver 127.0.0.1:8000
