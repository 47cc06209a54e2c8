import type { IncomingMessage } from 'node:http';
import { clientAddress } from './client-address';
import { presentedCredential } from './presented-credential';
import { selectProtocol } from './authenticating-ws-adapter';

const sources = (headers: Record<string, string>, url = '/v1/live', extra = {}) => ({
  headers,
  url,
  allowQueryToken: false,
  websocket: false,
  ...extra,
});

describe('presentedCredential: where a request carries its key', () => {
  it('reads Bearer and Token, in any case, and refuses other schemes with what to send', () => {
    expect(presentedCredential(sources({ authorization: 'Bearer ss_a' }))).toEqual({
      kind: 'key',
      value: 'ss_a',
    });
    expect(presentedCredential(sources({ authorization: 'token ss_b' }))).toEqual({
      kind: 'key',
      value: 'ss_b',
    });
    expect(presentedCredential(sources({ authorization: 'Basic dXNlcjpwdw==' }))).toMatchObject({
      kind: 'malformed',
      problem: expect.stringMatching(/Bearer <API key>/),
    });
    expect(presentedCredential(sources({ authorization: 'Bearer' }))).toMatchObject({ kind: 'malformed' });
    expect(presentedCredential(sources({}))).toEqual({ kind: 'none' });
  });

  it('reads Sec-WebSocket-Protocol: token, <key> only on a WebSocket upgrade', () => {
    const headers = { 'sec-websocket-protocol': 'token, ss_c' };
    expect(presentedCredential(sources(headers, '/v1/live', { websocket: true }))).toEqual({
      kind: 'key',
      value: 'ss_c',
    });
    expect(presentedCredential(sources(headers))).toEqual({ kind: 'none' });
    expect(
      presentedCredential(sources({ 'sec-websocket-protocol': 'token' }, '/v1/live', { websocket: true })),
    ).toMatchObject({ kind: 'malformed' });
    expect(
      presentedCredential(
        sources({ 'sec-websocket-protocol': 'json, token' }, '/v1/live', { websocket: true }),
      ),
    ).toEqual({ kind: 'none' });
  });

  it('reads ?token= only where the route allows it, and a header wins over it', () => {
    const url = '/v1/sessions/s/events?lastEventId=3&token=sst_x';
    expect(presentedCredential(sources({}, url, { allowQueryToken: true }))).toEqual({
      kind: 'token',
      value: 'sst_x',
    });
    expect(presentedCredential(sources({}, url))).toEqual({ kind: 'none' });
    expect(
      presentedCredential(sources({ authorization: 'Bearer k' }, url, { allowQueryToken: true })),
    ).toEqual({
      kind: 'key',
      value: 'k',
    });
  });
});

describe('selectProtocol: the answer to an offered Sec-WebSocket-Protocol', () => {
  it('selects token when offered (never the key), else the first offered', () => {
    expect(selectProtocol(new Set(['token', 'ss_secret']))).toBe('token');
    expect(selectProtocol(new Set(['json']))).toBe('json');
    expect(selectProtocol(new Set())).toBe(false);
  });
});

describe('clientAddress: what failed attempts are counted against', () => {
  const request = (remoteAddress: string, forwarded?: string) =>
    ({
      socket: { remoteAddress },
      headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded },
    }) as unknown as IncomingMessage;

  it('is the socket peer unless TRUST_PROXY, then the last X-Forwarded-For entry', () => {
    expect(clientAddress(request('::ffff:10.1.2.3', '1.1.1.1'), false)).toBe('10.1.2.3');
    expect(clientAddress(request('10.0.0.9', 'spoofed, 203.0.113.7'), true)).toBe('203.0.113.7');
    expect(clientAddress(request('10.0.0.9'), true)).toBe('10.0.0.9');
  });
});
