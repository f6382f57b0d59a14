/** `archibald console`: start the server on loopback, print the one-time address, stop on Ctrl-C. */
import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { ArchibaldError, usageError } from '../errors.js';
import { numberOption } from '../output.js';
import { hostSystem, killAllManaged } from '../system/index.js';
import { findWebDir, loadAssets } from './assets.js';
import { cliRunner } from './cli-runner.js';
import { runGroupedDoctor } from '../doctor/index.js';
import { JobRunner } from './jobs.js';
import { LiveHub } from './live.js';
import { loadGraphMonitor } from './monitor-source.js';
import { Gate, isLoopbackHost } from './security.js';
import { createConsoleApp } from './server.js';

const HOST_PATTERN = /^([A-Za-z0-9.-]{1,253}|[0-9a-fA-F:]{2,39})$/;

export interface ConsoleOptions {
  host?: string;
  port?: string;
  open?: boolean;
  allowRemote?: boolean;
}

const urlHost = (host: string): string => (host.includes(':') ? `[${host}]` : host);

function openBrowser(url: string): void {
  // Detached and forgotten on purpose: the browser must outlive the console, and killing the
  // console's children on Ctrl-C must never take the user's browser with it.
  const child = spawn('xdg-open', [url], { detached: true, stdio: 'ignore' });
  child.on('error', () => undefined);
  child.unref();
}

export async function runConsoleCommand(options: ConsoleOptions): Promise<number> {
  const host = options.host ?? '127.0.0.1';
  if (!HOST_PATTERN.test(host)) throw usageError(`--host ${JSON.stringify(host)} is not an address or host name`);
  const port = numberOption('--port', options.port ?? '7373', { min: 0, max: 65535, integer: true }) ?? 7373;
  const loopback = isLoopbackHost(host) || host === '::1';
  if (!loopback && options.allowRemote !== true) {
    throw usageError(
      `--host ${host} would expose the console (which can change the system) beyond this machine`,
      'use an SSH tunnel instead (ssh -L 7373:127.0.0.1:7373 this-host), or add --allow-remote if you really mean it',
    );
  }
  const webDir = findWebDir();
  if (webDir === null) throw new ArchibaldError('NOT_FOUND', 'the console front end is not built (dist/web/console.js is missing)', { suggestion: 'run `npm run build`' });

  const env = process.env;
  const cli = cliRunner(env);
  const jobs = new JobRunner(cli);
  const live = new LiveHub(loadGraphMonitor, env);
  const gate = new Gate();
  const app = createConsoleApp({ gate, boundHost: host, jobs, live, cli, env, assets: await loadAssets(webDir), runDoctor: runGroupedDoctor });
  const server = createAdaptorServer({ fetch: app.fetch, hostname: host });

  const address = await new Promise<AddressInfo>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') reject(usageError(`port ${port} on ${host} is already in use`, 'pass --port N (or --port 0 for any free port)'));
      else if (error.code === 'EADDRNOTAVAIL') reject(usageError(`--host ${host} is not an address of this machine`));
      else if (error.code === 'EACCES') reject(usageError(`not allowed to listen on port ${port}`));
      else reject(error);
    });
    server.listen(port, host, () => resolve(server.address() as AddressInfo));
  });

  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const url = `http://${urlHost(shownHost)}:${address.port}/?token=${gate.launchToken}`;
  if (!loopback) {
    process.stderr.write(
      `archibald: WARNING: the console listens on ${host}:${address.port}, reachable from other machines over plain HTTP.\n` +
        '  Anyone who sees the address below can change this system. Prefer an SSH tunnel to 127.0.0.1.\n',
    );
  }
  process.stdout.write(`ArchibaldOS console: ${url}\n  (this address works once, in one browser; Ctrl-C stops the console)\n`);

  if (options.open !== false && (env.DISPLAY || env.WAYLAND_DISPLAY) && (await hostSystem().which('xdg-open')) !== null) openBrowser(url);

  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (): void => {
      if (stopping) {
        // A second Ctrl-C: do not wait for anything.
        killAllManaged();
        process.exit(130);
      }
      stopping = true;
      process.stderr.write('archibald: stopping the console…\n');
      void Promise.allSettled([jobs.stopAll(), live.stopAll()]).then(() => {
        killAllManaged();
        // Open event streams would keep close() waiting forever.
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close(() => resolve());
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return 0;
}
