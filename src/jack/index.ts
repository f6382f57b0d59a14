/** JACK knowledge shared by the benches: the sample-locked loopback client (Python on libjack). */
export * from './loopback-client.js';
