/**
 * Real audio daemons for integration tests, each in a private runtime directory so a test never
 * touches a user's session: PipeWire (with a null sink and WirePlumber on a private D-Bus) and
 * jackd with the dummy backend. Both are started through startProcess (own process group) and
 * stopped by pid in `stop()`; call it from t.after so it also runs on failure.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startProcess, type ManagedProcess } from '../../src/system/processes.js';
import { run } from '../../src/system/run.js';

export interface PipewireDaemon {
  /** Environment for clients (pw-cli, pw-dump, pw-metadata, pw-cat, archibald). */
  env: NodeJS.ProcessEnv;
  runtimeDir: string;
  /** node.name of the null sink; record its monitor to hear what was played into it. */
  sinkName: string;
  pids: number[];
  stop(): Promise<void>;
}

export interface PipewireOptions {
  rate?: number;
  quantum?: number;
  minQuantum?: number;
  maxQuantum?: number;
  /** Start WirePlumber (needed for ports on the null sink and for autolinking streams). */
  sessionManager?: boolean;
}

const SINK = 'archibald-null';

function pipewireConfig(options: Required<Omit<PipewireOptions, 'sessionManager'>>): string {
  // module-access is required: without it clients never get permissions and every pw-* tool hangs.
  return `context.properties = {
    default.clock.rate          = ${options.rate}
    default.clock.allowed-rates = [ ${options.rate} ]
    default.clock.quantum       = ${options.quantum}
    default.clock.min-quantum   = ${options.minQuantum}
    default.clock.max-quantum   = ${options.maxQuantum}
    core.daemon = true
    core.name   = pipewire-0
    support.dbus = false
}
context.spa-libs = {
    audio.convert.* = audioconvert/libspa-audioconvert
    support.*       = support/libspa-support
}
context.modules = [
    { name = libpipewire-module-rt args = { nice.level = -11 } flags = [ ifexists nofail ] }
    { name = libpipewire-module-protocol-native }
    { name = libpipewire-module-profiler }
    { name = libpipewire-module-metadata }
    { name = libpipewire-module-spa-device-factory }
    { name = libpipewire-module-spa-node-factory }
    { name = libpipewire-module-client-node }
    { name = libpipewire-module-client-device }
    { name = libpipewire-module-adapter }
    { name = libpipewire-module-access args = { } }
    { name = libpipewire-module-link-factory }
    { name = libpipewire-module-session-manager }
]
context.objects = [
    { factory = spa-node-factory args = { factory.name = support.node.driver node.name = Dummy-Driver node.group = pipewire.dummy priority.driver = 20000 } }
    { factory = adapter args = { factory.name = support.null-audio-sink node.name = ${SINK} node.description = "ArchibaldOS test sink" media.class = Audio/Sink audio.position = [ FL FR ] monitor.channel-volumes = true object.linger = true } }
]
`;
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

export async function startPipewire(options: PipewireOptions = {}): Promise<PipewireDaemon> {
  const settings = {
    rate: options.rate ?? 48000,
    quantum: options.quantum ?? 256,
    minQuantum: options.minQuantum ?? 16,
    maxQuantum: options.maxQuantum ?? 8192,
  };
  const runtimeDir = await mkdtemp(path.join(tmpdir(), 'archibald-pw-'));
  const configFile = path.join(runtimeDir, 'archibald-test.conf');
  await writeFile(configFile, pipewireConfig(settings));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    XDG_RUNTIME_DIR: runtimeDir,
    PIPEWIRE_RUNTIME_DIR: runtimeDir,
    XDG_CONFIG_HOME: path.join(runtimeDir, 'config'),
    XDG_STATE_HOME: path.join(runtimeDir, 'state'),
    DBUS_SESSION_BUS_ADDRESS: '',
    DISPLAY: '',
  };
  const processes: ManagedProcess[] = [];
  const stop = async (): Promise<void> => {
    for (const child of processes.reverse()) await child.stop('SIGTERM', 2000);
    await rm(runtimeDir, { recursive: true, force: true });
  };
  try {
    processes.push(startProcess(['pipewire', '-c', configFile], { env }));
    const pwDumpOk = async (): Promise<boolean> => (await run(['pw-dump'], { timeoutMs: 2000, env })).ok;
    await waitFor(pwDumpOk, 10_000, 'the PipeWire daemon');
    if (options.sessionManager ?? true) {
      processes.push(startProcess(['dbus-run-session', '--', 'wireplumber'], { env }));
      await waitFor(
        async () => {
          const dump = await run(['pw-dump'], { timeoutMs: 2000, env });
          return dump.ok && dump.stdout.includes('"monitor_FL"');
        },
        15_000,
        'WirePlumber to configure the null sink ports',
      );
    }
  } catch (error) {
    const logs = processes.map((child) => child.output().stderr.slice(-2000)).join('\n');
    await stop();
    throw new Error(`${(error as Error).message}\n${logs}`);
  }
  return { env, runtimeDir, sinkName: SINK, pids: processes.map((child) => child.pid), stop };
}

export interface JackDaemon {
  env: NodeJS.ProcessEnv;
  serverName: string;
  pid: number;
  stop(): Promise<void>;
}

/** jackd with the dummy backend under a private server name (JACK_DEFAULT_SERVER in `env`). */
export async function startJack(options: { rate?: number; period?: number } = {}): Promise<JackDaemon> {
  const serverName = `archibald-test-${process.pid}-${Math.floor(Math.random() * 1e6)}`;
  const env: NodeJS.ProcessEnv = { ...process.env, JACK_DEFAULT_SERVER: serverName, JACK_NO_AUDIO_RESERVATION: '1' };
  const child = startProcess(
    ['jackd', '-n', serverName, '-d', 'dummy', '-r', String(options.rate ?? 48000), '-p', String(options.period ?? 256)],
    { env },
  );
  const stop = async (): Promise<void> => {
    await child.stop('SIGTERM', 3000);
  };
  try {
    await waitFor(async () => (await run(['jack_lsp'], { timeoutMs: 2000, env })).ok, 10_000, 'jackd');
  } catch (error) {
    const logs = child.output().stderr.slice(-2000);
    await stop();
    throw new Error(`${(error as Error).message}\n${logs}`);
  }
  return { env, serverName, pid: child.pid, stop };
}
