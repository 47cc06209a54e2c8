import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import { encodeWav } from '@streamscribe/audio';
import { keyedFetch, speechPcm, until } from '@streamscribe/testing';
import { RouterStack, startRouterStack, TEST_ADMIN_API_KEY } from './testing/router-stack';

// Real processes and a real browser on a small shared machine: generous timeouts, no wall-clock
// assertions.
jest.setTimeout(120_000);

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const ARTIFACTS = join(__dirname, '..', '..', '..', 'tmp', 'artifacts');
const WORDS = ['welcome', 'to', 'the', 'console'];

describe('the web console at /console, driven in headless Chromium', () => {
  let stack: RouterStack;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    stack = await startRouterStack({
      worker: { WORKER_BLOCK_MS: '200' },
      // One chunk per second of audio, cut at fixed points: each word is a chunk of its own.
      router: { CHUNK_SECONDS: '1', CHUNK_CUTS: 'fixed' },
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      // A fake microphone (a beep) that needs no permission prompt, for the recording test.
      args: ['--no-sandbox', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'],
    });
  }, 90_000);
  beforeEach(async () => {
    page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });
  afterEach(async () => {
    stack.deepgram.reset();
    await page.close();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('serves the static files without a key, with a same-origin content security policy', async () => {
    const index = await fetch(`${stack.base}/console/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/text\/html/);
    expect(index.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    expect(await index.text()).toContain('<script type="module" src="console.js">');
    const script = await fetch(`${stack.base}/console/console.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    // The API behind it still wants a key.
    expect((await fetch(`${stack.base}/v1/providers`)).status).toBe(401);
  });

  it('refuses a wrong key and keeps nothing of it', async () => {
    await page.goto(`${stack.base}/console`);
    await page.fill('#key', 'ss_not_a_real_key');
    await page.click('#signin-form button');
    await page.waitForSelector('#signin-error:has-text("Sign-in failed")');
    expect(await page.isVisible('#app')).toBe(false);
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
  });

  const signIn = async () => {
    await page.goto(`${stack.base}/console`);
    await page.fill('#key', TEST_ADMIN_API_KEY);
    await page.click('#signin-form button');
    await page.waitForSelector('#providers tr[data-provider="deepgram"]');
  };

  it('uploads a file, shows each chunk with its provider and cost as it arrives, then the transcript', async () => {
    await page.goto(`${stack.base}/console`);
    await page.fill('#key', TEST_ADMIN_API_KEY);
    await page.click('#signin-form button');
    // Providers (the admin's view: breaker and lag) and dead letters load once signed in.
    await page.waitForSelector('#providers tr[data-provider="deepgram"]');
    const deepgramRow = await page.textContent('#providers tr[data-provider="deepgram"]');
    expect(deepgramRow).toMatch(/closed/);
    await page.waitForSelector('#dead-letters-note:has-text("No dead letters.")');
    // The key lives in this tab only.
    expect(await page.evaluate("sessionStorage.getItem('streamscribe.apiKey')")).toBe(TEST_ADMIN_API_KEY);
    expect(await page.evaluate('localStorage.length')).toBe(0);

    // The last word is a shorter chunk, which the fake Deepgram holds back: the first words must
    // show while it is still being transcribed.
    const pcm = WORDS.map((word, i) =>
      speechPcm(word, { durationSeconds: i === WORDS.length - 1 ? 0.5 : 1 }),
    );
    const lastChunkBytes = 44 + pcm[pcm.length - 1].length;
    stack.deepgram.setLatency((request) => (request.bodyLength === lastChunkBytes ? 5000 : 0));
    const wav = encodeWav(Buffer.concat(pcm), { sampleRate: 16_000, channels: 1 });
    await page.setInputFiles('#file', { name: 'welcome.wav', mimeType: 'audio/wav', buffer: wav });
    await page.click('#upload');

    await page.waitForSelector(`#chunks .chunk:nth-child(${WORDS.length - 1})`, { timeout: 60_000 });
    expect(await page.$$eval('#chunks .chunk .text', (rows) => rows.map((r) => r.textContent))).toEqual(
      WORDS.slice(0, -1),
    );
    expect(await page.textContent('#status')).not.toMatch(/complete/);
    expect(await page.textContent('#transcript')).toBe('');
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'console-live.png'), fullPage: true });

    // The router drops every connection, the live feed's included: the page resumes after the
    // last event it has, with a new token, and counts nothing twice.
    const feeds: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/events?')) feeds.push(request.url());
    });
    (stack.router.app.getHttpServer() as Server).closeAllConnections();

    // "complete" is written only by the SSE feed's `final` event.
    await page.waitForSelector('#status:has-text("complete")', { timeout: 60_000 });
    expect(await page.textContent('#transcript')).toBe(WORDS.join(' '));
    const chunks = await page.$$eval('#chunks .chunk', (rows) =>
      rows.map((row) => ({
        provider: row.getAttribute('data-provider'),
        seq: row.querySelector('.seq')?.textContent,
        cost: row.querySelector('.cost')?.textContent,
        text: row.querySelector('.text')?.textContent,
      })),
    );
    expect(chunks.map((c) => c.text)).toEqual(WORDS);
    expect(chunks.map((c) => c.seq)).toEqual(['#0', '#1', '#2', '#3']);
    for (const chunk of chunks) {
      expect(chunk.provider).toBe('deepgram');
      expect(chunk.cost).toMatch(/^\$\d+\.\d{6}$/);
    }
    const total = chunks.reduce((sum, c) => sum + Number(c.cost?.slice(1)), 0);
    expect(await page.textContent('#status')).toMatch(
      new RegExp(`complete, 4 chunk\\(s\\), 0 failed, \\$${total.toFixed(6)}$`),
    );
    expect(feeds).toHaveLength(1);
    expect(new URL(feeds[0]).searchParams.get('lastEventId')).toBe('2');
    expect(await page.getAttribute('#progress', 'value')).toBe('1');

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'console.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  });

  it('shows a failed chunk, lists its dead letter for the admin key, and re-drives it', async () => {
    stack.deepgram.failNext(1, { status: 400 }); // permanent for Deepgram: the chunk is dead-lettered
    await signIn();
    const wav = encodeWav(speechPcm('redriven', { durationSeconds: 1 }), { sampleRate: 16_000, channels: 1 });
    await page.setInputFiles('#file', { name: 'redriven.wav', mimeType: 'audio/wav', buffer: wav });
    await page.click('#upload');
    await page.waitForSelector('#status:has-text("complete")', { timeout: 60_000 });
    expect(await page.textContent('#status')).toMatch(/1 chunk\(s\), 1 failed/);
    expect(await page.textContent('#chunks .chunk.failed .text')).toMatch(/^failed: /);
    const sessionId = /Session (\S+):/.exec((await page.textContent('#status')) ?? '')?.[1];
    expect(sessionId).toBeDefined();

    await page.click('#refresh');
    const row = page.locator('#dead-letters tbody tr', { hasText: sessionId as string });
    await row.waitFor();
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'console-dead-letter.png'), fullPage: true });
    await row.locator('button', { hasText: 'redrive' }).click();
    await page.waitForSelector('#dead-letters-note:has-text("No dead letters.")');
    // The re-driven chunk is transcribed this time.
    const transcript = await until(
      async () =>
        (await (await keyedFetch(`${stack.base}/v1/sessions/${sessionId}/transcript`)).json()) as {
          text: string;
          failedCount: number;
        },
      (t) => t.failedCount === 0,
    );
    expect(transcript.text).toBe('redriven');
    expect(pageErrors).toEqual([]);
  });

  it('records from the microphone and transcribes the recording (webm)', async () => {
    await signIn();
    await page.click('#record');
    await page.waitForSelector('#record:has-text("Stop")');
    await page.waitForTimeout(1500); // a second and a half of the fake microphone's beep
    await page.click('#record');
    await page.waitForSelector('#status:has-text("complete")', { timeout: 60_000 });
    expect(await page.textContent('#status')).toMatch(/0 failed/);
    // A beep holds no words; what matters is that the recording went through and was transcribed.
    const providers = await page.$$eval('#chunks .chunk', (rows) =>
      rows.map((r) => r.getAttribute('data-provider')),
    );
    expect(providers.length).toBeGreaterThan(0);
    expect(new Set(providers)).toEqual(new Set(['deepgram']));
    expect(pageErrors).toEqual([]);
  });

  it("a tenant's key sees the public provider view and only its tenant's dead letters", async () => {
    const created = await fetch(`${stack.base}/v1/admin/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_ADMIN_API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ tenant: 'acme', scopes: ['read', 'transcribe'], name: 'console test' }),
    });
    expect(created.status).toBe(201);
    const { key } = (await created.json()) as { key: string };
    await page.goto(`${stack.base}/console`);
    await page.fill('#key', key);
    await page.click('#signin-form button');
    await page.waitForSelector('#providers tr[data-provider="deepgram"]');
    // No fleet size or lag for a tenant: availability only.
    const cells = await page.$$eval('#providers tr[data-provider="deepgram"] td', (tds) =>
      tds.map((td) => td.textContent),
    );
    expect(cells.slice(0, 4)).toEqual(['deepgram', 'closed', 'available', '—']);
    // The earlier test's dead letter was re-driven; acme never had one.
    await page.waitForSelector('#dead-letters-note:has-text("No dead letters.")');
    expect(pageErrors).toEqual([]);
  });
});
