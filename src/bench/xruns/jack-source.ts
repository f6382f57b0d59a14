/**
 * Adapter: watches a running jackd through a tiny JACK client (Python's ctypes over libjack, so no
 * compiler and no native Node module). It registers the server's xrun callback, prints one line
 * per xrun and one load line per interval, and sleeps in between. Started with System.start:
 * its own process group, stopped by pid.
 */
import { ArchibaldError } from '../../errors.js';
import { hostSystem, type ManagedProcess } from '../../system/index.js';
import { parseJackLine, type JackLine } from './jack.js';

export const JACK_WATCHER_SOURCE = String.raw`
import ctypes, ctypes.util, os, signal, sys, time
lib = ctypes.CDLL(ctypes.util.find_library("jack") or "libjack.so.0")
lib.jack_client_open.restype = ctypes.c_void_p
lib.jack_client_open.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(ctypes.c_int)]
for name, res in (("jack_frame_time", ctypes.c_uint32), ("jack_get_sample_rate", ctypes.c_uint32),
                  ("jack_get_buffer_size", ctypes.c_uint32), ("jack_cpu_load", ctypes.c_float),
                  ("jack_get_xrun_delayed_usecs", ctypes.c_float)):
    getattr(lib, name).restype = res
    getattr(lib, name).argtypes = [ctypes.c_void_p]
status = ctypes.c_int(0)
client = lib.jack_client_open(b"archibald-xruns", 1, ctypes.byref(status))  # 1 = JackNoStartServer
if not client:
    print("error cannot connect to the JACK server (status 0x%x)" % status.value, flush=True)
    sys.exit(3)
def out(text):
    sys.stdout.write(text + "\n")
    sys.stdout.flush()
XRUN = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p)
SHUTDOWN = ctypes.CFUNCTYPE(None, ctypes.c_void_p)
def on_xrun(_arg):
    out("xrun %d %.1f" % (lib.jack_frame_time(client), max(0.0, lib.jack_get_xrun_delayed_usecs(client))))
    return 0
def on_shutdown(_arg):
    out("shutdown the JACK server went away")
    os._exit(4)
xrun_cb, shutdown_cb = XRUN(on_xrun), SHUTDOWN(on_shutdown)
lib.jack_set_xrun_callback(ctypes.c_void_p(client), xrun_cb, None)
lib.jack_on_shutdown(ctypes.c_void_p(client), shutdown_cb, None)
if lib.jack_activate(ctypes.c_void_p(client)) != 0:
    out("error jack_activate failed")
    sys.exit(3)
def stop(*_):
    lib.jack_client_close(ctypes.c_void_p(client))
    os._exit(0)
signal.signal(signal.SIGTERM, stop)
signal.signal(signal.SIGINT, stop)
out("start %d %d %d" % (lib.jack_frame_time(client), lib.jack_get_sample_rate(client), lib.jack_get_buffer_size(client)))
interval = float(sys.argv[1])
while True:
    time.sleep(interval)
    out("load %d %.4f %d %d" % (lib.jack_frame_time(client), lib.jack_cpu_load(client),
                                lib.jack_get_sample_rate(client), lib.jack_get_buffer_size(client)))
`;

export interface JackConnection {
  readonly pid: number;
  readonly closed: Promise<string | null>;
  malformedCount(): number;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 5000;

export async function connectJack(options: { env: NodeJS.ProcessEnv; intervalMs: number; onLine: (line: JackLine) => void }): Promise<JackConnection> {
  const child: ManagedProcess = hostSystem().start(['python3', '-c', JACK_WATCHER_SOURCE, String(options.intervalMs / 1000)], { env: options.env, maxOutputBytes: 64 * 1024 });
  let malformed = 0;
  let stopping = false;
  let resolveReady!: () => void;
  let rejectReady!: (error: Error) => void;
  const ready = new Promise<void>((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });
  child.onLine('stdout', (text) => {
    const parsed = parseJackLine(text);
    if (!parsed.ok) {
      malformed++;
      return;
    }
    const line = parsed.line;
    if (line.kind === 'error') rejectReady(new ArchibaldError('NOT_FOUND', `JACK: ${line.message}`, { suggestion: 'start jackd first (or set JACK_DEFAULT_SERVER to its name)' }));
    if (line.kind === 'start') resolveReady();
    options.onLine(line);
  });
  const closed = child.exited.then(({ code }) => {
    const stderr = child.output().stderr.trim().split('\n').at(-1) ?? '';
    const reason = stopping
      ? null
      : code === null
        ? 'python3 could not be started (is it installed?)'
        : `the JACK watcher exited with code ${code}${stderr ? `: ${stderr}` : ''}`;
    rejectReady(new ArchibaldError(code === null ? 'TOOL_MISSING' : 'NOT_FOUND', reason ?? 'the JACK watcher was stopped'));
    return reason;
  });
  const timer = setTimeout(() => rejectReady(new ArchibaldError('TOOL_FAILED', `the JACK watcher did not start within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
  try {
    await ready;
  } catch (error) {
    stopping = true;
    await child.stop('SIGTERM', 1000);
    throw error;
  } finally {
    clearTimeout(timer);
  }
  return {
    pid: child.pid,
    closed,
    malformedCount: () => malformed,
    async stop() {
      stopping = true;
      await child.stop('SIGTERM', 1500);
    },
  };
}
