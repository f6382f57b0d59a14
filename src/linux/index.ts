/** Pure parsers of kernel text formats that more than one capability reads. */
export * from './cpulist.js';
export * from './mount-field.js';
export * from './procstat.js';
