/**
 * The management routes as one node:http request listener, so an application can mount them in
 * its own server (http.createServer, Express, Fastify's raw handler) or run them on their own
 * port (startManagementServer):
 *   GET  /metrics                   Prometheus text
 *   GET  /health, /health/liveness, /health/readiness   JSON, 200 when UP, 503 when DOWN
 *   GET  /bindings, /bindings/:name  consumer bindings and their state
 *   POST /bindings/:name {"state": "STOPPED" | "STARTED" | "PAUSED" | "RESUMED"}
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import type { Bindery } from '../runtime/Bindery';
import { BinderProbe, EventLoopMonitor, readiness, report, type HealthComponent, type HealthReport } from '../runtime/observability/health';
import { DEFAULT_LIVENESS_THRESHOLD_MS } from '../runtime/config/types';

/** The states POST /bindings/:name accepts (Spring Cloud Stream's bindings endpoint). */
export const BINDING_STATES = ['STOPPED', 'STARTED', 'PAUSED', 'RESUMED'] as const;
export type BindingStateChange = (typeof BINDING_STATES)[number];

export interface ManagementRoutesOptions {
  /** Served at /metrics (default: the application's metrics registry). */
  registry?: Registry;
  /** Liveness is DOWN once the event loop was blocked this long, ms (default: config management.livenessThresholdMs's). */
  livenessThresholdMs?: number;
}

/** A request listener with a close() that stops the event-loop monitor. */
export type ManagementHandler = ((req: IncomingMessage, res: ServerResponse) => void) & { close(): void };

/** Request bodies above this are refused: a state change is a few bytes. */
const MAX_BODY_BYTES = 4096;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const sendHealth = (res: ServerResponse, health: HealthReport): void => sendJson(res, health.status === 'UP' ? 200 : 503, health);

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseState(body: string | undefined): BindingStateChange | undefined {
  if (body === undefined) return undefined;
  try {
    const state = (JSON.parse(body) as { state?: unknown })?.state;
    return BINDING_STATES.find((s) => s === state);
  } catch {
    return undefined;
  }
}

/** One binder's check as it is; several binders' as one component, DOWN when any is. */
async function checkBinders(probes: BinderProbe[]): Promise<HealthComponent | undefined> {
  if (probes.length <= 1) return probes[0]?.check();
  const components = await Promise.all(probes.map((p) => p.check()));
  return { status: components.some((c) => c.status === 'DOWN') ? 'DOWN' : 'UP', details: { binders: components } };
}

export function managementHandler(app: Bindery, options: ManagementRoutesOptions = {}): ManagementHandler {
  const loop = new EventLoopMonitor(options.livenessThresholdMs ?? DEFAULT_LIVENESS_THRESHOLD_MS);
  const registry = options.registry ?? app.metrics?.registry;
  // A binder that no binding uses is not the application's concern: it reports nothing.
  const binderProbes = app.bindersInUse().map((binder) => new BinderProbe(binder));
  const ready = async (): Promise<HealthReport> => {
    const binder: HealthComponent | undefined = app.running ? await checkBinders(binderProbes) : undefined;
    return readiness(app, binder);
  };

  const changeState = async (name: string, state: BindingStateChange): Promise<void> => {
    if (state === 'STOPPED') await app.stopBinding(name);
    else if (state === 'STARTED') await app.startBinding(name);
    else if (state === 'PAUSED') app.pause(name);
    else app.resume(name);
  };

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0].replace(/\/+$/, '') || '/';
    const method = req.method ?? 'GET';
    if (method === 'GET' && path === '/metrics') {
      if (!registry) return sendJson(res, 404, { error: 'Metrics are off: pass Bindery.create({ metrics: true }) or set management.port.' });
      const text = await registry.metrics();
      res.writeHead(200, { 'content-type': registry.contentType });
      res.end(text);
      return;
    }
    if (method === 'GET' && path === '/health/liveness') return sendHealth(res, report({ eventLoop: loop.check() }));
    if (method === 'GET' && path === '/health/readiness') return sendHealth(res, await ready());
    if (method === 'GET' && path === '/health') {
      const readyNow = await ready();
      return sendHealth(res, report({ ...readyNow.components, eventLoop: loop.check() }));
    }
    if (method === 'GET' && path === '/bindings') return sendJson(res, 200, app.bindings());
    const match = /^\/bindings\/([^/]+)$/.exec(path);
    if (match) {
      const name = decodeURIComponent(match[1]);
      const found = app.bindings().find((b) => b.name === name);
      if (!found) {
        return sendJson(res, 404, { error: `No consumer binding named '${name}'.`, bindings: app.bindings().map((b) => b.name) });
      }
      if (method === 'GET') return sendJson(res, 200, found);
      if (method === 'POST') {
        const state = parseState(await readBody(req));
        if (!state) {
          return sendJson(res, 400, { error: `The body must be JSON {"state": ...} with one of ${BINDING_STATES.join(', ')}.`, accepted: BINDING_STATES });
        }
        await changeState(name, state);
        return sendJson(res, 200, app.bindings().find((b) => b.name === name));
      }
      res.setHeader('allow', 'GET, POST');
      return sendJson(res, 405, { error: `${method} is not allowed on /bindings/${name}: use GET or POST.` });
    }
    sendJson(res, 404, { error: `No management route ${method} ${path}.`, routes: ['/metrics', '/health', '/health/liveness', '/health/readiness', '/bindings', '/bindings/:name'] });
  };

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    route(req, res).catch((error: unknown) => {
      if (res.headersSent) return void res.destroy();
      sendJson(res, 500, { error: error instanceof Error ? error.message : String(error) });
    });
  };
  return Object.assign(handler, { close: () => loop.close() });
}
