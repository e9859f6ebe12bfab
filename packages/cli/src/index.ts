export { main } from './main.js';
export { buildProgram, type CliContext } from './commands.js';
export { convert, saveAs, datasetNames, type ConvertOptions, type ConvertReport } from './convert.js';
export { verifyStore, type VerifyReport, type VerifyProblem } from './verify.js';
export { exportCsv } from './export-csv.js';
export { openEndpoint, readableStore, isArchivePath, loadArchiveDataset, type Endpoint } from './endpoint.js';
export { formatTable } from './output.js';
export { progressReporter } from './progress-bar.js';
