/**
 * The round-trip latency budget: pure arithmetic from the profile (or what-if flags). Every number
 * below is derived in docs/latency.md with its source; the constants quote the Linux sources
 * (sound/usb/card.h, sound/usb/endpoint.c) and PipeWire's ALSA plugin (spa/plugins/alsa/alsa-pcm.c).
 *
 * A stage is `reported` when the audio engine itself accounts for it in the port latencies it
 * tells JACK clients (Ardour adds those on its own); the rest is "systemic" latency a DAW only
 * learns from a loopback measurement.
 */

import type { Comparison, DeviceType, Engine, LatencyBudget, Stage, UsbSpeed } from './schema.js';

export type { Comparison, DeviceType, Engine, LatencyBudget, Stage, UsbSpeed } from './schema.js';

export interface LatencyInput {
  rate: number;
  quantum: number;
  periods: number;
  device: DeviceType;
  engine: Engine;
  usbSpeed: UsbSpeed;
  /** snd-usb-audio `lowlatency` (default on since Linux 5.16): playback URBs are sent as data arrives. */
  usbLowlatency: boolean;
  jackBridge: boolean;
  /** Latency the plugins in the path report (look-ahead limiters, linear-phase EQs): frames. */
  pluginFrames: number;
}

// sound/usb/card.h
export const USB_MAX_PACKS = 6; // packets per URB at full speed
export const USB_MAX_PACKS_HS = USB_MAX_PACKS * 8; // at high speed
export const USB_MAX_URBS = 12;
export const USB_MAX_QUEUE_MS = 18;
/**
 * endpoint.c limits playback URBs to 2^syncinterval packets when the device sends explicit
 * feedback. The common high-speed feedback endpoint has bInterval 4 → syncinterval 3 → 8
 * microframes (1 ms); a full-speed device without bRefresh gets syncinterval 1 → 2 packets.
 */
const USB_SYNC_PACKS = { high: 8, full: 2 } as const;
/** Packets per millisecond at datainterval 0: microframes (125 µs) at high speed, frames (1 ms) at full speed. */
const USB_PACKS_PER_MS = { high: 8, full: 1 } as const;
/** alsa-pcm.c: "Add 32 extra samples of headroom to handle jitter in capture" (timer scheduling). */
export const PIPEWIRE_CAPTURE_JITTER_FRAMES = 32;
/** alsa-pcm.c DEFAULT_PERIOD / DEFAULT_RATE. */
const PIPEWIRE_DEFAULT_PERIOD = 1024;
const PIPEWIRE_DEFAULT_RATE = 48000;

const round = (value: number, digits = 3): number => Math.round(value * 10 ** digits) / 10 ** digits;
export const framesToMs = (frames: number, rate: number): number => round((frames * 1000) / rate);

/** Largest power of two not above n (flp2 in PipeWire). */
function floorPowerOfTwo(n: number): number {
  let power = 1;
  while (power * 2 <= n) power *= 2;
  return power;
}

/** PipeWire's default period for a rate: flp2(2 * ceil(1024 * rate / 48000) - 1). */
export function pipewireDefaultPeriod(rate: number): number {
  return floorPowerOfTwo(2 * Math.ceil((PIPEWIRE_DEFAULT_PERIOD * rate) / PIPEWIRE_DEFAULT_RATE) - 1);
}

/**
 * The ALSA period size. jackd and PipeWire on PCI use the quantum (ArchibaldOS sets
 * api.alsa.period-size = quantum). snd-usb-audio is a BATCH device (SNDRV_PCM_INFO_BATCH in
 * sound/usb/pcm.c) and PipeWire's timer scheduling halves its period: min(period, default) / 2.
 */
export function alsaPeriodFrames(input: Pick<LatencyInput, 'engine' | 'device' | 'quantum' | 'rate'>): number {
  if (input.engine === 'pipewire' && input.device === 'usb') return Math.floor(Math.min(input.quantum, pipewireDefaultPeriod(input.rate)) / 2);
  return input.quantum;
}

