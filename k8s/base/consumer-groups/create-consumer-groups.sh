#!/bin/sh
# Creates every provider's stream and consumer group (XGROUP CREATE ... 0 MKSTREAM) before the
# workers or KEDA's redis-streams scaler read them, so neither ever sees NOGROUP. Idempotent:
# BUSYGROUP (the group exists) counts as success, so it is safe to run on every deploy.
# Used by the Kubernetes Job (k8s/base/consumer-groups/job.yaml) and docker/compose.yaml.
#   REDIS_URL  redis://[user:password@]host:port[/db], or rediss:// for TLS (as the apps use it)
#   PROVIDERS  space-separated providers (default: deepgram assemblyai whisper parakeet)
#   REDIS_PARTITIONS  partitions per provider stream, as the apps read it (default 1): with more
#              than one (or with REDIS_CLUSTER_NODES set) the streams are audio:stream:<p>:{k},
#              k = 0..N-1, each with the group (KeyScheme.providerStream); else audio:stream:<p>.
set -eu

: "${REDIS_URL:?set REDIS_URL to the Redis the apps use, e.g. redis://redis:6379}"
providers="${PROVIDERS:-deepgram assemblyai whisper parakeet}"
partitions="${REDIS_PARTITIONS:-1}"
case "$partitions" in
  '' | *[!0-9]* | 0*)
    echo "REDIS_PARTITIONS must be a positive integer, got '${partitions}'" >&2
    exit 1
    ;;
esac

# The provider streams of one provider, one per partition.
streams_of() {
  if [ "$partitions" -eq 1 ] && [ -z "${REDIS_CLUSTER_NODES:-}" ]; then
    echo "audio:stream:$1"
  else
    k=0
    while [ "$k" -lt "$partitions" ]; do
      echo "audio:stream:$1:{$k}"
      k=$((k + 1))
    done
  fi
}

for provider in $providers; do
  group="${provider}_workers"
  for stream in $(streams_of "$provider"); do
    reply="$(redis-cli --no-auth-warning -u "$REDIS_URL" XGROUP CREATE "$stream" "$group" 0 MKSTREAM 2>&1)" || true
    case "$reply" in
      OK) echo "created group ${group} on ${stream}" ;;
      *BUSYGROUP*) echo "group ${group} on ${stream} already exists" ;;
      *)
        echo "could not create group ${group} on ${stream}: ${reply}" >&2
        exit 1
        ;;
    esac
  done
done
