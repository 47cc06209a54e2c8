import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { OpenAPIObject } from '@nestjs/swagger';
import { generateOpenApiJson } from './generate-openapi';
import { propertySchema, describeDtos } from './dto-schemas';
import { sortKeys } from './openapi-document';
import { getMetadataStorage } from 'class-validator';
import { TranscriptionQuery } from '@streamscribe/contracts';

const REPO = resolve(__dirname, '../../../..');
const run = promisify(execFile);

describe('the OpenAPI document', () => {
  let generated: string;
  let document: OpenAPIObject;

  beforeAll(async () => {
    generated = await generateOpenApiJson();
    document = JSON.parse(generated) as OpenAPIObject;
  });

  it('is what the committed openapi.json holds (run `npm run openapi` after changing a route)', () => {
    expect(readFileSync(join(REPO, 'openapi.json'), 'utf8')).toBe(generated);
  });

  it('comes out byte-identical when generated again', async () => {
    expect(await generateOpenApiJson()).toBe(generated);
  });

  it('has its keys sorted at every level', () => {
    const unsorted: string[] = [];
    const walk = (value: unknown, at: string) => {
      if (Array.isArray(value)) return value.forEach((item, i) => walk(item, `${at}[${i}]`));
      if (value === null || typeof value !== 'object') return;
      const keys = Object.keys(value);
      if (keys.join('\n') !== [...keys].sort().join('\n')) unsorted.push(at);
      for (const key of keys) walk((value as Record<string, unknown>)[key], `${at}.${key}`);
    };
    walk(document, '$');
    expect(unsorted).toEqual([]);
  });

  it('describes every HTTP route of the router with a tag and a summary, all behind the API key', () => {
    const operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item as Record<string, { tags?: string[]; summary?: string; security?: unknown[] }>).map(
        ([method, operation]) => ({ route: `${method.toUpperCase()} ${path}`, ...operation }),
      ),
    );
    // Other routes may come (other lanes add them); these must be there.
    expect(operations.map((o) => o.route)).toEqual(
      expect.arrayContaining([
        'DELETE /v1/admin/keys/{id}',
        'DELETE /v1/admin/tenants/{tenant}',
        'DELETE /v1/sessions/{sessionId}',
        'GET /v1/admin/keys',
        'GET /v1/admin/tenants/{tenant}',
        'GET /v1/costs',
        'GET /v1/dead-letters',
        'GET /v1/dead-letters/{id}',
        'GET /v1/providers',
        'GET /v1/sessions/{sessionId}/consensus',
        'GET /v1/sessions/{sessionId}/events',
        'GET /v1/sessions/{sessionId}/transcript',
        'POST /v1/admin/keys',
        'POST /v1/admin/keys/{id}/rotate',
        'POST /v1/auth/tokens',
        'POST /v1/dead-letters/redrive',
        'POST /v1/listen',
        'POST /v1/sessions/{sessionId}/chunks',
        'POST /v1/sessions/{sessionId}/end',
        'POST /v1/transcriptions',
        'PUT /v1/admin/tenants/{tenant}',
      ]),
    );
    // Routes other lanes add later are held to the same standard.
    for (const operation of operations) {
      expect({ route: operation.route, tagged: (operation.tags ?? []).length > 0 }).toEqual({
        route: operation.route,
        tagged: true,
      });
      expect({ route: operation.route, summary: typeof operation.summary }).toEqual({
        route: operation.route,
        summary: 'string',
      });
    }
    expect(document.security).toEqual([{ apiKey: [] }]);
    const providers = document.paths['/v1/providers']?.get?.responses ?? {};
    expect(providers['401']).toEqual({
      description: expect.any(String),
      content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' } } },
    });
    expect(document.components?.schemas?.['ApiError']).toMatchObject({ required: ['statusCode', 'message'] });
    expect(document.components?.securitySchemes?.['apiKey']).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
    expect(operations.length).toBeGreaterThanOrEqual(21);
  });

  it('resolves every $ref it uses', () => {
    const refs = new Set<string>();
    const walk = (value: unknown): void => {
      if (Array.isArray(value)) return value.forEach(walk);
      if (value === null || typeof value !== 'object') return;
      for (const [key, inner] of Object.entries(value)) {
        if (key === '$ref' && typeof inner === 'string') refs.add(inner);
        else walk(inner);
      }
    };
    walk(document);
    expect(refs.size).toBeGreaterThan(0);
    const schemas = document.components?.schemas ?? {};
    expect([...refs].filter((ref) => !(ref.replace('#/components/schemas/', '') in schemas))).toEqual([]);
  });

  it('takes the query parameters from the DTOs, with their validation rules', () => {
    const parameters = (document.paths['/v1/transcriptions']?.post?.parameters ?? []) as unknown as Array<{
      name: string;
      in: string;
      required: boolean;
      schema: Record<string, unknown>;
    }>;
    const byName = new Map(parameters.map((p) => [p.name, p]));
    expect(byName.get('wait')).toMatchObject({ in: 'query', required: false, schema: { type: 'boolean' } });
    expect(byName.get('timeoutMs')?.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 600_000 });
    expect(byName.get('cuts')?.schema).toMatchObject({ type: 'string', enum: ['pauses', 'fixed'] });
    // Inherited from RoutingQuery.
    expect(byName.get('provider')?.schema['enum']).toContain('deepgram');
    const transcript = (document.paths['/v1/sessions/{sessionId}/transcript']?.get?.parameters ??
      []) as unknown as Array<{
      name: string;
      schema: Record<string, unknown>;
    }>;
    expect(transcript.find((p) => p.name === 'format')?.schema['enum']).toEqual([
      'json',
      'srt',
      'vtt',
      'text',
    ]);
  });

  it('describes JSON bodies as schemas with their required fields', () => {
    const create = document.components?.schemas?.['CreateApiKeyRequest'] as {
      required: string[];
      properties: Record<string, Record<string, unknown>>;
    };
    expect([...create.required].sort()).toEqual(['scopes', 'tenant']);
    expect(create.properties['scopes']).toMatchObject({ type: 'array', minItems: 1 });
    const update = document.components?.schemas?.['TenantSettingsUpdate'] as {
      properties: Record<string, Record<string, unknown>>;
    };
    expect(update.properties['burst']).toMatchObject({ type: 'integer', minimum: 1, nullable: true });
    expect(document.paths['/v1/admin/tenants/{tenant}']?.put?.requestBody).toEqual({
      required: true,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/TenantSettingsUpdate' } } },
    });
  });
});

