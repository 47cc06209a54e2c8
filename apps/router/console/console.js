// The streamscribe console: a static page served by the router at /console. Every API call goes
// to the same origin with the key the user signed in with (kept in this tab's sessionStorage).
// Live results come over Server-Sent Events with a single-use temporary token (?token=), since
// EventSource cannot send an Authorization header.

const KEY_STORAGE = 'streamscribe.apiKey';
const PROVIDERS_REFRESH_MS = 5000;

const $ = (selector) => document.querySelector(selector);
let providersTimer;
let events;

function apiKey() {
  return sessionStorage.getItem(KEY_STORAGE);
}

/** Fetches `path` with the key; resolves the parsed JSON body, rejects with the API's message. */
async function api(path, init = {}) {
  const headers = new Headers(init.headers);
  headers.set('Authorization', `Bearer ${apiKey()}`);
  const response = await fetch(path, { ...init, headers });
  const text = await response.text();
  const body = text ? safeJson(text) : undefined;
  if (!response.ok) {
    const message = body?.message ?? body?.error?.message ?? (text || response.statusText);
    const error = new Error(`${response.status}: ${Array.isArray(message) ? message.join('; ') : message}`);
    error.status = response.status;
    throw error;
  }
  return body;
}

function safeJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return { message: text };
  }
}

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'className') node.className = value;
    else node.setAttribute(name, value);
  }
  for (const child of children) node.append(child);
  return node;
}

function formatCost(usd) {
  return typeof usd === 'number' ? `$${usd.toFixed(6)}` : '—';
}

function setStatus(text, isError = false) {
  const status = $('#status');
  status.textContent = text;
  status.className = isError ? 'error' : '';
}

// --- sign in -------------------------------------------------------------------------------

async function signIn(key) {
  sessionStorage.setItem(KEY_STORAGE, key);
  try {
    await api('/v1/providers');
  } catch (error) {
    sessionStorage.removeItem(KEY_STORAGE);
    $('#signin-error').textContent = `Sign-in failed (${error.message})`;
    return;
  }
  $('#signin-error').textContent = '';
  $('#signin').hidden = true;
  $('#app').hidden = false;
  $('#who').textContent = `key …${key.slice(-4)}`;
  await Promise.all([refreshProviders(), refreshDeadLetters()]);
  providersTimer = setInterval(refreshProviders, PROVIDERS_REFRESH_MS);
}

function signOut() {
  sessionStorage.removeItem(KEY_STORAGE);
  clearInterval(providersTimer);
  events?.close();
  $('#app').hidden = true;
  $('#signin').hidden = false;
  $('#who').textContent = '';
  $('#key').value = '';
}

// --- transcribe: upload or record, then watch the results arrive --------------------------------

/** POSTs the audio with upload progress (XMLHttpRequest: fetch has no upload progress). */
function upload(body, contentType) {
  const progress = $('#progress');
  progress.hidden = false;
  progress.value = 0;
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', '/v1/transcriptions');
    request.setRequestHeader('Authorization', `Bearer ${apiKey()}`);
    request.setRequestHeader('Content-Type', contentType);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) {
        progress.value = event.loaded / event.total;
        setStatus(`Uploading… ${Math.round((100 * event.loaded) / event.total)}%`);
      }
    };
    request.onload = () => {
      progress.value = 1;
      const body = safeJson(request.responseText);
      if (request.status >= 200 && request.status < 300) resolve(body);
      else reject(new Error(`${request.status}: ${body?.message ?? request.statusText}`));
    };
    request.onerror = () => reject(new Error('the upload failed (network error)'));
    request.send(body);
  });
}

function contentTypeOf(file) {
  if (file.type) return file.type;
  const extension = file.name.split('.').pop()?.toLowerCase();
  const byExtension = {
    wav: 'audio/wav',
    mp3: 'audio/mpeg',
    ogg: 'audio/ogg',
    flac: 'audio/flac',
    webm: 'audio/webm',
    m4a: 'audio/mp4',
  };
  return byExtension[extension] ?? 'application/octet-stream';
}

