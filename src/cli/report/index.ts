/** Every output format of `amr check`, by its `--format` name. */
import { githubFormatter } from './github';
import { jsonFormatter } from './json';
import { junitFormatter } from './junit';
import { markdownFormatter } from './markdown';
import type { Format, Formatter } from './model';
import { sarifFormatter } from './sarif';
import { textFormatter } from './text';

export const formatters: Record<Format, Formatter> = {
  text: textFormatter,
  json: jsonFormatter,
  sarif: sarifFormatter,
  junit: junitFormatter,
  github: githubFormatter,
  markdown: markdownFormatter,
};

export { makeGithubFormatter, escapeData, escapeProperty } from './github';
export { toJsonReport, jsonReportPieces, type JsonReport, type JsonFinding } from './json';
export { makeMarkdownFormatter } from './markdown';
export { isFailing, FORMATS, type CheckReport, type Format, type Formatter, type InputKind, type ReportCache } from './model';
export { makeSarifFormatter, toSarif, type SarifLog } from './sarif';
export { makeTextFormatter, type TextOptions } from './text';
export { junitFormatter, githubFormatter, jsonFormatter, markdownFormatter, sarifFormatter, textFormatter };
