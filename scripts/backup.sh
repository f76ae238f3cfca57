#!/bin/sh
# Backs up this installation (database + audio files of DATA_DIR) into a new folder under
# --out (default ./backups). Reads DATA_DIR and DATABASE_URL like the app, e.g.
#   set -a; . /etc/loa-xa/loa-xa.env; set +a; scripts/backup.sh --out /srv/backups
# Safe while the app runs (SQLite online backup / pg_dump snapshot). See docs/deploy.md.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
caller=$PWD
cd "$here"
LOA_XA_CALLER_CWD="$caller" exec node --import tsx scripts/backup.ts backup "$@"
