#!/bin/sh
# Creates every provider's stream and consumer group (XGROUP CREATE ... 0 MKSTREAM) before the
# workers or KEDA's redis-streams scaler read them, so neither ever sees NOGROUP. Idempotent:
# BUSYGROUP (the group exists) counts as success, so it is safe to run on every deploy.
# Used by the Kubernetes Job (k8s/base/consumer-groups/job.yaml) and docker/compose.yaml.
#   REDIS_URL  redis://[user:password@]host:port[/db], or rediss:// for TLS (as the apps use it)
#   PROVIDERS  space-separated providers (default: deepgram assemblyai whisper parakeet)
set -eu

: "${REDIS_URL:?set REDIS_URL to the Redis the apps use, e.g. redis://redis:6379}"
providers="${PROVIDERS:-deepgram assemblyai whisper parakeet}"

for provider in $providers; do
  stream="audio:stream:${provider}"
  group="${provider}_workers"
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
