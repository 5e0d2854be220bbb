#!/bin/sh
# cache's program (cache.toml runs it with /bin/sh): a stand-in for a cache.
# It reports its hit count every 5 seconds, and empties itself on SIGUSR1.
hits=0
trap 'hits=0; echo "cache: flushed"' USR1
echo "cache: ready"
n=0
while :; do
  sleep 1
  n=$((n + 1))
  hits=$((hits + 3))
  if [ $((n % 5)) -eq 0 ]; then echo "cache: $hits hits"; fi
done
