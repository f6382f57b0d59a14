/**
 * The PipeWire loop (adapter). Play and record are two processes (pw-play, pw-record) that start
 * at unrelated moments, so the stimulus' position in a recording says nothing by itself. The
 * recorder therefore takes two channels in the same graph cycles: FL straight from the player's
 * output port (the reference) and FR from the end of the loop (the sink's monitor for the software
 * loop, or the capture node wired to the playback node by a cable). The loop's latency is the
 * delay of FR against FL; the player's own start-up and buffering cancel out.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ArchibaldError } from '../../errors.js';
import { hostSystem, type ManagedProcess } from '../../system/index.js';
import { padded } from './stimulus.js';
import { decodeWav, encodeWavFloat32 } from './wav.js';
import { parsePwMetadata, pipewireClock } from '../../pipewire/dump.js';

export interface PipewireLoop {
  /** node.name of the sink to play into (default: the default sink). */
  sink?: string;
  /** node.name of the capture node (hardware loop); ignored with selfLoop. */
  source?: string;
  selfLoop: boolean;
  /** node.latency (frames) the player and recorder ask for; default: the graph's configured quantum. */
  quantum?: number;
  env?: NodeJS.ProcessEnv;
}

export interface PipewireCapture {
  reference: Float32Array;
  recording: Float32Array;
  rate: number;
  quantum: number;
  loop: string;
}

const PLAYER = 'archibald-rtl-play';
const RECORDER = 'archibald-rtl-rec';
const RATE = 48_000;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function ports(direction: '-o' | '-i', env: NodeJS.ProcessEnv | undefined): Promise<string[]> {
  const listed = await hostSystem().run(['pw-link', direction], { timeoutMs: 3000, ...(env === undefined ? {} : { env }) });
  if (!listed.ok) throw new ArchibaldError(listed.reason === 'not-found' ? 'TOOL_MISSING' : 'TOOL_FAILED', `pw-link: ${listed.message}`);
  return listed.stdout.split('\n').map((line) => line.trim()).filter(Boolean);
}

async function waitForPort(direction: '-o' | '-i', prefix: string, env: NodeJS.ProcessEnv | undefined, child: ManagedProcess, timeoutMs = 5000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = (await ports(direction, env)).find((port) => port.startsWith(prefix));
    if (found !== undefined) return found;
    if (!child.isRunning()) throw new ArchibaldError('TOOL_FAILED', `${child.argv[0] ?? ''} exited: ${child.output().stderr.trim().split('\n').pop() ?? ''}`);
    await sleep(20);
  }
  throw new ArchibaldError('TOOL_FAILED', `no PipeWire port ${prefix}* appeared within ${timeoutMs} ms (is the node name right?)`);
}

async function link(from: string, to: string, env: NodeJS.ProcessEnv | undefined): Promise<void> {
  const linked = await hostSystem().run(['pw-link', from, to], { timeoutMs: 3000, ...(env === undefined ? {} : { env }) });
  if (!linked.ok) throw new ArchibaldError('TOOL_FAILED', `pw-link ${from} ${to}: ${linked.message}`);
}

/** The running quantum (force-quantum if set, else clock.quantum), from pw-metadata. */
export function parseQuantum(metadata: string): number | null {
  const settings = parsePwMetadata(metadata);
  return settings.ok ? pipewireClock(settings.value).quantum : null;
}

export async function capturePipewire(stimulus: Float32Array, loop: PipewireLoop): Promise<PipewireCapture> {
  const env = loop.env;
  const envOption = env === undefined ? {} : { env };
  const dir = await mkdtemp(path.join(tmpdir(), 'archibald-rtl-pw-'));
  const children: ManagedProcess[] = [];
  try {
    const stimulusFile = path.join(dir, 'stimulus.wav');
    const recordingFile = path.join(dir, 'recording.wav');
    // Half a second of silence first: the links are made while the player is still silent.
    await writeFile(stimulusFile, encodeWavFloat32(RATE, [padded(stimulus, RATE / 2, RATE / 2)]));
    const sink = loop.sink ?? null;
    // pw-cat asks for 100 ms (node.latency 4096 at 48 kHz) unless told otherwise, and the graph then
    // runs at that quantum whatever is configured; ask for the configured quantum instead, as a
    // low-latency application would.
    const metadata = await hostSystem().run(['pw-metadata', '-n', 'settings', '0'], { timeoutMs: 3000, ...envOption });
    if (!metadata.ok && metadata.reason === 'not-found') throw new ArchibaldError('TOOL_MISSING', 'pw-metadata is not installed (PipeWire tools)');
    const quantum = loop.quantum ?? (metadata.ok ? parseQuantum(metadata.stdout) : null);
    const latency = quantum === null ? [] : ['--latency', String(quantum)];
    const recorder = hostSystem().start(['pw-record', '-P', `{ node.autoconnect = false node.name = ${RECORDER} }`, '--rate', String(RATE), '--channels', '2', '--format', 'f32', ...latency, recordingFile], envOption);
    children.push(recorder);
    const referenceIn = await waitForPort('-i', `${RECORDER}:input_FL`, env, recorder);
    const returnIn = await waitForPort('-i', `${RECORDER}:input_FR`, env, recorder);
    let returnPort: string;
    if (loop.selfLoop) {
      if (sink === null) throw new ArchibaldError('USAGE', 'the PipeWire software loop needs --playback <sink node.name> (its monitor is recorded)');
      returnPort = await waitForPort('-o', `${sink}:monitor_`, env, recorder);
    } else {
      if (loop.source === undefined) throw new ArchibaldError('USAGE', 'name the capture node wired to the playback by the cable: --capture <node.name> (see pw-link -o)');
      returnPort = await waitForPort('-o', `${loop.source}:`, env, recorder);
    }
    await link(returnPort, returnIn, env);
    const player = hostSystem().start(['pw-play', ...(sink === null ? [] : ['--target', sink]), '-P', `{ node.name = ${PLAYER} }`, ...latency, stimulusFile], envOption);
    children.push(player);
    const referenceOut = await waitForPort('-o', `${PLAYER}:output_`, env, player);
    await link(referenceOut, referenceIn, env);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), 15_000 + (stimulus.length / RATE) * 2000);
    });
    const played = await Promise.race([player.exited, timedOut]);
    clearTimeout(timer);
    if (played === null) throw new ArchibaldError('TOOL_FAILED', 'pw-play did not finish (is the graph running?)');
    if (played.code !== 0) throw new ArchibaldError('TOOL_FAILED', `pw-play failed: ${player.output().stderr.trim().split('\n').pop() ?? `exit ${String(played.code)}`}`);
    await sleep(200);
    // pw-record writes the WAV header's sizes when interrupted.
    await recorder.stop('SIGINT', 3000);
    const decoded = decodeWav(new Uint8Array(await readFile(recordingFile)), 'the pw-record capture');
    if (!decoded.ok) throw new ArchibaldError('TOOL_FAILED', decoded.error);
    const [reference, recording] = decoded.wav.channels;
    if (reference === undefined || recording === undefined) throw new ArchibaldError('TOOL_FAILED', 'pw-record did not record two channels');
    return {
      reference,
      recording,
      rate: decoded.wav.rate,
      quantum: quantum ?? 0,
      loop: loop.selfLoop ? `${sink ?? 'default sink'} -> its monitor` : `${sink ?? 'default sink'} -> cable -> ${loop.source ?? ''}`,
    };
  } finally {
    for (const child of children.reverse()) await child.stop('SIGTERM', 2000);
    await rm(dir, { recursive: true, force: true });
  }
}
