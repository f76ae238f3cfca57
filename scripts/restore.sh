#!/bin/sh
# Restores a backup made by scripts/backup.sh into DATA_DIR / DATABASE_URL of this
# environment (a fresh folder or empty database; --force replaces an installation, with
# the app stopped). Checks the checksums first. See docs/deploy.md.
#   DATA_DIR=/srv/loa-xa scripts/restore.sh /srv/backups/loa-xa-backup-20261130-0300
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
caller=$PWD
cd "$here"
LOA_XA_CALLER_CWD="$caller" exec node --import tsx scripts/backup.ts restore "$@"
