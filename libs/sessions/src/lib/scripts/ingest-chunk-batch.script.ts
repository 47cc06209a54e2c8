import { asStrings, defineScript } from '@streamscribe/redis';
import { IngestReply, decodeIngestReply } from './ingest-chunk.script';

/** Strings per chunk in the reply: the reply of ingest-chunk for that chunk. */
const REPLY_WIDTH = 6;

/**
 * ingest-chunk-batch — ingest-chunk for many chunks of ONE session, to ONE stream, in one call:
 * the batched ingest's whole Redis work is one EVALSHA (one round trip, one script dispatch).
 * Each chunk gets exactly what ingest-chunk does to it (same hash fields, same entry, same
 * idempotency by chunk id, same seq rules), in the order given, so a chunk id repeated inside the
 * batch is a duplicate of its first occurrence. The session's meta, TTLs, trail TTL and index
 * score are written once at the end instead of once per chunk. All keys belong to the session (its
 * `{k}` tag on Cluster), so the script stays in one slot.
 *
 * ARGV after the named ones, per chunk: chunk id ('' = derive), seq ('' = next), offset ms
 * ('' = derive), duration ms ('' = unknown), n (the count of entry fields/values that follow), then
 * those n strings. Returns REPLY_WIDTH strings per chunk, as ingest-chunk returns for one.
 */
export const ingestChunkBatchScript = defineScript({
  name: 'ssIngestChunkBatch',
  keys: ['meta', 'chunks', 'stream', 'trail', 'sessionIndex'],
  args: ['provider', 'nowMs', 'ttlSeconds', 'trailTtlSeconds', 'indexMember', 'count'],
  rest: 'per chunk: chunk id, seq, offset ms, duration ms, n, then n entry field/value strings',
  lua: `
local provider = ARGV[1]
local created = 0
local out = {}
local function ingest(chunkId, seqArg, offset, duration, fields)
  if chunkId ~= '' then
    local existing = redis.call('HGET', KEYS[2], 'c:' .. chunkId)
    if existing then
      local seq, entryId, prov = string.match(existing, '^(%d+)|([^|]*)|(.*)$')
      local known = redis.call('HGET', KEYS[2], 'o:' .. seq) or ''
      return {'duplicate', seq, chunkId, entryId, prov, known}
    end
  end
  local seq
  if seqArg == '' then
    seq = redis.call('HINCRBY', KEYS[1], 'next_seq', 1) - 1
    while redis.call('HEXISTS', KEYS[2], 's:' .. seq) == 1 do
      seq = redis.call('HINCRBY', KEYS[1], 'next_seq', 1) - 1
    end
  else
    seq = tonumber(seqArg)
    local holder = redis.call('HGET', KEYS[2], 's:' .. seq)
    if holder then return {'seq_taken', tostring(seq), holder, '', '', ''} end
    local nextSeq = tonumber(redis.call('HGET', KEYS[1], 'next_seq') or '0')
    if seq >= nextSeq then redis.call('HSET', KEYS[1], 'next_seq', seq + 1) end
  end
  if chunkId == '' then chunkId = string.format('chunk_%06d', seq) end
  if offset == '' then
    if seq == 0 then
      offset = '0'
    else
      local before = redis.call('HMGET', KEYS[2], 'o:' .. (seq - 1), 'd:' .. (seq - 1))
      if before[1] and before[2] then offset = tostring(tonumber(before[1]) + tonumber(before[2])) end
    end
  end
  fields[#fields + 1] = 'seq'
  fields[#fields + 1] = tostring(seq)
  fields[#fields + 1] = 'chunk_id'
  fields[#fields + 1] = chunkId
  if offset ~= '' then
    fields[#fields + 1] = 'offset_ms'
    fields[#fields + 1] = offset
    redis.call('HSET', KEYS[2], 'o:' .. seq, offset)
  end
  if duration ~= '' then redis.call('HSET', KEYS[2], 'd:' .. seq, duration) end
  local entryId = redis.call('XADD', KEYS[3], '*', unpack(fields))
  redis.call('HSET', KEYS[2], 'c:' .. chunkId, seq .. '|' .. entryId .. '|' .. provider, 's:' .. seq, chunkId)
  redis.call('SADD', KEYS[4], KEYS[3] .. ' ' .. entryId)
  created = created + 1
  return {'created', tostring(seq), chunkId, entryId, provider, offset}
end
-- The variable tail, chunk after chunk: 5 values, then that chunk's n entry fields. Walked once
-- before anything is written, so a tail that does not hold ARGV[6] chunks changes nothing.
local i = 7
local chunks = 0
while i <= #ARGV do
  i = i + 5 + tonumber(ARGV[i + 4])
  chunks = chunks + 1
end
if chunks ~= tonumber(ARGV[6]) then
  return redis.error_reply('ERR ssIngestChunkBatch: the tail holds ' .. chunks .. ' chunks, count says ' .. ARGV[6])
end
i = 7
while i <= #ARGV do
  local n = tonumber(ARGV[i + 4])
  local fields = {}
  for j = 1, n do fields[j] = ARGV[i + 4 + j] end
  local reply = ingest(ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], fields)
  for j = 1, 6 do out[#out + 1] = reply[j] end
  i = i + 5 + n
end
if created > 0 then
  redis.call('HSETNX', KEYS[1], 'created_ms', ARGV[2])
  redis.call('HSET', KEYS[1], 'provider', provider, 'updated_ms', ARGV[2])
  redis.call('HINCRBY', KEYS[1], 'chunk_count', created)
  redis.call('EXPIRE', KEYS[1], ARGV[3])
  redis.call('EXPIRE', KEYS[2], ARGV[3])
  redis.call('EXPIRE', KEYS[4], ARGV[4])
  redis.call('ZADD', KEYS[5], ARGV[2], ARGV[5])
end
return out
`,
  decode: decodeBatchReply,
});

function decodeBatchReply(reply: unknown): IngestReply[] {
  const strings = asStrings(reply);
  const replies: IngestReply[] = [];
  for (let i = 0; i < strings.length; i += REPLY_WIDTH)
    replies.push(decodeIngestReply(strings.slice(i, i + REPLY_WIDTH)));
  return replies;
}
