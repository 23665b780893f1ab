// Whether real-framework tests confirmed each torch API, from the last conformance run; the results file is read
// again whenever it changes, so a test run shows up in hover without restarting the server.
import * as fs from 'node:fs';
import { mappedApis } from '../catalogue/index';
import { coverageReport, type CoverageReport } from '../coverage';

export type Confirmation = 'confirmed' | 'failing' | 'unconfirmed' | 'no-results';

export class ConformanceResults {
  private readonly mapped = new Set(mappedApis());
  private report?: CoverageReport;
  private reportModifiedAt?: number;

  constructor(private readonly resultsFile: string) {}

  /** Undefined for APIs outside the catalogue (containers, index updates), which no conformance case names. */
  confirmationOf(api: string): Confirmation | undefined {
    if (!this.mapped.has(api)) return undefined;
    const report = this.currentReport();
    if (!report) return 'no-results';
    if (report.failing.includes(api)) return 'failing';
    return report.unconfirmed.includes(api) ? 'unconfirmed' : 'confirmed';
  }

  private currentReport(): CoverageReport | undefined {
    const modifiedAt = fs.statSync(this.resultsFile, { throwIfNoEntry: false })?.mtimeMs;
    if (modifiedAt === undefined) return undefined;
    if (modifiedAt !== this.reportModifiedAt) {
      this.report = coverageReport(this.resultsFile);
      this.reportModifiedAt = modifiedAt;
    }
    return this.report;
  }
}
