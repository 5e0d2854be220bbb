#!/bin/sh
# db's program (db.toml runs it with /bin/sh): a stand-in for a database.
# It says when it is ready, writes a checkpoint every 5 seconds, and reloads
# on SIGHUP.
trap 'echo "db: reloading configuration"' HUP
echo "db: ready"
n=0
while :; do
  sleep 1
  n=$((n + 1))
  if [ $((n % 5)) -eq 0 ]; then echo "db: checkpoint $((n / 5))"; fi
done
