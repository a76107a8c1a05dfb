/**
 * `npm run bench`: runs every `bench/*.bench.ts` (compiled to dist/bench),
 * or only those whose file name contains one of the command-line arguments,
 * prints one table and writes `bench/results.json`.
 */
import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchModule, BenchResult } from './types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const sourceFolder = path.resolve(here, '../../bench');

function format(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 1) return value.toFixed(2);
  return value.toFixed(4);
}

async function main(filters: readonly string[]): Promise<void> {
  const files = (await readdir(here))
    .filter((file) => file.endsWith('.bench.js'))
    .filter((file) => filters.length === 0 || filters.some((filter) => file.includes(filter)))
    .sort();
  const sections: { file: string; title: string; results: readonly BenchResult[] }[] = [];
  for (const file of files) {
    const module = (await import(pathToFileURL(path.join(here, file)).href)) as BenchModule;
    process.stderr.write(`running ${file} …\n`);
    const results = await module.run();
    sections.push({ file, title: module.title, results });
  }
  const rows = sections.flatMap((section) =>
    section.results.map((result) => [
      section.title,
      result.name,
      `${format(result.value)} ${result.unit}`,
      result.baseline ? `${result.baseline.name}: ${format(result.baseline.value)} ${result.baseline.unit ?? result.unit}` : '',
      result.aim ?? '',
    ]),
  );
  const header = ['benchmark', 'figure', 'value', 'compared with (same run)', 'aim'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  console.log(line(header));
  console.log(line(widths.map((width) => '-'.repeat(width))));
  for (const row of rows) console.log(line(row));
  const report = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: (await import('node:os')).cpus().length,
    sections,
  };
  await writeFile(path.join(sourceFolder, 'results.json'), `${JSON.stringify(report, null, 2)}\n`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
