/**
 * problem+json errors (RFC 9457): `{type, title, status, code, detail}` with a stable `code`. Bad
 * input of any kind is a 4xx; only a bug is a 500.
 */
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { RegistryError } from '../index.js';

export const PROBLEM_TYPE = 'application/problem+json';

export function sendProblem(reply: FastifyReply, status: number, code: string, detail: string): FastifyReply {
  return reply
    .code(status)
    .type(PROBLEM_TYPE)
    .send({
      type: `https://iqsim.invalid/problems/${code.toLowerCase().replace(/_/g, '-')}`,
      title: code,
      status,
      code,
      detail,
    });
}

/** Installs the problem+json error and not-found handlers; `logError` gets every 5xx with its request id. */
export function installProblems(
  app: FastifyInstance,
  logError: (entry: Record<string, unknown>) => void,
): void {
  app.setErrorHandler((error: FastifyError | RegistryError, request, reply) => {
    if (error instanceof RegistryError && error.status >= 500)
      logError({ msg: error.message, requestId: request.id, method: request.method, code: error.code });
    if (error instanceof RegistryError) {
      if (error.retryAfterMs !== undefined) reply.header('retry-after', Math.ceil(error.retryAfterMs / 1000));
      return sendProblem(reply, error.status, error.code, error.message);
    }
    if ('validation' in error && error.validation)
      return sendProblem(reply, 400, 'REGISTRY_BAD_REQUEST', error.message);
    const status = 'statusCode' in error ? Number(error.statusCode) : 500;
    if (status === 429)
      return sendProblem(reply, 429, 'REGISTRY_RATE_LIMITED', 'too many requests; try later');
    if (status === 415)
      return sendProblem(reply, 415, 'REGISTRY_UNSUPPORTED_MEDIA_TYPE', 'the body must be application/json');
    if (status >= 400 && status < 500)
      return sendProblem(reply, status, 'REGISTRY_BAD_REQUEST', error.message || 'bad request');
    logError({
      msg: 'internal error',
      requestId: request.id,
      method: request.method,
      route: request.routeOptions.url,
      err: error.stack ?? String(error),
    });
    return sendProblem(reply, 500, 'REGISTRY_INTERNAL', `internal error (request ${request.id})`);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, 404, 'REGISTRY_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`),
  );
}
