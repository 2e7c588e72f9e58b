/**
 * JSON bodies are refused with a 400 before parsing when they nest deeper than `MAX_JSON_DEPTH`
 * (docs/security.md "Input limits"): a few thousand levels would otherwise overflow the validator's
 * or the serialiser's stack (a 500), and a stored deep record would break every later read of it.
 * Any other content type is 415. Size is bounded by Fastify's body limit (256 KiB, 413); prototype poisoning by Fastify's own parser,
 * which runs after the depth check.
 */
import type { FastifyInstance } from 'fastify';
import { RegistryError } from '../index.js';

/** Deepest nesting of objects and arrays a body may have (a diagnostics report needs about 6). */
export const MAX_JSON_DEPTH = 32;

/** How deep `text` nests `{`/`[`, ignoring brackets inside strings; stops counting past `limit`. */
export function jsonDepth(text: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > deepest) deepest = depth;
      if (deepest > limit) return deepest;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return deepest;
}

export function installJsonLimits(app: FastifyInstance): void {
  // Only JSON is a body: Fastify's text/plain parser would hand a string to every schema (a 400
  // where the contract says 415).
  app.removeContentTypeParser('text/plain');
  const parse = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (jsonDepth(String(body), MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
      done(
        new RegistryError('REGISTRY_BAD_REQUEST', `JSON nested deeper than ${MAX_JSON_DEPTH} levels`),
        undefined,
      );
      return;
    }
    parse(request, String(body), done);
  });
}
