#!/usr/bin/env bash
# Back up the portal: a pg_dump of the database and a tar of MEDIA_ROOT (the partners' logos).
#
# Usage: scripts/backup.sh DEST_DIR
#
# Writes, for the database DATABASE_URL names (say pledge_portal):
#   DEST_DIR/pledge_portal-YYYYmmddHHMMSS.dump           pg_dump --format=custom
#   DEST_DIR/pledge_portal-YYYYmmddHHMMSS.media.tar.gz   everything under MEDIA_ROOT
# Each file appears under its final name only once complete, and the dump is read
# back (pg_restore --list) before the script says it succeeded. scripts/restore_drill.sh
# restores the pair.
#
# Environment:
#   DATABASE_URL            required: postgres://user:pass@host:5432/name (read from the environment, not .env)
#   MEDIA_ROOT              as the portal's settings read it (default: media/ in the checkout)
#   BACKUP_RETENTION_DAYS   if set, afterwards delete this database's backups in DEST_DIR older than that
#   PYTHON                  the portal's Python (default: .venv/bin/python, else python3)
set -euo pipefail
# The dump holds people's names and email addresses: only the owner may read what this writes.
umask 077

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

fail() {
  echo "BACKUP FAILED: $*" >&2
  exit 1
}

[[ $# -eq 1 && -n "$1" ]] || fail "usage: scripts/backup.sh DEST_DIR"
dest="$1"

if [[ -z "${PYTHON:-}" ]]; then
  if [[ -x "${repo_root}/.venv/bin/python" ]]; then PYTHON="${repo_root}/.venv/bin/python"; else PYTHON=python3; fi
fi

database_url="${DATABASE_URL:-}"
[[ "${database_url}" == postgres://* || "${database_url}" == postgresql://* ]] ||
  fail "DATABASE_URL must name the PostgreSQL database to back up (postgres://user:pass@host:5432/name)."
database_name="$("${PYTHON}" -c 'import sys, urllib.parse; print(urllib.parse.urlsplit(sys.argv[1]).path.lstrip("/"))' "${database_url}")"
[[ -n "${database_name}" ]] || fail "DATABASE_URL names no database."

# Ask the portal where its uploads are, so a MEDIA_ROOT set in .env is honoured too.
media_root="$(cd "${repo_root}" && "${PYTHON}" manage.py shell --no-imports \
  -c 'from django.conf import settings; print(settings.MEDIA_ROOT)')" ||
  fail "could not read MEDIA_ROOT from the portal's settings (see the error above)."

mkdir -p "${dest}" || fail "cannot create ${dest}."
stamp="$(date +%Y%m%d%H%M%S)"
dump="${dest}/${database_name}-${stamp}.dump"
media="${dest}/${database_name}-${stamp}.media.tar.gz"
# Partial files are removed if anything stops the script half way.
trap 'rm -f "${dump}.partial" "${media}.partial"' EXIT

echo "Dumping ${database_name} to ${dump}"
pg_dump --format=custom --file "${dump}.partial" --dbname "${database_url}" ||
  fail "pg_dump of ${database_name} failed (see the error above)."
pg_restore --list "${dump}.partial" >/dev/null || fail "the new dump ${dump}.partial cannot be read back."
mv "${dump}.partial" "${dump}"

# The database is dumped first: every logo a dumped row names was already on disk.
if [[ -d "${media_root}" ]]; then
  echo "Archiving ${media_root} to ${media}"
  tar --create --gzip --file "${media}.partial" --directory "${media_root}" . ||
    fail "could not archive ${media_root}."
else
  # A new installation has no uploads yet; an empty archive keeps the pair complete.
  echo "No media folder at ${media_root} yet; writing an empty archive to ${media}"
  tar --create --gzip --file "${media}.partial" --files-from /dev/null || fail "could not write ${media}."
fi
mv "${media}.partial" "${media}"

if [[ -n "${BACKUP_RETENTION_DAYS:-}" ]]; then
  [[ "${BACKUP_RETENTION_DAYS}" =~ ^[0-9]+$ ]] || fail "BACKUP_RETENTION_DAYS must be a whole number of days."
  echo "Deleting ${database_name} backups in ${dest} older than ${BACKUP_RETENTION_DAYS} days:"
  find "${dest}" -maxdepth 1 -type f \
    \( -name "${database_name}-*.dump" -o -name "${database_name}-*.media.tar.gz" \) \
    -mtime +"${BACKUP_RETENTION_DAYS}" -print -delete
fi

echo "Backup complete: ${dump} ($(du -h "${dump}" | cut -f1)), ${media} ($(du -h "${media}" | cut -f1))"
