/** A console server on a free loopback port, and raw HTTP requests with any headers we like. */
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import type { CliRunner } from '../../src/console/cli-runner.js';
import type { GroupedDoctor } from '../../src/doctor/grouped.js';
import { JobRunner } from '../../src/console/jobs.js';
import { LiveHub, type StartMonitor } from '../../src/console/live.js';
import { Gate, SESSION_COOKIE } from '../../src/console/security.js';
import { createConsoleApp } from '../../src/console/server.js';
import type { Asset } from '../../src/console/assets.js';

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json(): unknown;
}

export interface TestServer {
  port: number;
  gate: Gate;
  jobs: JobRunner;
  /** A session cookie header, obtained through the real token exchange. */
  cookie: string;
  request(path: string, options?: { method?: string; headers?: Record<string, string>; body?: string }): Promise<Reply>;
  close(): Promise<void>;
}

export function rawRequest(port: number, path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: { Host: `127.0.0.1:${port}`, ...options.headers }, setHost: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body) as unknown });
        });
      },
    );
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

export async function startTestServer(options: {
  cli: CliRunner;
  env?: NodeJS.ProcessEnv;
  assets?: Map<string, Asset>;
  runDoctor?: () => Promise<GroupedDoctor>;
  startMonitor?: StartMonitor;
}): Promise<TestServer> {
  const gate = new Gate();
  const jobs = new JobRunner(options.cli);
  const env = options.env ?? process.env;
  const live = new LiveHub(async () => options.startMonitor ?? (async () => { throw new Error('no monitor in this test'); }), env, 100);
  const app = createConsoleApp({
    gate,
    boundHost: '127.0.0.1',
    jobs,
    live,
    cli: options.cli,
    env,
    assets: options.assets ?? new Map(),
    runDoctor: options.runDoctor ?? (async () => { throw new Error('no doctor in this test'); }),
  });
  const server = createAdaptorServer({ fetch: app.fetch, hostname: '127.0.0.1' });
  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
  const exchange = await rawRequest(port, `/?token=${gate.launchToken}`);
  const setCookie = exchange.headers['set-cookie'];
  const cookieLine = (Array.isArray(setCookie) ? setCookie[0] : setCookie) ?? '';
  const cookie = cookieLine.split(';')[0] ?? '';
  if (!cookie.startsWith(`${SESSION_COOKIE}=`)) throw new Error(`token exchange gave no session cookie (${exchange.status})`);
  return {
    port,
    gate,
    jobs,
    cookie,
    request: (path, requestOptions = {}) => rawRequest(port, path, { ...requestOptions, headers: { Cookie: cookie, ...requestOptions.headers } }),
    close: async () => {
      await jobs.stopAll();
      await live.stopAll();
      if ('closeAllConnections' in server) server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
