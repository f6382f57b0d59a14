/** Pure parsers of kernel text formats that more than one capability reads. */
export * from './cpulist.js';
export * from './interrupts.js';
export * from './mount-field.js';
export * from './power.js';
export * from './procstat.js';
