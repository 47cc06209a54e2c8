import { HttpException } from '@nestjs/common';
import { RouterEnvironment } from '../router-environment';
import { UploadSlots } from './upload-slots';

describe('UploadSlots', () => {
  const slots = () =>
    new UploadSlots(
      Object.assign(new RouterEnvironment(), {
        MAX_CONCURRENT_UPLOADS: 3,
        MAX_CONCURRENT_UPLOADS_PER_TENANT: 2,
      }),
    );
  const refusalOf = (attempt: () => unknown) => {
    try {
      attempt();
    } catch (error) {
      return { status: (error as HttpException).getStatus(), body: (error as HttpException).getResponse() };
    }
    return undefined;
  };

  it('caps one tenant, then all tenants together, with 429 too_many_uploads', () => {
    const s = slots();
    s.acquire('a');
    s.acquire('a');
    expect(refusalOf(() => s.acquire('a'))).toMatchObject({
      status: 429,
      body: { code: 'too_many_uploads', message: expect.stringMatching(/MAX_CONCURRENT_UPLOADS_PER_TENANT/) },
    });
    s.acquire('b');
    expect(refusalOf(() => s.acquire('c'))?.body).toMatchObject({
      message: expect.stringMatching(/this router already reads 3 uploads/),
    });
  });

  it('gives a slot back once, however often release is called', () => {
    const s = slots();
    const release = s.acquire('a');
    s.acquire('a');
    release();
    release();
    expect(s.inUse('a')).toBe(1);
    expect(s.inUse()).toBe(1);
    expect(() => s.acquire('a')).not.toThrow();
  });
});
