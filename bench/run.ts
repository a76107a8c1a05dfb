/**
 * `npm run bench`: runs every `bench/*.bench.ts` (compiled to dist/bench),
 * or only those whose file name contains one of the command-line arguments,
 * prints one table and writes `bench/results.json`.
 *
 * One benchmark that throws (or fails to load) is reported in the table and
 * in results.json, and the others still run; the exit code is then 1. A run
 * limited by arguments updates only its own sections of results.json and
 * keeps the others, marked with the date they were measured.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchModule, BenchResult } from './types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const sourceFolder = path.resolve(here, '../../bench');
const resultsFile = path.join(sourceFolder, 'results.json');

interface Section {
  readonly file: string;
  readonly title: string;
  readonly date: string;
  readonly seconds: number;
  readonly results: readonly BenchResult[];
  /** Set when the benchmark threw or could not be loaded. */
  readonly error?: string;
}

interface Report {
  readonly date: string;
  readonly node: string;
  readonly cpus: number;
  readonly sections: readonly Section[];
}

export function formatFigure(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 1) return value.toFixed(2);
  return value.toFixed(4);
}

async function runOne(file: string): Promise<Section> {
  const started = performance.now();
  const date = new Date().toISOString();
  let title = file.replace(/\.bench\.js$/, '');
  try {
    const module = (await import(pathToFileURL(path.join(here, file)).href)) as Partial<BenchModule>;
    if (typeof module.run !== 'function') throw new Error('exports no run() function');
    title = module.title ?? title;
    const results = await module.run();
    if (!Array.isArray(results)) throw new Error('run() did not resolve with a list of results');
    return { file, title, date, seconds: (performance.now() - started) / 1000, results };
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`bench ${file} failed:\n${message}\n`);
    return { file, title, date, seconds: (performance.now() - started) / 1000, results: [], error: error instanceof Error ? error.message : String(error) };
  }
}

async function previousSections(): Promise<Section[]> {
  try {
    const report = JSON.parse(await readFile(resultsFile, 'utf8')) as Partial<Report>;
    return Array.isArray(report.sections) ? report.sections.map((section) => ({ ...section, date: section.date ?? report.date ?? '' })) : [];
  } catch {
    return [];
  }
}

function table(sections: readonly Section[]): string[] {
  const rows = sections.flatMap((section) =>
    section.error !== undefined
      ? [[section.title, 'FAILED', section.error.split('\n', 1)[0] ?? '', '', '']]
      : section.results.map((result) => [
          section.title,
          result.name,
          `${formatFigure(result.value)} ${result.unit}`,
          result.baseline ? `${result.baseline.name}: ${formatFigure(result.baseline.value)} ${result.baseline.unit ?? result.unit}` : '',
          result.aim ?? '',
        ]),
  );
  const header = ['benchmark', 'figure', 'value', 'compared with (same run)', 'aim'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)];
}

async function main(filters: readonly string[]): Promise<number> {
  const files = (await readdir(here))
    .filter((file) => file.endsWith('.bench.js'))
    .filter((file) => filters.length === 0 || filters.some((filter) => file.includes(filter)))
    .sort();
  if (files.length === 0) {
    process.stderr.write(`no benchmark matches ${filters.join(', ')}\n`);
    return 1;
  }
  const sections: Section[] = [];
  for (const file of files) {
    process.stderr.write(`running ${file} …\n`);
    sections.push(await runOne(file));
  }
  console.log(table(sections).join('\n'));
  const kept = filters.length === 0 ? [] : (await previousSections()).filter((section) => !files.includes(section.file));
  const report: Report = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    sections: [...sections, ...kept].sort((a, b) => a.file.localeCompare(b.file)),
  };
  await writeFile(resultsFile, `${JSON.stringify(report, null, 2)}\n`);
  const failed = sections.filter((section) => section.error !== undefined);
  if (failed.length > 0) process.stderr.write(`${failed.length} benchmark${failed.length === 1 ? '' : 's'} failed: ${failed.map((section) => section.file).join(', ')}\n`);
  return failed.length > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
