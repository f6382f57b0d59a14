/** The self-contained HTML page shell and its uPlot charts, shared by the benches, the report and the console. */
export * from './page.js';