export interface UsbPackets {
  packetsPerMs: number;
  /** Nominal frames in one packet: rate / packets per second. */
  framesPerPacket: number;
  captureUrbPackets: number;
  playbackUrbPackets: number;
  /** URBs snd-usb-audio queues for playback when `lowlatency` is off. */
  playbackQueuedUrbs: number;
}

/** The URB sizes data_ep_set_params() in sound/usb/endpoint.c chooses (datainterval 0). */
export function usbPackets(rate: number, periodFrames: number, periods: number, speed: UsbSpeed): UsbPackets {
  const packetsPerMs = USB_PACKS_PER_MS[speed];
  const packetsPerSecond = packetsPerMs * 1000;
  const framesPerPacket = rate / packetsPerSecond;
  // Capture: URBs of at most 1 ms, halved while one URB would hold a whole period or more;
  // maxsize assumes the rate can run 50 % high (freqmax = freqn + freqn/2).
  const maxPacketFrames = Math.ceil(framesPerPacket * 1.5);
  let captureUrbPackets = Math.min(speed === 'high' ? USB_MAX_PACKS_HS : USB_MAX_PACKS, packetsPerMs);
  while (captureUrbPackets > 1 && captureUrbPackets * maxPacketFrames >= periodFrames) captureUrbPackets >>= 1;
  // Playback (explicit feedback): a period spread evenly over the fewest URBs, each at most the sync
  // interval long; the smallest packet is taken 12 % short (minsize -= minsize >> 3).
  const minPacketFrames = Math.max(Math.floor(framesPerPacket) * (7 / 8), 1 / 8);
  const packetsPerPeriod = Math.ceil(periodFrames / minPacketFrames);
  const maxPacketsPerUrb = Math.min(speed === 'high' ? USB_MAX_PACKS_HS : USB_MAX_PACKS, USB_SYNC_PACKS[speed]);
  const urbsPerPeriod = Math.ceil(packetsPerPeriod / maxPacketsPerUrb);
  const playbackUrbPackets = Math.ceil(packetsPerPeriod / urbsPerPeriod);
  const maxUrbs = Math.min(USB_MAX_URBS, Math.floor((USB_MAX_QUEUE_MS * packetsPerMs) / playbackUrbPackets));
  const playbackQueuedUrbs = Math.min(maxUrbs, urbsPerPeriod * periods);
  return { packetsPerMs, framesPerPacket, captureUrbPackets, playbackUrbPackets, playbackQueuedUrbs };
}

function stage(rate: number, id: string, name: string, frames: number, formula: string, reported: boolean): Stage {
  return { id, name, frames: round(frames), ms: framesToMs(frames, rate), formula, reported };
}