describe('propertySchema', () => {
  it('reads optionality, type, bounds and pattern from class-validator rules', () => {
    describeDtos();
    const rules = getMetadataStorage()
      .getTargetValidationMetadatas(TranscriptionQuery, '', true, false)
      .filter((rule) => rule.propertyName === 'chunkSeconds');
    expect(propertySchema(rules, false)).toEqual({
      required: false,
      type: 'integer',
      minimum: 1,
      maximum: 600,
    });
    const session = getMetadataStorage()
      .getTargetValidationMetadatas(TranscriptionQuery, '', true, false)
      .filter((rule) => rule.propertyName === 'sessionId');
    expect(propertySchema(session, true)).toMatchObject({ type: 'string', nullable: true, required: false });
    expect(propertySchema(session, true)['pattern' as never]).toBe('^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$');
  });
});

describe('sortKeys', () => {
  it('sorts object keys at every depth, keeps array order and drops undefined', () => {
    expect(JSON.stringify(sortKeys({ b: [{ z: 1, a: 2 }, 3], a: { d: undefined, c: null } }))).toBe(
      '{"a":{"c":null},"b":[{"a":2,"z":1},3]}',
    );
  });
});

describe('npm run openapi:check', () => {
  jest.setTimeout(120_000);
  const cli = join(REPO, 'apps/router/src/cli/openapi.ts');
  const runTs = join(REPO, 'scripts/run-ts.js');
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'openapi-check-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('fails on a stale or missing file, passes after `npm run openapi` wrote it', async () => {
    const check = () =>
      run(process.execPath, [runTs, cli, '--check'], {
        cwd: dir,
        env: { PATH: process.env['PATH'] ?? '' },
      }).then(
        () => 0,
        (error: { code?: number; stderr?: string }) => ({ code: error.code, stderr: error.stderr }),
      );
    expect(await check()).toMatchObject({ code: 1, stderr: expect.stringContaining('out of date') });
    const committed = readFileSync(join(REPO, 'openapi.json'), 'utf8');
    const stale = committed.replace('"summary": "Delete a session"', '"summary": "Drop a session"');
    expect(stale).not.toBe(committed);
    writeFileSync(join(dir, 'openapi.json'), stale);
    expect(await check()).toMatchObject({ code: 1 });
    // A machine with no settings at all (env cleared above): the generator needs no Redis.
    await run(process.execPath, [runTs, cli], { cwd: dir, env: { PATH: process.env['PATH'] ?? '' } });
    expect(readFileSync(join(dir, 'openapi.json'), 'utf8')).toBe(
      readFileSync(join(REPO, 'openapi.json'), 'utf8'),
    );
    expect(await check()).toBe(0);
  });
});
