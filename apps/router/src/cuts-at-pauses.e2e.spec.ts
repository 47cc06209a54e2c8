import { encodeWav } from '@streamscribe/audio';
import { DEFAULT_TENANT, KeyScheme, decodeResultEntry, fieldsFromFlat } from '@streamscribe/contracts';
import {
  ListenAudio,
  LongRecording,
  espeakRecording,
  keyedFetch as fetch,
  longUtterance,
  parsePrometheusText,
  sampleValue,
  stampedWordsIn,
  utteranceMs,
  utterancePlan,
} from '@streamscribe/testing';
import { RouterStack, startRouterStack } from './testing/router-stack';

// Real processes, five minutes of audio through a worker: generous timeouts, no wall-clock assertions.
jest.setTimeout(240_000);

/** A provider that hears the stamped words a chunk holds whole, at their times in the chunk. */
const hearStampedWords = (audio: ListenAudio) => ({
  words: stampedWordsIn(audio.samples, audio.sampleRate).map((w) => ({
    word: w.word,
    start: w.startMs / 1000,
    end: w.endMs / 1000,
  })),
});

interface TranscriptWord {
  word: string;
  start: number;
  end: number;
}
interface TranscriptBody {
  complete: boolean;
  chunks: Array<{ start?: number; end?: number; words?: TranscriptWord[] }>;
}

/** Words lost and doubled against the recording, and words more than 0.2 s from where they were placed. */
function judge(recording: LongRecording, transcript: TranscriptBody) {
  const heard = transcript.chunks.flatMap((c) => c.words ?? []);
  const counts = new Map<string, number>();
  for (const w of heard) counts.set(w.word, (counts.get(w.word) ?? 0) + 1);
  const placed = new Map(recording.words.map((w) => [w.word, w]));
  const lost = recording.words.filter((w) => !counts.has(w.word)).map((w) => w.word);
  const doubled = [...counts].filter(([, n]) => n > 1).map(([w]) => w);
  const misplaced = heard.filter((w) => {
    const at = placed.get(w.word);
    return (
      !at ||
      Math.abs(w.start - at.startMs / 1000) > 0.2 ||
      Math.abs(w.end - (at.startMs + at.durationMs) / 1000) > 0.2
    );
  });
  const lostUtterances = new Set(lost.map((w) => placed.get(w)?.utterance));
  return { heard: heard.map((w) => w.word), lost, doubled, misplaced, lostUtterances: lostUtterances.size };
}

/** A strict SubRip reader: numbered blocks, `HH:MM:SS,mmm --> HH:MM:SS,mmm`, then text lines. */
function parseSrt(srt: string) {
  const seconds = (t: string) => {
    const [h, m, rest] = t.split(':');
    const [s, ms] = rest.split(',');
    return Number(h) * 3600 + Number(m) * 60 + Number(s) + Number(ms) / 1000;
  };
  return srt
    .trimEnd()
    .split('\n\n')
    .map((block) => {
      const [index, timing, ...lines] = block.split('\n');
      const times = /^(\d{2}:\d{2}:\d{2},\d{3}) --> (\d{2}:\d{2}:\d{2},\d{3})$/.exec(timing);
      if (!/^\d+$/.test(index) || !times || lines.length === 0) throw new Error(`not a SubRip cue: ${block}`);
      return {
        index: Number(index),
        start: seconds(times[1]),
        end: seconds(times[2]),
        lines,
        text: lines.join(' '),
      };
    });
}

