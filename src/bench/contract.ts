/**
 * The benches' documents: one zod schema each (the only definition; types by z.infer) and the
 * reader report and console use for saved results. Pure and browser-safe.
 */
export { benchRtReportSchema, type BenchRtReport } from './rt/schema.js';
export { benchXrunsReportSchema, type BenchXrunsReport } from './xruns/schema.js';
export { analysisDocumentSchema, measurementDocumentSchema, type AnalysisDocument, type MeasurementDocument } from './rtl/schema.js';
export * from './saved.js';
export { fractionDone, parseProgressLine, progressRecordSchema, tenths, type ProgressRecord } from './plumbing/progress-record.js';
export { forensicsSummarySchema, xrunAttributionSchema, suspectSchema, type ForensicsSummary, type XrunAttribution, type Suspect } from './xruns/forensics/contract.js';
export { attributionLine, forensicsHtml, forensicsLines } from './xruns/forensics/render.js';
