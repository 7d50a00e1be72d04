import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';

describe('GET /healthz', () => {
  it('reports the store and the version', async () => {
    const response = await exports.default.fetch('http://relay.test/healthz');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, store: 'ok', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
  });
});
