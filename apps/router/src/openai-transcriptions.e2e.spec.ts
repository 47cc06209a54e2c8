import OpenAI, { toFile } from 'openai';
import { TEST_ADMIN_API_KEY, speechWav } from '@streamscribe/testing';
import { RouterStack, startRouterStack } from './testing/router-stack';

// webvtt-parser ships no types; its parser returns the cues and the errors it found.
const { WebVTTParser } = require('webvtt-parser') as {
  WebVTTParser: new () => {
    parse(
      input: string,
      mode?: string,
    ): { cues: { text: string; startTime: number; endTime: number }[]; errors: unknown[] };
  };
};

// A worker-deepgram process against the fake Deepgram: generous timeouts, no wall-clock assertions.
jest.setTimeout(60_000);

type Body = { [key: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

describe("OpenAI's POST /v1/audio/transcriptions through the router (official openai client)", () => {
  let stack: RouterStack;
  let client: OpenAI;
  const file = () => toFile(speechWav('the quick brown fox'), 'speech.wav');

  beforeAll(async () => {
    stack = await startRouterStack({ worker: { WORKER_BLOCK_MS: '100' } });
    client = new OpenAI({ apiKey: TEST_ADMIN_API_KEY, baseURL: `${stack.base}/v1`, maxRetries: 0 });
  }, 90_000);
  afterAll(() => stack?.close());

  it('answers json with the text (an OpenAI model name means our policy)', async () => {
    const result = await client.audio.transcriptions.create({ file: await file(), model: 'whisper-1' });
    expect(result.text.toLowerCase()).toContain('quick brown fox');
  });

  it('answers text, srt and vtt (a valid WebVTT file) for a provider/model', async () => {
    const text = await client.audio.transcriptions.create({
      file: await file(),
      model: 'deepgram/nova-3',
      response_format: 'text',
    });
    expect(String(text).toLowerCase().trim()).toBe('the quick brown fox');
    const srt = String(
      await client.audio.transcriptions.create({
        file: await file(),
        model: 'deepgram',
        response_format: 'srt',
      }),
    );
    expect(srt).toMatch(/^1\r?\n\d\d:\d\d:\d\d,\d{3} --> \d\d:\d\d:\d\d,\d{3}\r?\n/);
    expect(srt.toLowerCase()).toContain('quick brown fox');
    const vtt = String(
      await client.audio.transcriptions.create({ file: await file(), model: 'auto', response_format: 'vtt' }),
    );
    const parsed = new WebVTTParser().parse(vtt, 'metadata');
    expect(parsed.errors).toEqual([]);
    expect(
      parsed.cues
        .map((cue) => cue.text)
        .join(' ')
        .toLowerCase(),
    ).toContain('quick brown fox');
    expect(parsed.cues[0].endTime).toBeGreaterThan(parsed.cues[0].startTime);
  });

  it('answers verbose_json with segments, words, duration, language and task', async () => {
    const result = (await client.audio.transcriptions.create({
      file: await file(),
      model: 'gpt-4o-transcribe',
      language: 'en',
      prompt: 'fox, brown',
      response_format: 'verbose_json',
      timestamp_granularities: ['word', 'segment'],
    })) as Body;
    expect(result).toMatchObject({ task: 'transcribe', language: 'en' });
    expect(result.duration).toBeGreaterThan(0);
    expect(result.text.toLowerCase()).toContain('quick brown fox');
    expect(result.words.map((w: Body) => w.word.toLowerCase())).toEqual(['the', 'quick', 'brown', 'fox']);
    expect(result.words[3].end).toBeGreaterThan(result.words[0].start);
    expect(result.segments.length).toBeGreaterThan(0);
    expect(result.segments[0].text.toLowerCase()).toContain('quick');
    // The prompt became key terms on the chunk the fake Deepgram received.
    expect(stack.deepgram.requests.some((r) => /fox/.test(JSON.stringify(r.query)))).toBe(true);
  });

  it("refuses bad requests with OpenAI's error shape, and anonymous clients", async () => {
    await expect(
      client.audio.transcriptions.create({ file: await file(), model: 'no-such-model' }),
    ).rejects.toMatchObject({ status: 400, error: { type: 'invalid_request_error', param: 'model' } });
    await expect(
      client.audio.transcriptions.create({
        file: await file(),
        model: 'auto',
        response_format: 'json',
        timestamp_granularities: ['word'],
      }),
    ).rejects.toMatchObject({ status: 400, error: { param: 'timestamp_granularities[]' } });
    await expect(
      client.audio.transcriptions.create({
        file: await toFile(Buffer.from('not audio at all'), 'x.wav'),
        model: 'auto',
      }),
    ).rejects.toMatchObject({ status: 400, error: { param: 'file' } });
    const anonymous = new OpenAI({ apiKey: 'sk-wrong', baseURL: `${stack.base}/v1`, maxRetries: 0 });
    await expect(
      anonymous.audio.transcriptions.create({ file: await file(), model: 'auto' }),
    ).rejects.toMatchObject({
      status: 401,
      error: { type: 'authentication_error' },
    });
  });

  it('answers a repeated Idempotency-Key with the first answer, and refuses it for another request (422)', async () => {
    const headers = { 'Idempotency-Key': 'retry-me-1' };
    const first = await client.audio.transcriptions
      .create({ file: await file(), model: 'deepgram', response_format: 'verbose_json' }, { headers })
      .withResponse();
    const calls = stack.deepgram.requests.length;
    const again = await client.audio.transcriptions
      .create({ file: await file(), model: 'deepgram', response_format: 'verbose_json' }, { headers })
      .withResponse();
    expect(again.response.headers.get('idempotent-replayed')).toBe('true');
    expect(again.response.headers.get('streamscribe-session-id')).toBe(
      first.response.headers.get('streamscribe-session-id'),
    );
    expect(again.data).toEqual(first.data);
    // Nothing was transcribed (or paid for) twice.
    expect(stack.deepgram.requests.length).toBe(calls);
    await expect(
      client.audio.transcriptions.create(
        { file: await toFile(speechWav('another file'), 'other.wav'), model: 'deepgram' },
        { headers },
      ),
    ).rejects.toMatchObject({ status: 422, error: { code: 'idempotency_key_reused' } });
    // Keys are the tenant's and the key's own: another key transcribes again.
    await client.audio.transcriptions.create(
      { file: await file(), model: 'deepgram' },
      { headers: { 'Idempotency-Key': 'retry-me-2' } },
    );
    expect(stack.deepgram.requests.length).toBeGreaterThan(calls);
  });

  it('honours Idempotency-Key on POST /v1/transcriptions: same session, no new chunks; another body is a 422', async () => {
    const post = (body: Buffer, key: string) =>
      fetch(`${stack.base}/v1/transcriptions?wait=true`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${TEST_ADMIN_API_KEY}`,
          'Content-Type': 'audio/wav',
          'Idempotency-Key': key,
        },
        body,
      });
    const first = await post(speechWav('hello idempotent world'), 'upload-1');
    expect(first.status).toBe(200);
    const firstBody = (await first.json()) as Body;
    const calls = stack.deepgram.requests.length;
    const again = await post(speechWav('hello idempotent world'), 'upload-1');
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const againBody = (await again.json()) as Body;
    expect(againBody.sessionId).toBe(firstBody.sessionId);
    expect(againBody.transcript.text).toBe(firstBody.transcript.text);
    expect(stack.deepgram.requests.length).toBe(calls);
    const chunks = (await (
      await fetch(`${stack.base}/v1/sessions/${firstBody.sessionId}/transcript`, {
        headers: { Authorization: `Bearer ${TEST_ADMIN_API_KEY}` },
      })
    ).json()) as Body;
    expect(chunks.chunkCount).toBe(firstBody.transcript.chunkCount);
    const other = await post(speechWav('a different file'), 'upload-1');
    expect(other.status).toBe(422);
    expect(await other.json()).toMatchObject({ code: 'idempotency_key_reused' });
  });

  it("honours Idempotency-Key on Deepgram's prerecorded POST /v1/listen", async () => {
    const post = (body: Buffer) =>
      fetch(`${stack.base}/v1/listen?model=nova-3`, {
        method: 'POST',
        headers: {
          Authorization: `Token ${TEST_ADMIN_API_KEY}`,
          'Content-Type': 'audio/wav',
          'Idempotency-Key': 'listen-1',
        },
        body,
      });
    const first = await post(speechWav('listen once only'));
    expect(first.status).toBe(200);
    const firstBody = (await first.json()) as Body;
    const calls = stack.deepgram.requests.length;
    const again = await post(speechWav('listen once only'));
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.json()).toEqual(firstBody);
    expect(stack.deepgram.requests.length).toBe(calls);
    const other = await post(speechWav('something else'));
    expect(other.status).toBe(422);
    expect(await other.json()).toMatchObject({ err_msg: expect.stringMatching(/Idempotency-Key/) });
  });
});
