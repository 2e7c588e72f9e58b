/**
 * The HTTP contract's shared part (issue 15 item 10). Every route that declares its answers
 * (`schema.response`) also gets the problem+json errors any route of its kind can answer: 400 (a bad
 * URL or input), 421 (the Host check), 500, and 401 when it needs a session, 413 and 415 when it
 * takes a body, 429 when it is rate limited. In test mode every serialised answer is checked against
 * its declared schema first: a field the schema does not declare is a 500 `REGISTRY_INTERNAL` naming
 * it, where in production fast-json-stringify would silently drop it.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import type { FastifySchema, preSerializationHookHandler } from 'fastify';
import { RegistryError } from '../index.js';
import type { RegistryApp } from './app-type.js';
import { problems } from './responses.js';

type Responses = Record<string, { content?: Record<string, { schema: object }> } & object>;
type ContractSchema = FastifySchema & { response: Responses; security?: object[] };

export function installContract(app: RegistryApp, checkAnswers: boolean): void {
  // Shapes, not formats: the handlers write their dates and the request side checks formats.
  const ajv = checkAnswers ? new Ajv({ strict: false, allErrors: true, validateFormats: false }) : undefined;
  app.addHook('onRoute', (route) => {
    const schema = route.schema as ContractSchema | undefined;
    if (!schema?.response) return;
    const statuses = [400, 421, 500];
    if (schema.body) statuses.push(413, 415);
    // An empty alternative (`[{ bearer: [] }, {}]`) makes the session optional: no 401.
    if (schema.security?.length && schema.security.every((s) => Object.keys(s).length > 0))
      statuses.push(401);
    if ((route.config as { rateLimit?: object } | undefined)?.rateLimit) statuses.push(429);
    // A copy: routes share response maps, and their baselines differ.
    const response: Responses = { ...problems(...statuses), ...schema.response };
    route.schema = { ...schema, response };
    if (ajv) route.preSerialization = [...hooks(route.preSerialization), answerCheck(ajv, response)];
  });
}

function hooks<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** A route's check of its answers against its declared schemas (compiled on first use). */
function answerCheck(ajv: Ajv, responses: Responses): preSerializationHookHandler<unknown> {
  const compiled = new Map<object, ValidateFunction>();
  return (request, reply, payload, done) => {
    const declared = responses[reply.statusCode];
    const type = String(reply.getHeader('content-type') ?? 'application/json').split(';')[0] as string;
    const schema = declared?.content ? declared.content[type]?.schema : declared;
    if (!schema) return done(null, payload);
    let validate = compiled.get(schema);
    if (!validate) {
      validate = ajv.compile(schema);
      compiled.set(schema, validate);
    }
    if (validate(payload)) return done(null, payload);
    done(
      new RegistryError(
        'REGISTRY_INTERNAL',
        `the ${reply.statusCode} answer of ${request.method} ${request.url} does not match its schema: ${ajv.errorsText(validate.errors)}`,
      ),
    );
  };
}
