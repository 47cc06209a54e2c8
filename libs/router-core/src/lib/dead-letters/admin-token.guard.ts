import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { RouterEnvironment } from '../router-environment';
import { ROUTER_ENVIRONMENT } from '../tokens';

/**
 * Operator endpoints (dead letters) answer only `Authorization: Bearer <ADMIN_TOKEN>`. Without an
 * ADMIN_TOKEN they are off: the router is the one app that takes ingress, and re-driving is not
 * something its clients should be able to do. `npm run dead-letters` works on Redis directly.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  constructor(@Inject(ROUTER_ENVIRONMENT) private readonly env: RouterEnvironment) {}

  canActivate(context: ExecutionContext): boolean {
    const expected = this.env.ADMIN_TOKEN;
    if (!expected)
      throw new ForbiddenException(
        'operator endpoints are off: set ADMIN_TOKEN on the router to enable them',
      );
    const header = context.switchToHttp().getRequest<Request>().headers.authorization ?? '';
    const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
    const wanted = Buffer.from(expected);
    if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
      throw new UnauthorizedException('send Authorization: Bearer <ADMIN_TOKEN>');
    }
    return true;
  }
}
