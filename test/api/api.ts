/**
 * The public API's report and reference, for the three package entries (package.json "exports"): API Extractor reads
 * the declarations `tsc` wrote to build/ and writes each entry's report (`test/api/<entry>.api.md`, every export's
 * signature) and doc model, from which `reference.ts` writes the entry's reference page.
 *
 *   npm run api        build, then update the reports and the reference pages
 *   npm run api:check  build, then fail (printing the difference) if a report or a page differs from the code
 *
 * Both fail on a doc-comment problem API Extractor reports and on a forgotten export: a public signature that uses a
 * type no entry exports. A type exported by another entry is fine (the tiers entry's `TierSpec` uses the root entry's
 * `TierAppProps`; a user imports both).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CompilerState, ConsoleMessageId, Extractor, ExtractorConfig, ExtractorLogLevel, ExtractorMessage } from '@microsoft/api-extractor';
import { TSDocConfigFile } from '@microsoft/tsdoc-config';
import { ApiItem, ReferenceEntry, referencePage } from './reference';

/** What API Extractor says when a report differs from the code: this script says it in its own words. */
const REPORT_CHANGE_MESSAGES: readonly string[] = [ConsoleMessageId.ApiReportCopied, ConsoleMessageId.ApiReportCreated, ConsoleMessageId.ApiReportNotCopied];

/** The package entries: API Extractor config (in this folder), import specifier, source, reference page. */
export const ENTRIES = [
  { config: 'root.json', specifier: 'scaling-tiers', source: 'lib/index.ts', page: 'lib/API.md' },
  { config: 'cloud.json', specifier: 'scaling-tiers/cloud', source: 'lib/cloud/index.ts', page: 'lib/cloud/API.md' },
  { config: 'tiers.json', specifier: 'scaling-tiers/tiers', source: 'tiers/index.ts', page: 'tiers/API.md' },
] as const;

/** The repository root: the folder of package.json above this file (which runs from build/test/api). */
function repositoryRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json')) || path.basename(path.dirname(dir)) === 'build') dir = path.dirname(dir);
  return dir;
}

/** A message about a name the entry does not export: fine when another entry exports it. */
interface ExportedElsewhere {
  readonly entry: string;
  readonly messageId: string;
  readonly symbol: string;
  readonly text: string;
}

/** Runs API Extractor on every entry, then writes (`update`) or checks the reference pages. Returns the exit code. */
export function run(update: boolean): number {
  const root = repositoryRoot();
  const here = path.join(root, 'test', 'api');
  const tsdoc = TSDocConfigFile.loadFile(path.join(here, 'tsdoc.json'));
  const configs = ENTRIES.map((e) => {
    const file = path.join(here, e.config);
    return ExtractorConfig.prepare({ configObject: ExtractorConfig.loadFile(file), configObjectFullPath: file, packageJsonFullPath: path.join(root, 'package.json'), tsdocConfigFile: tsdoc });
  });
  for (const c of configs) {
    if (!fs.existsSync(c.mainEntryPointFilePath)) throw new Error(`${c.mainEntryPointFilePath} is missing: build first (npm run build)`);
  }
  // One TypeScript program for the three entries.
  const compilerState = CompilerState.create(configs[0], { additionalEntryPoints: configs.slice(1).map((c) => c.mainEntryPointFilePath) });

  let failed = false;
  const elsewhere: ExportedElsewhere[] = [];
  ENTRIES.forEach((entry, i) => {
    const result = Extractor.invoke(configs[i], {
      localBuild: update,
      compilerState,
      printApiReportDiff: !update,
      messageCallback: (m: ExtractorMessage) => {
        // The report's change is judged below; its diff is printed as information.
        if (REPORT_CHANGE_MESSAGES.includes(m.messageId)) {
          m.logLevel = ExtractorLogLevel.None;
          m.handled = true;
          return;
        }
        const id: string = m.messageId;
        if (id === String(ConsoleMessageId.ApiReportDiff)) m.logLevel = ExtractorLogLevel.Info;
        // A type (or a {@link} target) that another entry exports: judged below, once every entry's exports are known.
        const symbol = m.messageId === 'ae-forgotten-export' ? /symbol "([^"]+)"/.exec(m.text)?.[1]
          : m.messageId === 'ae-unresolved-link' ? /does not have an export "([^"]+)"/.exec(m.text)?.[1] : undefined;
        if (symbol === undefined) return;
        elsewhere.push({ entry: entry.specifier, messageId: m.messageId, symbol, text: m.formatMessageWithLocation(root) });
        m.logLevel = ExtractorLogLevel.None;
        m.handled = true;
      },
    });
    const report = path.relative(root, configs[i].reportFilePath);
    if (result.errorCount > 0 || result.warningCount > 0) {
      failed = true;
      console.error(`${entry.specifier}: API Extractor found ${result.errorCount} error(s) and ${result.warningCount} warning(s) (above)`);
    }
    if (result.apiReportChanged && !update) {
      failed = true;
      console.error(`${entry.specifier}: the public API changed and ${report} does not say so (the difference is above): run \`npm run api\` and commit the report with the change`);
    } else {
      console.log(`${entry.specifier}: ${report} ${result.apiReportChanged ? 'updated' : 'unchanged'}`);
    }
  });

  const entries: ReferenceEntry[] = ENTRIES.map((e, i) => ({
    specifier: e.specifier,
    page: e.page,
    source: e.source,
    report: path.relative(root, configs[i].reportFilePath),
    exports: docModelExports(configs[i].apiJsonFilePath),
  }));
  for (const m of elsewhere) {
    const other = entries.find((e) => e.specifier !== m.entry && e.exports.some((x) => x.name === m.symbol));
    if (other) continue;
    failed = true;
    console.error(`${m.entry}: ${m.text}`);
    if (m.messageId === 'ae-forgotten-export') console.error(`  (no entry exports "${m.symbol}": export it, or keep it out of the public signature)`);
  }

  for (const entry of entries) {
    const file = path.join(root, entry.page);
    const page = referencePage(entry, entries.filter((e) => e !== entry));
    const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
    if (current === page) continue;
    if (update) {
      fs.writeFileSync(file, page);
      console.log(`${entry.specifier}: ${entry.page} updated`);
    } else {
      failed = true;
      console.error(`${entry.specifier}: ${entry.page} is not what the doc comments say: run \`npm run api\` and commit it`);
    }
  }
  return failed ? 1 : 0;
}

function docModelExports(apiJsonFile: string): ApiItem[] {
  const model = JSON.parse(fs.readFileSync(apiJsonFile, 'utf8')) as ApiItem;
  return [...(model.members?.[0]?.members ?? [])];
}

if (require.main === module) {
  process.exitCode = run(process.argv.includes('--update'));
}
