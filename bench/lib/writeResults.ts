import { readFile, writeFile } from 'node:fs/promises';

const resultsFile = new URL('../RESULTS.md', import.meta.url);
const head =
  '# Benchmark results\n\nWritten by `npm run bench`; each section is replaced when its bench runs again.\n';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Puts `markdown` under the heading `## <section>` of bench/RESULTS.md: replaces that section
 * (up to the next `## ` heading) when it exists, appends it otherwise. Answers the file's path.
 */
export const writeResults = async (section: string, markdown: string): Promise<string> => {
  const current = await readFile(resultsFile, 'utf8').catch(() => head);
  const block = `## ${section}\n\n${markdown.trim()}\n`;
  const existing = new RegExp(`^## ${escape(section)}\\n[\\s\\S]*?(?=^## |(?![\\s\\S]))`, 'm');
  const next = existing.test(current)
    ? current.replace(existing, `${block}\n`)
    : `${current.trimEnd()}\n\n${block}`;
  await writeFile(resultsFile, `${next.trimEnd()}\n`);
  return resultsFile.pathname;
};