async function transcribe(body, contentType) {
  events?.close();
  $('#chunks').replaceChildren();
  $('#transcript').textContent = '';
  try {
    const accepted = await upload(body, contentType);
    setStatus(
      `Session ${accepted.sessionId}: ${accepted.chunkCount ?? '?'} chunk(s) queued, waiting for results…`,
    );
    await watch(accepted.sessionId);
  } catch (error) {
    setStatus(`Transcription failed: ${error.message}`, true);
  }
}

const MAX_FEED_RECONNECTS = 5;

/**
 * Opens the session's SSE feed with a fresh single-use token and renders each result. A token
 * opens one connection, so when the feed drops before `final` the page mints another and resumes
 * after the last event it has (`lastEventId`); after MAX_FEED_RECONNECTS drops it shows what the
 * session holds instead.
 */
async function watch(sessionId, state = { received: 0, costSum: 0, lastEventId: undefined, reconnects: 0 }) {
  const { token } = await api('/v1/auth/tokens', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ expiresInSeconds: 60 }),
  });
  const resume =
    state.lastEventId === undefined ? '' : `&lastEventId=${encodeURIComponent(state.lastEventId)}`;
  const url = `/v1/sessions/${encodeURIComponent(sessionId)}/events?token=${encodeURIComponent(token)}${resume}`;
  const source = new EventSource(url);
  events = source;
  source.addEventListener('result', (message) => {
    const result = JSON.parse(message.data);
    if (message.lastEventId) state.lastEventId = message.lastEventId;
    state.received += 1;
    if (typeof result.costUsd === 'number') state.costSum += result.costUsd;
    showChunk(result);
    setStatus(`Session ${sessionId}: ${state.received} result(s), ${formatCost(state.costSum)} so far`);
  });
  source.addEventListener('gap', (message) => {
    if (message.lastEventId) state.lastEventId = message.lastEventId;
  });
  source.addEventListener('final', (message) => {
    // The feed ends here; close before EventSource reconnects with the spent token.
    source.close();
    const summary = JSON.parse(message.data);
    $('#transcript').textContent = summary.text;
    setStatus(
      `Session ${sessionId}: complete, ${summary.chunkCount} chunk(s), ${summary.failedCount} failed, ${formatCost(state.costSum)}`,
    );
  });
  source.addEventListener('error', () => {
    // The browser would reconnect with the spent token: close, and resume with a new one.
    if (events !== source) return;
    source.close();
    state.reconnects += 1;
    if (state.reconnects > MAX_FEED_RECONNECTS) {
      void showTranscript(sessionId);
      return;
    }
    setStatus(`Session ${sessionId}: the live feed dropped, reconnecting…`);
    watch(sessionId, state).catch(() => showTranscript(sessionId));
  });
}

function showChunk(result) {
  const id = `chunk-${result.chunkId}`;
  const words = el('span', { className: 'text' });
  const text = result.status === 'ok' ? result.text : `failed: ${result.error?.message ?? result.status}`;
  for (const [index, word] of text.split(/\s+/).filter(Boolean).entries()) {
    if (index > 0) words.append(' ');
    words.append(el('span', { className: 'word' }, word));
  }
  const row = el(
    'div',
    { className: `chunk ${result.status}`, id, 'data-provider': result.provider },
    el('span', { className: 'seq' }, `#${result.seq ?? '?'}`),
    el('span', { className: 'provider' }, result.provider),
    el('span', { className: 'cost' }, formatCost(result.costUsd)),
    words,
  );
  const existing = document.getElementById(id);
  if (existing) {
    existing.replaceWith(row);
    return;
  }
  // In audio order without moving the rows already shown (that would replay their animation).
  const seqOf = (node) => Number(node.querySelector('.seq').textContent.slice(1));
  const after = [...$('#chunks').children].find((node) => seqOf(node) > (result.seq ?? Infinity));
  $('#chunks').insertBefore(row, after ?? null);
}

async function showTranscript(sessionId) {
  try {
    const transcript = await api(`/v1/sessions/${encodeURIComponent(sessionId)}/transcript`);
    for (const chunk of transcript.chunks)
      if (chunk.status !== 'pending') showChunk({ ...chunk, text: chunk.text ?? '' });
    $('#transcript').textContent = transcript.text;
    setStatus(`Session ${sessionId}: ${transcript.resultCount}/${transcript.chunkCount} chunk(s) done`);
  } catch (error) {
    setStatus(`Could not read the transcript: ${error.message}`, true);
  }
}

