import { asScriptStatus, asStrings, defineScript } from '@streamscribe/redis';

/**
 * ingest-chunk — registers a chunk in its session and appends it to a provider stream, in
 * one step, so a chunk is either in both or in neither.
 *
 * Returns { status, seq, chunk id, entry id, provider, offset ms }, status being 'created',
 * 'duplicate' (this chunk id was ingested before: nothing is written) or 'seq_taken' (another chunk
 * holds seq). The chunks hash maps 'c:<chunk id>' to 'seq|entry id|provider' and 's:<seq>' to the
 * chunk id, and keeps each chunk's place in the session's audio: 'o:<seq>' its offset and
 * 'd:<seq>' its duration, in ms. An offset not given is the one before it plus that one's duration
 * (0 for seq 0); unknown (no `offset_ms` on the entry, '' returned) while the chunk before has not
 * arrived: transcripts work it out when they are read.
 */
export const ingestChunkScript = defineScript({
  name: 'ssIngestChunk',
  keys: [
    'meta', // the session's meta hash
    'chunks', // the session's chunks hash
    'stream', // the provider stream (or the consensus requests stream)
    'trail', // the session's trail set: '<stream> <entry id>' of its entries in shared streams
    'sessionIndex', // the partition's session index (sorted set, scored by last activity)
  ],
  args: [
    'chunkId', // '' = derive from seq
    'seq', // '' = next in arrival order
    'provider',
    'nowMs',
    'ttlSeconds', // the session's TTL
    'trailTtlSeconds', // the trail's TTL: longer, so the retention sweeper still finds the entries
    'indexMember', // the session's member in the session index
    'offsetMs', // '' = the offset of the chunk before plus its duration, if known
    'durationMs', // '' = unknown
  ],
  rest: "the entry's field/value pairs, without seq, chunk_id and offset_ms (added here)",
  lua: `
local chunkId = ARGV[1]
if chunkId ~= '' then
  local existing = redis.call('HGET', KEYS[2], 'c:' .. chunkId)
  if existing then
    local seq, entryId, provider = string.match(existing, '^(%d+)|([^|]*)|(.*)$')
    local known = redis.call('HGET', KEYS[2], 'o:' .. seq) or ''
    return {'duplicate', seq, chunkId, entryId, provider, known}
  end
end
local seq
if ARGV[2] == '' then
  seq = redis.call('HINCRBY', KEYS[1], 'next_seq', 1) - 1
  while redis.call('HEXISTS', KEYS[2], 's:' .. seq) == 1 do
    seq = redis.call('HINCRBY', KEYS[1], 'next_seq', 1) - 1
  end
else
  seq = tonumber(ARGV[2])
  local holder = redis.call('HGET', KEYS[2], 's:' .. seq)
  if holder then return {'seq_taken', tostring(seq), holder, '', '', ''} end
  local nextSeq = tonumber(redis.call('HGET', KEYS[1], 'next_seq') or '0')
  if seq >= nextSeq then redis.call('HSET', KEYS[1], 'next_seq', seq + 1) end
end
if chunkId == '' then chunkId = string.format('chunk_%06d', seq) end
local offset = ARGV[8]
if offset == '' then
  if seq == 0 then
    offset = '0'
  else
    local before = redis.call('HMGET', KEYS[2], 'o:' .. (seq - 1), 'd:' .. (seq - 1))
    if before[1] and before[2] then offset = tostring(tonumber(before[1]) + tonumber(before[2])) end
  end
end
local fields = {}
for i = 10, #ARGV do fields[#fields + 1] = ARGV[i] end
fields[#fields + 1] = 'seq'
fields[#fields + 1] = tostring(seq)
fields[#fields + 1] = 'chunk_id'
fields[#fields + 1] = chunkId
if offset ~= '' then
  fields[#fields + 1] = 'offset_ms'
  fields[#fields + 1] = offset
  redis.call('HSET', KEYS[2], 'o:' .. seq, offset)
end
if ARGV[9] ~= '' then redis.call('HSET', KEYS[2], 'd:' .. seq, ARGV[9]) end
local entryId = redis.call('XADD', KEYS[3], '*', unpack(fields))
redis.call('HSET', KEYS[2], 'c:' .. chunkId, seq .. '|' .. entryId .. '|' .. ARGV[3], 's:' .. seq, chunkId)
redis.call('HSETNX', KEYS[1], 'created_ms', ARGV[4])
redis.call('HSET', KEYS[1], 'provider', ARGV[3], 'updated_ms', ARGV[4])
redis.call('HINCRBY', KEYS[1], 'chunk_count', 1)
redis.call('EXPIRE', KEYS[1], ARGV[5])
redis.call('EXPIRE', KEYS[2], ARGV[5])
redis.call('SADD', KEYS[4], KEYS[3] .. ' ' .. entryId)
redis.call('EXPIRE', KEYS[4], ARGV[6])
redis.call('ZADD', KEYS[5], ARGV[4], ARGV[7])
return {'created', tostring(seq), chunkId, entryId, ARGV[3], offset}
`,
  decode: decodeIngestReply,
});

export type IngestReply =
  | {
      status: 'created' | 'duplicate';
      seq: number;
      chunkId: string;
      entryId: string;
      provider: string;
      /** Where the chunk starts in the session's audio; undefined while unknown. */
      offsetMs?: number;
    }
  | { status: 'seq_taken'; seq: number; chunkId: string };

export function decodeIngestReply(reply: unknown): IngestReply {
  const [rawStatus, seq, chunkId, entryId, provider, offset] = asStrings(reply);
  const status = asScriptStatus(rawStatus);
  if (status === 'seq_taken') return { status, seq: Number(seq), chunkId };
  if (status === 'superseded') throw new Error('ingest-chunk never supersedes');
  return {
    status,
    seq: Number(seq),
    chunkId,
    entryId,
    provider,
    ...(offset ? { offsetMs: Number(offset) } : {}),
  };
}
