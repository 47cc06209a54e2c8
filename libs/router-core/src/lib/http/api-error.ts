import { HttpException } from '@nestjs/common';
import type { ApiErrorBody, ApiErrorCode } from '@streamscribe/contracts';
import { errorCodeForStatus } from '@streamscribe/contracts';
import { redactText } from '@streamscribe/observability';

/**
 * A refusal with its own stable code (see API_ERROR_CODES); the filter answers it as it is.
 * `cause` (provider text, fleet state, a Redis error) is logged for operators, never sent.
 */
export function apiError(
  status: number,
  code: ApiErrorCode,
  message: string,
  cause?: unknown,
): HttpException {
  return new HttpException({ statusCode: status, code, message } satisfies ApiErrorBody, status, { cause });
}

/**
 * The body every refusal gets: `{ statusCode, code, message }`. A code the exception carries
 * (from `apiError`, or any HttpException whose response has a snake_case `code`) is kept; otherwise
 * the status's. Anything that is not an HttpException is a 500 whose details never leave the log.
 */
export function errorBodyOf(exception: unknown): ApiErrorBody {
  if (!(exception instanceof HttpException)) {
    return {
      statusCode: 500,
      code: 'internal_error',
      message: 'internal error; the router log has the details',
    };
  }
  const statusCode = exception.getStatus();
  const response = exception.getResponse();
  const fields =
    typeof response === 'object' && response !== null ? (response as Record<string, unknown>) : {};
  const code =
    typeof fields['code'] === 'string' && /^[a-z][a-z0-9_]*$/.test(fields['code'])
      ? fields['code']
      : undefined;
  const message =
    typeof response === 'string' ? response : (messageOf(fields['message']) ?? exception.message);
  return {
    statusCode,
    code: code ?? errorCodeForStatus(statusCode),
    message: statusCode >= 500 && !code ? 'the router cannot answer now; retry shortly' : redactText(message),
  };
}

function messageOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(String).join('; ');
  return undefined;
}