let recorder;

async function toggleRecording() {
  const button = $('#record');
  if (recorder?.state === 'recording') {
    recorder.stop();
    return;
  }
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  } catch (error) {
    setStatus(`No microphone: ${error.message}`, true);
    return;
  }
  const parts = [];
  recorder = new MediaRecorder(stream, { mimeType: 'audio/webm' });
  recorder.ondataavailable = (event) => parts.push(event.data);
  recorder.onstop = () => {
    for (const track of stream.getTracks()) track.stop();
    button.textContent = '● Record';
    button.classList.remove('recording');
    void transcribe(new Blob(parts, { type: 'audio/webm' }), 'audio/webm');
  };
  recorder.start();
  button.textContent = '■ Stop and transcribe';
  button.classList.add('recording');
  setStatus('Recording… press stop to transcribe.');
}

// --- providers and dead letters ---------------------------------------------------------------

async function refreshProviders() {
  let body;
  try {
    body = await api('/v1/providers');
  } catch (error) {
    $('#providers tbody').replaceChildren(
      el('tr', {}, el('td', { colspan: '6', className: 'error' }, error.message)),
    );
    return;
  }
  const number = (value, digits) => (typeof value === 'number' ? value.toFixed(digits) : '—');
  $('#providers tbody').replaceChildren(
    ...body.providers.map((p) =>
      el(
        'tr',
        { 'data-provider': p.provider },
        el('td', {}, p.provider),
        el(
          'td',
          { className: `state-${p.breaker.state}` },
          p.breaker.state + (p.breaker.reason ? ` (${p.breaker.reason})` : ''),
        ),
        // Workers and lag are the operator's view (admin keys); other keys see availability.
        el(
          'td',
          {},
          typeof p.liveConsumers === 'number'
            ? String(p.liveConsumers)
            : p.available === false
              ? 'unavailable'
              : 'available',
        ),
        el('td', {}, typeof p.lag === 'number' ? String(p.lag) : '—'),
        el('td', {}, number(p.latencyPerAudioSecond?.p50, 2)),
        el('td', {}, number(p.pricePerAudioMinuteUsd, 4)),
      ),
    ),
  );
}

async function refreshDeadLetters() {
  const note = $('#dead-letters-note');
  let page;
  try {
    page = await api('/v1/dead-letters?count=50');
  } catch (error) {
    note.textContent = error.status === 403 ? 'Dead letters need a key with the read scope.' : error.message;
    return;
  }
  $('#dead-letters').hidden = page.letters.length === 0;
  note.textContent =
    page.letters.length === 0 ? 'No dead letters.' : `${page.total ?? page.letters.length} dead letter(s).`;
  $('#dead-letters tbody').replaceChildren(
    ...page.letters.map((letter) => {
      const redrive = el('button', { type: 'button', className: 'small' }, 'redrive');
      redrive.addEventListener('click', async () => {
        try {
          await api('/v1/dead-letters/redrive', {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ ids: [letter.id] }),
          });
        } catch (error) {
          note.textContent = `Redrive failed: ${error.message}`;
        }
        await refreshDeadLetters();
      });
      return el(
        'tr',
        {},
        el('td', {}, letter.id),
        el('td', {}, letter.tenant),
        el('td', {}, letter.sessionId ?? '—'),
        el('td', {}, letter.chunkId ?? '—'),
        el('td', {}, letter.reason),
        el('td', {}, redrive),
      );
    }),
  );
}

// --- wiring -----------------------------------------------------------------------------------

$('#signin-form').addEventListener('submit', (event) => {
  event.preventDefault();
  void signIn($('#key').value.trim());
});
$('#upload-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const file = $('#file').files[0];
  if (!file) return setStatus('Choose an audio file first.', true);
  void transcribe(file, contentTypeOf(file));
});
$('#record').addEventListener('click', () => void toggleRecording());
$('#refresh').addEventListener('click', () => void Promise.all([refreshProviders(), refreshDeadLetters()]));
$('#signout').addEventListener('click', signOut);

if (apiKey()) void signIn(apiKey());
