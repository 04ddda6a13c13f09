#!/usr/bin/env node
// The operator CLI: `projectionist <verb>`. Verbs and flags: parseCommandLine.ts; exit codes: exitCodes.ts.
import { loadConfig } from '../config/index.ts';
import { errorCodes, isProjectionistError } from '../errors/index.ts';
import { createLogger } from '../logger/index.ts';
import { exitCodes } from './exitCodes.ts';
import { parseCommandLine } from './parseCommandLine.ts';
import { runCommandLine } from './runCommandLine.ts';

const print = (line: string) => process.stdout.write(`${line}\n`);

/** What a failure says (on stderr, and in the --json document), whether it was a refusal, and its exit status. */
const failureOf = (error: unknown): { message: string; refused: boolean; exitCode: number } => {
  if (isProjectionistError(error, 'PRJ_CONFIG_INVALID'))
    return { message: error.message, refused: false, exitCode: exitCodes.usage };
  if (isProjectionistError(error, 'PRJ_REGISTRY_MISSING'))
    return {
      message:
        'the registry is not migrated in this database; run `projectionist migrate` (or start `projectionist serve`, which migrates) first',
      refused: true,
      exitCode: exitCodes.refused,
    };
  if (isProjectionistError(error) && errorCodes[error.code].refused)
    return { message: error.message, refused: true, exitCode: exitCodes.refused };
  return {
    message: error instanceof Error ? error.message : String(error),
    refused: false,
    exitCode: exitCodes.failed,
  };
};

const line = parseCommandLine(process.argv.slice(2));
if (line.kind === 'help') print(line.text);
else if (line.kind === 'usage') {
  process.stderr.write(`projectionist: ${line.message}\n\n${line.text}\n`);
  process.exitCode = exitCodes.usage;
} else {
  try {
    // Logs go to stderr, so that stdout carries only the verb's output (one JSON document with
    // --json); serve has no output of its own and logs on stdout, as a container's log is read.
    const logger = createLogger({
      level: loadConfig().logLevel,
      ...(line.verb === 'serve' ? {} : { destination: process.stderr }),
    });
    process.exitCode = await runCommandLine(line, { logger, print });
  } catch (error) {
    const { message, refused, exitCode } = failureOf(error);
    const code = isProjectionistError(error) ? error.code : 'PRJ_INTERNAL';
    process.stderr.write(`projectionist: ${refused ? `refused (${code}): ` : ''}${message}\n`);
    if (line.json) print(JSON.stringify({ error: { code, message } }));
    process.exitCode = exitCode;
  }
}
