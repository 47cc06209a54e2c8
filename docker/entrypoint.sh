#!/bin/sh
# Starts the streamscribe app named by APP (router, worker-deepgram, worker-assemblyai,
# worker-whisper, worker-parakeet) from the one shared image. exec hands PID 1 to node, so
# SIGTERM reaches the app directly and it drains before exiting.
set -eu

app="${APP:-}"
main="/app/dist/apps/${app}/main.js"

if [ -z "$app" ] || [ ! -f "$main" ]; then
  available="$(ls /app/dist/apps 2>/dev/null | tr '\n' ' ')"
  echo "streamscribe: APP='${app}' is not an app in this image; set APP to one of: ${available:-<none built>}" >&2
  exit 64
fi

exec node "$main" "$@"
