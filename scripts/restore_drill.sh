#!/usr/bin/env bash
# Restore drill: prove a backup restores into a working portal, then throw the copy away.
#
# Usage: scripts/restore_drill.sh [--port PORT] BACKUP.dump [MEDIA.tar.gz]
#
# 1. Creates a scratch database, <name>_restore_YYYYmmddHHMMSS, on the PostgreSQL server that
#    RESTORE_DATABASE_URL (or else DATABASE_URL) points at, and pg_restores the dump into it.
# 2. Unpacks the media archive (by default the one scripts/backup.sh wrote beside the dump,
#    when there is one) into a scratch folder.
# 3. Runs manage.py check and migrate --check against the copy, and prints what it holds:
#    organisations, pledges, partners in the directory, emails not yet sent, logos present.
# 4. Serves the copy with gunicorn on 127.0.0.1, on PORT (--port) or else a free port, and
#    requests / and /partners/.
# 5. Drops the scratch database and folder, even when a step failed (KEEP=1 keeps both).
# The first step that fails stops the drill with "RESTORE DRILL FAILED: ..." and exit status 1.
#
# The copy is served with tasks run eagerly, a local cache and emails printed, whatever the
# environment says: a drill never talks to the live broker or cache, and never emails anyone.
#
# Environment:
#   DATABASE_URL           the server to restore onto (its role needs CREATEDB), unless
#   RESTORE_DATABASE_URL   names another server; only its host, port and credentials are used
#   KEEP=1                 keep the scratch database and media folder afterwards, to look at
#   MIGRATE=1              apply migrations the backup predates instead of failing on them
#   PYTHON                 the portal's Python (default: .venv/bin/python, else python3)
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

fail() {
  echo "RESTORE DRILL FAILED: $*" >&2
  exit 1
}

step() {
  echo "==> $*"
}