export function latencyBudget(input: LatencyInput): LatencyBudget {
  const { rate, quantum: q, periods, device, engine } = input;
  const period = alsaPeriodFrames(input);
  const stages: Stage[] = [];
  const usb = device === 'usb' ? usbPackets(rate, period, periods, input.usbSpeed) : null;
  const packet = usb === null ? '' : `${round(usb.framesPerPacket)} frames per ${input.usbSpeed === 'high' ? '125 µs microframe' : '1 ms frame'}`;

  if (usb !== null) {
    stages.push(
      stage(rate, 'input.usb', 'input: USB isochronous packets (snd-usb-audio capture URB)', usb.captureUrbPackets * usb.framesPerPacket,
        `${usb.captureUrbPackets} packet(s) per URB x ${packet}; data reaches ALSA when the whole URB completes`, false),
    );
  }
  if (engine === 'pipewire') {
    const batchHeadroom = device === 'usb' ? period : 0;
    const captureHeadroom = Math.max(batchHeadroom, PIPEWIRE_CAPTURE_JITTER_FRAMES);
    stages.push(
      stage(rate, 'input.headroom', 'input: ALSA headroom (PipeWire timer scheduling)', captureHeadroom,
        `max(${device === 'usb' ? `batch device: one ALSA period = ${period}` : 'not a batch device: 0'}, capture jitter ${PIPEWIRE_CAPTURE_JITTER_FRAMES})`, true),
      stage(rate, 'input.quantum', 'PipeWire graph quantum (input side)', q, `the graph starts once a whole quantum (${q}) is captured`, true),
      stage(rate, 'jack.bridge', `JACK bridge (pipewire-jack${input.jackBridge ? '' : ', off in this profile'})`, 0,
        'JACK clients are nodes of the same graph, called in the same cycle: no extra buffer', true),
      stage(rate, 'plugins', 'plugin processing (reported plugin latency)', input.pluginFrames, `--plugin-frames ${input.pluginFrames}`, true),
      stage(rate, 'output.quantum', 'PipeWire graph quantum (output side)', q, `a cycle's output is queued behind the quantum already playing (${q})`, true),
      stage(rate, 'output.headroom', 'output: ALSA headroom (PipeWire timer scheduling)', batchHeadroom,
        device === 'usb' ? `batch device: one ALSA period = ${period} (api.alsa.headroom 0)` : 'not a batch device, api.alsa.headroom 0', true),
    );
  } else {
    stages.push(
      stage(rate, 'input.period', 'ALSA capture period (jackd)', q, `one period (${q}) is captured before jackd wakes`, true),
      stage(rate, 'jack.async', 'jackd asynchronous mode (one extra cycle)', q, `jackd2's default async mode writes one cycle (${q}) later`, true),
      stage(rate, 'plugins', 'plugin processing (reported plugin latency)', input.pluginFrames, `--plugin-frames ${input.pluginFrames}`, true),
      stage(rate, 'output.buffer', 'ALSA playback buffer (jackd)', (periods - 1) * q, `(periods - 1) x period = (${periods} - 1) x ${q}`, true),
    );
  }
  if (usb !== null) {
    const frames = input.usbLowlatency
      ? (usb.playbackUrbPackets + 1) * usb.framesPerPacket
      : usb.playbackQueuedUrbs * usb.playbackUrbPackets * usb.framesPerPacket;
    const formula = input.usbLowlatency
      ? `(${usb.playbackUrbPackets} packet(s) per URB + 1 packet to the next (micro)frame boundary) x ${packet}`
      : `lowlatency off: ${usb.playbackQueuedUrbs} URB(s) queued x ${usb.playbackUrbPackets} packet(s) x ${packet}`;
    stages.push(stage(rate, 'output.usb', 'output: USB isochronous packets (snd-usb-audio playback URB)', frames, formula, false));
  }
  const totalFrames = round(stages.reduce((sum, s) => sum + s.frames, 0));
  const reportedFrames = round(stages.filter((s) => s.reported).reduce((sum, s) => sum + s.frames, 0));
  return {
    rate,
    quantum: q,
    periods,
    device,
    engine,
    usbSpeed: device === 'usb' ? input.usbSpeed : null,
    alsaPeriodFrames: period,
    stages,
    totalFrames,
    totalMs: framesToMs(totalFrames, rate),
    reportedFrames,
  };
}

export interface MeasuredRoundTrip {
  rate: number;
  latencyFrames: number;
}

export function compareMeasured(budget: LatencyBudget, measured: MeasuredRoundTrip): Comparison {
  const atModelRate = (measured.latencyFrames * budget.rate) / measured.rate;
  const unexplained = atModelRate - budget.totalFrames;
  const systemic = atModelRate - budget.reportedFrames;
  return {
    measuredFrames: round(measured.latencyFrames),
    measuredMs: framesToMs(measured.latencyFrames, measured.rate),
    measuredFramesAtModelRate: round(atModelRate),
    nominalFrames: budget.totalFrames,
    unexplainedFrames: round(unexplained),
    unexplainedMs: framesToMs(unexplained, budget.rate),
    systemicFrames: Math.max(0, Math.round(systemic)),
    systemicMs: framesToMs(Math.max(0, Math.round(systemic)), budget.rate),
  };
}
