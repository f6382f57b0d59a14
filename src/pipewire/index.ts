/**
 * PipeWire knowledge shared by the doctor, the profile and the benches: pw-dump and pw-metadata
 * parsing with the clock rule, the native protocol's POD codec, the profiler stream and its socket.
 */
export * from './dump.js';
export * from './pod.js';
export * from './protocol.js';
export * from './profiler-socket.js';
