// Whether real-framework tests confirmed each torch API. A checkout reads its last conformance run
// (test-output/conformance.json, read again whenever it changes, so a test run shows up in hover without restarting
// the server); the packaged extension, which has no test output, reads the summary the build shipped in
// dist/conformance.json. Whichever exists first is read.
import * as fs from 'node:fs';
import { mappedApis } from '../catalogue/index';
import { coverageReport, type ApiConfirmation } from '../coverage';

export type Confirmation = ApiConfirmation | 'no-results';

/** dist/conformance.json, written by scripts/build.mjs from a conformance run. */
export interface ConformanceSummary {
  /** when the run wrote its results (ISO date) */
  ranAt: string;
  /** the pinned framework versions it ran against (test/python/requirements.txt) */
  frameworks: Record<string, string>;
  apis: Record<string, ApiConfirmation>;
}

interface Loaded { file: string; modifiedAt: number; apis: Record<string, ApiConfirmation>; provenance?: string }

export class ConformanceResults {
  private readonly mapped = new Set(mappedApis());
  private loaded?: Loaded;

  /** `files`: where results may be, in order of preference: a run's results ({cases}) or a shipped summary */
  private readonly files: string[];

  constructor(...files: string[]) {
    this.files = files;
  }

  /** Undefined for APIs outside the catalogue (containers, index updates), which no conformance case names. */
  confirmationOf(api: string): Confirmation | undefined {
    if (!this.mapped.has(api)) return undefined;
    const results = this.current();
    return results ? results.apis[api] ?? 'unconfirmed' : 'no-results';
  }

  /** Which run the confirmations come from: "torch 2.15.0, jax 0.10.2, flax 0.12.8, run of 2026-11-24". */
  provenance(): string | undefined {
    return this.current()?.provenance;
  }

  private current(): Loaded | undefined {
    for (const file of this.files) {
      const modifiedAt = fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs;
      if (modifiedAt === undefined) continue;
      if (this.loaded?.file !== file || this.loaded.modifiedAt !== modifiedAt) this.loaded = { file, modifiedAt, ...load(file, modifiedAt) };
      return this.loaded;
    }
    return undefined;
  }
}

function load(file: string, modifiedAt: number): Pick<Loaded, 'apis' | 'provenance'> {
  const summary = readSummary(file);
  if (!summary) return { apis: coverageReport(file).apis, provenance: `run of ${day(new Date(modifiedAt).toISOString())}` };
  const versions = Object.entries(summary.frameworks).map(([name, version]) => `${name} ${version}`);
  return { apis: summary.apis, provenance: [...versions, `run of ${day(summary.ranAt)}`].join(', ') };
}

function readSummary(file: string): ConformanceSummary | undefined {
  try {
    const json = JSON.parse(fs.readFileSync(file, 'utf8'));
    return json.apis && !json.cases ? json : undefined;
  } catch {
    return undefined;
  }
}

const day = (iso: string) => iso.slice(0, 10);
