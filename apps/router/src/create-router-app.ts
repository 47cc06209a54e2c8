import { BadRequestException, INestApplication, ValidationPipe } from '@nestjs/common';
import { HttpAdapterHost, NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { NextFunction, Request, Response, raw } from 'express';
import { NestJsonLogger } from '@streamscribe/observability';
import { CountingExceptionFilter, ROUTER_ENVIRONMENT, RouterEnvironment, countRejection } from '@streamscribe/router-core';
import { RouterModule } from './router.module';

/** The router app, configured but not listening (tests listen on a port of their own). */
export async function createRouterApp(): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(RouterModule, { logger: new NestJsonLogger(), bodyParser: false, abortOnError: false });
  const env = app.get<RouterEnvironment>(ROUTER_ENVIRONMENT);
  app.use('/v1/sessions', audioBody(env.MAX_CHUNK_BYTES, 'MAX_CHUNK_BYTES'));
  app.use('/v1/transcriptions', audioBody(env.MAX_FILE_BYTES, 'MAX_FILE_BYTES'));
  app.useGlobalFilters(new CountingExceptionFilter(app.get(HttpAdapterHost).httpAdapter));
  app.useGlobalPipes(
    new ValidationPipe({
      transform: true,
      whitelist: true,
      forbidNonWhitelisted: true,
      // One message that names every problem, rather than Nest's array of fragments.
      exceptionFactory: (errors) =>
        new BadRequestException(errors.flatMap((e) => Object.values(e.constraints ?? {})).join('; ')),
    }),
  );
  return app;
}

/** Reads any body as raw bytes (the audio), answering 413 in JSON past the limit. */
function audioBody(limit: number, variable: string) {
  const parse = raw({ type: () => true, limit });
  return (request: Request, response: Response, next: NextFunction) =>
    parse(request, response, (error?: { status?: number; type?: string; message?: string }) => {
      if (!error) return next();
      const status = error.status ?? 400;
      countRejection(status);
      const message =
        error.type === 'entity.too.large'
          ? `audio body is larger than ${limit} bytes (${variable}): split it into smaller chunks`
          : `could not read the request body: ${error.message}`;
      response.status(status).json({ statusCode: status, error: status === 413 ? 'Payload Too Large' : 'Bad Request', message });
    });
}
