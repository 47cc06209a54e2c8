import { Inject, Injectable } from '@nestjs/common';
import { RouterEnvironment } from '../router-environment';
import { ROUTER_ENVIRONMENT } from '../tokens';
import { refusal } from './intake-errors';

/**
 * Caps the uploads this router reads at once, in all and per tenant (MAX_CONCURRENT_UPLOADS,
 * MAX_CONCURRENT_UPLOADS_PER_TENANT): each holds a socket, a chunk's worth of memory and
 * possibly an ffmpeg child, so a client opening many cannot starve the others. Counted in this
 * process; cross-router limits are the quotas' (Redis) business.
 */
@Injectable()
export class UploadSlots {
  private total = 0;
  private readonly perTenant = new Map<string, number>();

  constructor(@Inject(ROUTER_ENVIRONMENT) private readonly env: RouterEnvironment) {}

  /**
   * Takes a slot for `tenant`; the returned function gives it back (calling it twice is harmless).
   * @throws HttpException 429 `too_many_uploads` when no slot is free.
   */
  acquire(tenant: string): () => void {
    const held = this.perTenant.get(tenant) ?? 0;
    if (this.total >= this.env.MAX_CONCURRENT_UPLOADS || held >= this.env.MAX_CONCURRENT_UPLOADS_PER_TENANT) {
      const which =
        this.total >= this.env.MAX_CONCURRENT_UPLOADS
          ? `this router already reads ${this.total} uploads (MAX_CONCURRENT_UPLOADS)`
          : `tenant '${tenant}' already has ${held} uploads in progress (MAX_CONCURRENT_UPLOADS_PER_TENANT)`;
      throw refusal(429, 'too_many_uploads', `${which}: retry when one has finished`);
    }
    this.total += 1;
    this.perTenant.set(tenant, held + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total -= 1;
      const left = (this.perTenant.get(tenant) ?? 1) - 1;
      if (left > 0) this.perTenant.set(tenant, left);
      else this.perTenant.delete(tenant);
    };
  }

  /** Uploads in progress, in all and for `tenant`. */
  inUse(tenant?: string): number {
    return tenant === undefined ? this.total : (this.perTenant.get(tenant) ?? 0);
  }
}
