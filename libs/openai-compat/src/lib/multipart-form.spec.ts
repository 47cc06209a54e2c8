import { HttpException } from '@nestjs/common';
import type { Request } from 'express';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { Server, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { MultipartForm, readMultipartForm } from './multipart-form';

describe('readMultipartForm', () => {
  let server: Server;
  let url: string;
  let outcome: Promise<MultipartForm>;

  beforeAll(async () => {
    server = createServer((request, response) => {
      outcome = readMultipartForm(request as Request, 1000);
      outcome.then(
        () => response.end('ok'),
        () => response.end('refused'),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const post = (bytes: Buffer, fields: Record<string, string> = {}) => {
    const form = new FormData();
    form.append('file', new Blob([bytes]), 'speech.wav');
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    return fetch(url, { method: 'POST', body: form });
  };

  it('spools the file (fields after it are read too) and digests it', async () => {
    const bytes = Buffer.from('RIFF' + 'x'.repeat(500));
    await post(bytes, { model: 'auto', 'timestamp_granularities[]': 'word' });
    const form = await outcome;
    const path = form.file?.path ?? 'missing';
    expect(form.fields.get('model')).toEqual(['auto']);
    expect(form.file).toMatchObject({ size: 504, filename: 'speech.wav' });
    expect(form.file?.head.toString('latin1', 0, 4)).toBe('RIFF');
    expect(readFileSync(path)).toEqual(bytes);
    expect(form.file?.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    await form.file?.discard();
    expect(existsSync(path)).toBe(false);
  });

  it('refuses a file over the cap with 413', async () => {
    await post(Buffer.alloc(5000, 1), { model: 'auto' });
    const error = await outcome.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpException);
    expect((error as HttpException).getStatus()).toBe(413);
  });
});
