/**
 * Adapter: a read-only client of the PipeWire daemon's profiler module over its unix socket.
 * No helper process is spawned; the daemon already computes everything per cycle and only
 * does so while a profiler client is bound, so watching costs one socket and some decoding.
 */
import net from 'node:net';
import path from 'node:path';
import { ArchibaldError } from '../errors.js';
import {
  MessageFramer,
  nextReadDelayMs,
  PROFILER_ID,
  PROFILER_INTERFACE,
  bindMessage,
  decodeProfile,
  decodeServerMessage,
  emptyProfilerPoint,
  helloMessages,
  pongMessage,
  type ProfilerPoint,
} from './protocol.js';

export interface ProfilerConnection {
  /** Resolves when the connection ends; with the reason when it was not our stop(). */
  readonly closed: Promise<string | null>;
  /** Malformed messages seen (they are skipped, not fatal). */
  malformedCount(): number;
  stop(): Promise<void>;
}

/** Where libpipewire would connect: $PIPEWIRE_REMOTE under $PIPEWIRE_RUNTIME_DIR or $XDG_RUNTIME_DIR. */
export function pipewireSocketPath(env: NodeJS.ProcessEnv): string | null {
  const remote = env.PIPEWIRE_REMOTE || 'pipewire-0';
  if (path.isAbsolute(remote)) return remote;
  const dir = env.PIPEWIRE_RUNTIME_DIR || env.XDG_RUNTIME_DIR || env.USERPROFILE;
  return dir ? path.join(dir, remote) : null;
}

const CONNECT_TIMEOUT_MS = 3000;

const READ_BUFFER_BYTES = 1 << 20;

export async function connectProfiler(options: { env: NodeJS.ProcessEnv; onPoint: (point: ProfilerPoint) => void }): Promise<ProfilerConnection> {
  const socketPath = pipewireSocketPath(options.env);
  if (socketPath === null) {
    throw new ArchibaldError('NOT_FOUND', 'cannot find the PipeWire socket: neither XDG_RUNTIME_DIR nor PIPEWIRE_RUNTIME_DIR is set', {
      suggestion: 'run this in the desktop session of the user whose PipeWire you want to watch',
    });
  }
  const framer = new MessageFramer();
  let delayMs = 20;
  let lastReadAt = performance.now();
  // onread: one reused buffer instead of a fresh Buffer per read (the stream path allocates 64 KB each time).
  const socket: net.Socket = net.createConnection({
    path: socketPath,
    onread: {
      buffer: Buffer.alloc(READ_BUFFER_BYTES),
      callback: (bytes: number, buffer: Uint8Array): boolean => {
        onData(buffer.subarray(0, bytes));
        if (bound && !stopping) {
          const now = performance.now();
          delayMs = nextReadDelayMs(delayMs, bytes, now - lastReadAt);
          lastReadAt = now;
          socket.pause();
          setTimeout(() => {
            if (!stopping) socket.resume();
          }, delayMs).unref();
        }
        return true;
      },
    },
  });
  let malformed = 0;
  let seq = 10;
  let stopping = false;
  let bound = false;

  let resolveClosed!: (reason: string | null) => void;
  const closed = new Promise<string | null>((resolve) => (resolveClosed = resolve));
  let rejectReady!: (error: Error) => void;
  let resolveReady!: () => void;
  const ready = new Promise<void>((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });

  const timer = setTimeout(() => {
    rejectReady(
      bound
        ? new ArchibaldError('TOOL_FAILED', `PipeWire at ${socketPath} accepted the profiler but sent nothing`)
        : new ArchibaldError('UNSUPPORTED', `PipeWire at ${socketPath} offers no profiler (libpipewire-module-profiler is not loaded)`, {
            suggestion: 'the stock pipewire.conf loads it; a custom config must list libpipewire-module-profiler in context.modules',
          }),
    );
  }, CONNECT_TIMEOUT_MS);

  socket.on('connect', () => socket.write(helloMessages({ 'application.name': 'archibald', 'application.process.binary': 'archibald' })));
  const point = emptyProfilerPoint();
  const onData = (chunk: Uint8Array): void => {
    const { messages, error } = framer.push(chunk);
    if (error !== null) {
      socket.destroy();
      resolveClosed(`protocol error: ${error}`);
      return;
    }
    for (const message of messages) {
      const event = decodeServerMessage(message);
      switch (event.kind) {
        case 'global':
          if (!bound && event.type === PROFILER_INTERFACE) {
            bound = true;
            socket.write(bindMessage(event.id, event.type, Math.min(event.version, 3), PROFILER_ID, seq++));
            // Bound is enough: an idle graph sends no profile events until something plays.
            resolveReady();
          }
          break;
        case 'ping':
          socket.write(pongMessage(event.id, event.seq, seq++));
          break;
        case 'error':
          if (event.id === PROFILER_ID || !bound) {
            rejectReady(new ArchibaldError('TOOL_FAILED', `PipeWire refused the profiler: ${event.message} (${event.res})`));
          }
          break;
        case 'profile': {
          const result = decodeProfile(event.payload, options.onPoint, point);
          if (!result.ok) malformed++;
          break;
        }
        case 'malformed':
          malformed++;
          break;
        case 'other':
          break;
      }
    }
  };
  socket.on('error', (error: NodeJS.ErrnoException) => {
    const reason =
      error.code === 'ENOENT' || error.code === 'ECONNREFUSED'
        ? `no PipeWire daemon listens on ${socketPath}`
        : error.code === 'EACCES'
          ? `permission denied on ${socketPath}`
          : `${socketPath}: ${error.message}`;
    rejectReady(new ArchibaldError('NOT_FOUND', reason, { suggestion: 'start PipeWire (systemctl --user start pipewire) or set PIPEWIRE_RUNTIME_DIR' }));
    resolveClosed(reason);
  });
  socket.on('close', () => {
    rejectReady(new ArchibaldError('TOOL_FAILED', `PipeWire at ${socketPath} closed the connection`));
    resolveClosed(stopping ? null : 'PipeWire closed the connection');
  });

  try {
    await ready;
  } catch (error) {
    stopping = true;
    socket.destroy();
    throw error;
  } finally {
    clearTimeout(timer);
  }

  return {
    closed,
    malformedCount: () => malformed,
    async stop() {
      stopping = true;
      socket.destroy();
      await closed;
    },
  };
}