usage="usage: scripts/restore_drill.sh [--port PORT] BACKUP.dump [MEDIA.tar.gz]"
port=""
while [[ $# -gt 0 && "$1" == --* ]]; do
  case "$1" in
    --port)
      [[ $# -ge 2 ]] || fail "${usage}"
      port="$2"
      shift 2
      ;;
    --port=*)
      port="${1#--port=}"
      shift
      ;;
    *) fail "unknown option $1; ${usage}" ;;
  esac
done
[[ -z "${port}" || ("${port}" =~ ^[0-9]+$ && "${port}" -ge 1 && "${port}" -le 65535) ]] ||
  fail "--port wants a port number from 1 to 65535, not ${port}."
[[ $# -ge 1 && $# -le 2 && -n "$1" ]] || fail "${usage}"
dump="$1"
[[ -f "${dump}" && -r "${dump}" ]] || fail "no readable dump at ${dump}."
media_archive="${2:-}"
if [[ -z "${media_archive}" && -f "${dump%.dump}.media.tar.gz" ]]; then
  media_archive="${dump%.dump}.media.tar.gz"
fi
[[ -z "${media_archive}" || -r "${media_archive}" ]] || fail "no readable media archive at ${media_archive}."

if [[ -z "${PYTHON:-}" ]]; then
  if [[ -x "${repo_root}/.venv/bin/python" ]]; then PYTHON="${repo_root}/.venv/bin/python"; else PYTHON=python3; fi
fi

server_url="${RESTORE_DATABASE_URL:-${DATABASE_URL:-}}"
[[ "${server_url}" == postgres://* || "${server_url}" == postgresql://* ]] ||
  fail "set DATABASE_URL (or RESTORE_DATABASE_URL) to a PostgreSQL URL naming the server to restore onto."

# The scratch database is named after the server URL's database, on the same server.
scratch="$("${PYTHON}" - "${server_url}" "$(date +%Y%m%d%H%M%S)" <<'PY'
import sys
from urllib.parse import urlsplit, urlunsplit

url, stamp = urlsplit(sys.argv[1]), sys.argv[2]
name = f"{url.path.lstrip('/') or 'pledge_portal'}_restore_{stamp}"
print(name, urlunsplit(url._replace(path="/" + name)))
PY
)" || fail "could not work out a scratch database name from the server URL."
scratch_name="${scratch%% *}"
scratch_url="${scratch#* }"

scratch_created=""
media_root=""
server_pid=""
server_log=""

cleanup() {
  local status=$?
  if [[ -n "${server_pid}" ]]; then
    kill "${server_pid}" 2>/dev/null || true
    wait "${server_pid}" 2>/dev/null || true
  fi
  if [[ "${KEEP:-}" == 1 ]]; then
    [[ -n "${scratch_created}" ]] && echo "Kept the scratch database ${scratch_name} (KEEP=1)."
    [[ -n "${media_root}" ]] && echo "Kept the scratch media folder ${media_root} (KEEP=1)."
  else
    if [[ -n "${scratch_created}" ]]; then
      # FORCE: a connection left by a failed step must not keep the copy alive.
      if psql --quiet --no-psqlrc --dbname "${server_url}" --set ON_ERROR_STOP=1 \
        --command "DROP DATABASE IF EXISTS \"${scratch_name}\" WITH (FORCE)" >/dev/null; then
        echo "Dropped the scratch database ${scratch_name}."
      else
        echo "Could not drop the scratch database ${scratch_name}: drop it by hand." >&2
        status=1
      fi
    fi
    [[ -n "${media_root}" ]] && rm -rf "${media_root}"
  fi
  [[ -n "${server_log}" ]] && rm -f "${server_log}"
  exit "${status}"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step "Creating the scratch database ${scratch_name}"
# template0, as pg_dump's documentation advises: nothing added to template1 can clash with the dump.
psql --quiet --no-psqlrc --dbname "${server_url}" --set ON_ERROR_STOP=1 \
  --command "CREATE DATABASE \"${scratch_name}\" TEMPLATE template0" >/dev/null ||
  fail "could not create the scratch database ${scratch_name} (does the role have CREATEDB?)."
scratch_created=1

step "Restoring ${dump}"
# One transaction, stopping at the first error: a dump that restores only in part fails the drill.
# Owners and grants are left out so the drill runs as whichever role it connects with.
pg_restore --single-transaction --exit-on-error --no-owner --no-acl --dbname "${scratch_url}" "${dump}" ||
  fail "pg_restore could not restore ${dump} (see the error above): this backup is not usable."

media_root="$(mktemp -d "${TMPDIR:-/tmp}/${scratch_name}_media.XXXXXX")"
if [[ -n "${media_archive}" ]]; then
  step "Unpacking ${media_archive}"
  tar --extract --gzip --file "${media_archive}" --directory "${media_root}" ||
    fail "could not unpack the media archive ${media_archive}."
else
  step "No media archive given: logos will not be checked"
fi

# The copy runs as production is configured, except for what would reach live services or people.
drill_env=(
  "DATABASE_URL=${scratch_url}"
  "MEDIA_ROOT=${media_root}"
  "SERVE_MEDIA=True"
  "CELERY_BROKER_URL="
  "CACHE_URL=locmemcache://"
  "EMAIL_URL=consolemail://"
  "SENTRY_DSN="
  "ALLOWED_HOSTS=127.0.0.1"
)
portal() {
  (cd "${repo_root}" && env "${drill_env[@]}" "${PYTHON}" manage.py "$@")
}

step "manage.py check"
portal check --database default || fail "manage.py check found problems with the restored database."

if [[ "${MIGRATE:-}" == 1 ]]; then
  step "manage.py migrate (MIGRATE=1)"
  portal migrate --noinput || fail "manage.py migrate could not bring the restored database up to date."
fi
step "manage.py migrate --check"
if ! portal migrate --check >/dev/null; then
  portal showmigrations --plan | grep -F '[ ]' >&2 || true
  fail "the backup predates the migrations listed above. A real restore runs 'manage.py migrate' next; \
rerun the drill with MIGRATE=1 to do the same."
fi

step "What the backup holds"
if [[ -n "${media_archive}" ]]; then check_logos=True; else check_logos=False; fi
portal shell --no-imports -c "check_logos = ${check_logos}"$'\n'"$(
  cat <<'PY'
import sys

from django.core.files.storage import default_storage

from organisations.models import Organisation
from outbox.models import OutboxEmail
from pledges.models import Pledge

logos = list(Organisation.objects.exclude(logo="").values_list("logo", flat=True))
print(f"Organisations: {Organisation.objects.count()}")
print(f"Pledges: {Pledge.objects.count()} ({Pledge.objects.in_directory().count()} approved: the partners listed)")
# Queued, or being sent: the workers will send these once a restored portal starts.
unsent = OutboxEmail.objects.exclude(status__in=[OutboxEmail.Status.SENT, OutboxEmail.Status.FAILED]).count()
print(f"Emails not yet sent: {unsent}")
if not check_logos:
    print(f"Logos: {len(logos)} named in the database (not checked: no media archive)")
    sys.exit(0)
missing = [name for name in logos if not default_storage.exists(name)]
print(f"Logos: {len(logos)} named in the database, {len(logos) - len(missing)} in the media archive")
for name in missing:
    print(f"Missing logo: {name}", file=sys.stderr)
sys.exit(1 if missing else 0)
PY
)" || fail "the restored database is unreadable, or names logos the media archive does not hold (above)."

if [[ -z "${port}" ]]; then
  port="$("${PYTHON}" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
fi
server_log="$(mktemp "${TMPDIR:-/tmp}/${scratch_name}_gunicorn.XXXXXX")"
step "Serving the copy on http://127.0.0.1:${port}"
(cd "${repo_root}" && exec env "${drill_env[@]}" "${PYTHON}" -m gunicorn pledge_portal.wsgi \
  --bind "127.0.0.1:${port}" --workers 1 --timeout 60 >"${server_log}" 2>&1) &
server_pid=$!

fetch() {
  # The proxy's header, so a production SECURE_SSL_REDIRECT answers instead of redirecting.
  curl --silent --output /dev/null --write-out '%{http_code}' --max-time 30 \
    --header 'X-Forwarded-Proto: https' "http://127.0.0.1:${port}$1" || true
}

# Any answer at all means gunicorn is up; the checks that count come next.
started=""
for _ in $(seq 1 60); do
  if ! kill -0 "${server_pid}" 2>/dev/null; then
    cat "${server_log}" >&2
    fail "gunicorn stopped while starting (its log is above)."
  fi
  if [[ "$(fetch /health/live)" != 000 ]]; then
    started=1
    break
  fi
  sleep 0.5
done
[[ -n "${started}" ]] || fail "gunicorn did not answer on port ${port} within 30 seconds."

for path in / /partners/; do
  status="$(fetch "${path}")"
  echo "GET ${path} -> ${status}"
  if [[ "${status}" != 200 ]]; then
    tail -n 40 "${server_log}" >&2
    fail "GET ${path} answered ${status}, not 200 (gunicorn's log is above)."
  fi
done

echo "Restore drill passed: ${dump} restores into a working portal."