describe('long files: cuts at pauses, the session clock, overlaps reconciled (issue 18)', () => {
  let stack: RouterStack;
  let fiveMinutes: LongRecording;

  beforeAll(async () => {
    fiveMinutes = espeakRecording(utterancePlan(300_000), 300_000);
    stack = await startRouterStack({
      worker: { WORKER_CONCURRENCY: '4', WORKER_BLOCK_MS: '200' },
      router: { CHUNK_SECONDS: '30', CHUNK_MIN_SECONDS: '20', CHUNK_OVERLAP_MS: '1000' },
    });
    stack.deepgram.setTranscriber(hearStampedWords);
  });

  afterAll(async () => {
    await stack?.close();
  });

  async function transcribe(
    recording: LongRecording,
    cuts: string,
    sessionId: string,
  ): Promise<TranscriptBody> {
    const response = await fetch(
      `${stack.base}/v1/transcriptions?wait=true&timeoutMs=200000&provider=deepgram&cuts=${cuts}&sessionId=${sessionId}`,
      {
        method: 'POST',
        headers: { 'content-type': 'audio/wav' },
        body: encodeWav(recording.pcm, { sampleRate: recording.sampleRate, channels: 1 }),
      },
    );
    const body = (await response.json()) as { transcript: TranscriptBody };
    expect(response.status).toBe(200);
    expect(body.transcript.complete).toBe(true);
    return body.transcript;
  }

  it('makes a recording whose utterances straddle the 30 s marks, with pauses between them', () => {
    const straddling = fiveMinutes.utterances.filter(
      (u) => Math.floor(u.startMs / 30_000) !== Math.floor(u.endMs / 30_000),
    );
    expect(fiveMinutes.utterances.length).toBeGreaterThan(60);
    expect(straddling.length).toBeGreaterThanOrEqual(5);
    // The stamps are found exactly where the words were placed.
    expect(stampedWordsIn(fiveMinutes.pcm).map((w) => [w.word, w.startMs])).toEqual(
      fiveMinutes.words.map((w) => [w.word, w.startMs]),
    );
  });

  it('fixed 30 s cuts lose the words under every cut that falls in speech', async () => {
    const result = judge(fiveMinutes, await transcribe(fiveMinutes, 'fixed', 'five-minutes-fixed'));
    console.log(
      `fixed cuts: ${fiveMinutes.words.length} words in ${fiveMinutes.utterances.length} utterances: ` +
        `${result.lost.length} words lost (${result.lostUtterances} utterances touched), ${result.doubled.length} doubled, ${result.misplaced.length} misplaced`,
    );
    expect(result.lost.length).toBeGreaterThan(0);
    expect(result.doubled).toEqual([]);
  });

  it('cuts at pauses keep every utterance once, in order, each word within 0.2 s of where it was placed', async () => {
    const transcript = await transcribe(fiveMinutes, 'pauses', 'five-minutes-pauses');
    const result = judge(fiveMinutes, transcript);
    console.log(
      `cuts at pauses: ${fiveMinutes.words.length} words in ${fiveMinutes.utterances.length} utterances, ` +
        `${transcript.chunks.length} chunks: ${result.lost.length} words lost, ${result.doubled.length} doubled, ${result.misplaced.length} misplaced`,
    );
    expect(result.heard).toEqual(fiveMinutes.words.map((w) => w.word));
    expect(result.misplaced).toEqual([]);
    // Every cut fell in a pause: no chunk starts inside an utterance.
    for (const chunk of transcript.chunks.slice(1)) {
      const start = (chunk.start as number) * 1000;
      expect(fiveMinutes.utterances.some((u) => u.startMs < start && start < u.endMs)).toBe(false);
    }
  });

  it("gives SRT subtitles of the five-minute file with cues on the file's clock", async () => {
    const response = await fetch(`${stack.base}/v1/sessions/five-minutes-pauses/transcript?format=srt`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/x-subrip/);
    const cues = parseSrt(await response.text());
    // Every word is in exactly one cue, in order, and every cue keeps the layout rules.
    expect(cues.flatMap((c) => c.text.split(/\s+/))).toEqual(fiveMinutes.words.map((w) => w.word));
    for (const [i, cue] of cues.entries()) {
      expect(cue.index).toBe(i + 1);
      expect(cue.lines.length).toBeLessThanOrEqual(2);
      for (const line of cue.lines) expect(line.length).toBeLessThanOrEqual(42);
      expect(cue.end - cue.start).toBeLessThanOrEqual(7);
      if (i > 0) expect(cue.start).toBeGreaterThanOrEqual(cues[i - 1].end);
    }
    // On the file's clock: each utterance's first cue starts where the utterance was placed.
    const firstWords = new Map(fiveMinutes.utterances.map((u) => [u.words[0].word, u.startMs / 1000]));
    const starting = cues.filter((c) => firstWords.has(c.text.split(/\s+/)[0]));
    expect(starting.length).toBe(fiveMinutes.utterances.length);
    for (const cue of starting)
      expect(Math.abs(cue.start - (firstWords.get(cue.text.split(/\s+/)[0]) as number))).toBeLessThan(0.2);
    expect(cues[cues.length - 1].end).toBeGreaterThan(250);
  });

  it('a cut forced inside a 45 s utterance overlaps both chunks, and each word is kept once', async () => {
    const plan = longUtterance(45_000, 1000);
    const recording = espeakRecording([plan], 1000 + utteranceMs(plan) + 2000);
    const last = recording.words[recording.words.length - 1];
    expect(last.startMs + last.durationMs - recording.words[0].startMs).toBeGreaterThan(42_000);
    const transcript = await transcribe(recording, 'pauses', 'forty-five-seconds');
    const result = judge(recording, transcript);
    console.log(
      `forced cut: ${recording.words.length} words, chunks ${transcript.chunks.map((c) => `${c.start}-${c.end} s`).join(', ')}: ` +
        `${result.lost.length} lost, ${result.doubled.length} doubled`,
    );
    expect(transcript.chunks.length).toBe(2);
    // The overlap: the second chunk starts before the first ends, around the 30 s cut.
    expect(transcript.chunks[1].start).toBeCloseTo(29, 1);
    expect(transcript.chunks[0].end).toBeCloseTo(31, 1);
    expect(result.heard).toEqual(recording.words.map((w) => w.word));
    expect(result.misplaced).toEqual([]);
    // Not vacuous: the provider heard the words around the cut in both chunks, the transcript once.
    const raw = await stack.redis.xrangeBuffer(
      new KeyScheme().sessionResultsStream(new KeyScheme().session(DEFAULT_TENANT, 'forty-five-seconds')),
      '-',
      '+',
    );
    const heardTwice = raw.flatMap(([, flat]) => decodeResultEntry(fieldsFromFlat(flat)).words ?? []).length;
    expect(heardTwice).toBeGreaterThan(recording.words.length);
    // The cuts of this spec's files, counted: 9 fixed (5 minutes), 10 at pauses, 1 forced.
    const metrics = parsePrometheusText(await (await fetch(`${stack.managementUrl}/metrics`)).text());
    const cuts = (cut: string) => sampleValue(metrics, 'streamscribe_file_cuts_total', { cut });
    expect([cuts('fixed'), cuts('pause'), cuts('forced')]).toEqual([9, 10, 1]);
  });
});
