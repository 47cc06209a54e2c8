#!/bin/sh
# Re-drives one dead letter: copies its chunk fields to a provider's stream and deletes it from
# transcription:dead-letters, in one Lua call (atomic: never both or neither lost). The copy
# leaves out what the dead-lettering added (dead_letter_reason, source_stream, source_entry_id,
# failed_provider, dead_lettered_at) and the failover bookkeeping (attempted_providers,
# retry_count), so the chunk gets its whole fallback chain again; error_history stays. It also
# forgets the chunk's terminal result in the session's result index, so the new result is
# written (to transcription:results:all and the session's stream) instead of being dropped as a
# duplicate. Binary audio is copied inside Redis, never through the shell.
#
#   REDIS_URL=redis://localhost:6379 scripts/ops/redrive-dead-letter.sh <dead-letter-id> <provider>
#
# Find ids with: redis-cli -u "$REDIS_URL" XRANGE transcription:dead-letters - + COUNT 10
set -eu

: "${REDIS_URL:?set REDIS_URL to the Redis the apps use}"
if [ $# -ne 2 ]; then
  echo "usage: $0 <dead-letter-id> <provider: deepgram|whisper|parakeet|assemblyai>" >&2
  exit 64
fi
id="$1"
provider="$2"
case "$provider" in
  deepgram | whisper | parakeet | assemblyai) ;;
  *)
    echo "unknown provider '$provider': use deepgram, whisper, parakeet or assemblyai" >&2
    exit 64
    ;;
esac

# KEYS[1] transcription:dead-letters  KEYS[2] audio:stream:<provider>  ARGV[1] dead-letter id
# The session's result index key is built from the entry's session_id: single-node Redis only,
# as the rest of the fabric (see the README's known limits).
script='
local entry = redis.call("XRANGE", KEYS[1], ARGV[1], ARGV[1])[1]
if not entry then return redis.error_reply("no dead letter " .. ARGV[1] .. " in " .. KEYS[1]) end
local drop = { dead_letter_reason = 1, source_stream = 1, source_entry_id = 1, failed_provider = 1,
  dead_lettered_at = 1, attempted_providers = 1, retry_count = 1 }
local fields, session, chunk = {}, nil, nil
for i = 1, #entry[2], 2 do
  local name, value = entry[2][i], entry[2][i + 1]
  if not drop[name] then fields[#fields + 1] = name; fields[#fields + 1] = value end
  if name == "session_id" then session = value end
  if name == "chunk_id" then chunk = value end
end
local id = redis.call("XADD", KEYS[2], "*", unpack(fields))
if session and chunk then redis.call("HDEL", "streamscribe:session:" .. session .. ":results", chunk) end
redis.call("XDEL", KEYS[1], ARGV[1])
return id
'

new_id="$(redis-cli --no-auth-warning -u "$REDIS_URL" --raw EVAL "$script" 2 transcription:dead-letters "audio:stream:${provider}" "$id" 2>&1)" || true
case "$new_id" in
  *[!0-9-]* | "")
    echo "re-drive failed: ${new_id}" >&2
    exit 1
    ;;
esac
echo "re-drove ${id} to audio:stream:${provider} as ${new_id}"
