import { parseArgs } from 'node:util';
import { verbSpecs, type Flag, type VerbName, type VerbSpec } from './verbSpecs.ts';

const help: Flag = { type: 'boolean', text: 'this text' };

const synopsis = (spec: VerbSpec) =>
  [
    spec.words,
    ...spec.args,
    ...Object.entries(spec.flags).map(([name, f]: [string, Flag]) => {
      const flag = `--${name}${f.type === 'string' ? ` <${name}>` : ''}`;
      return f.required === true ? flag : `[${flag}]`;
    }),
  ].join(' ');

export const usage = `usage: projectionist <command> [options]   (projectionist <command> --help for one)

commands:
${verbSpecs.map((s) => `  ${synopsis(s)}\n      ${s.summary}`).join('\n')}
  help [<command>]
      this text, or one command's`;

export const verbUsage = (spec: VerbSpec): string =>
  [
    `usage: projectionist ${synopsis(spec)}`,
    '',
    spec.summary,
    '',
    'options:',
    ...Object.entries({ ...spec.flags, help }).map(([name, f]) => `  --${name.padEnd(14)} ${f.text}`),
  ].join('\n');

export type ParsedCommandLine =
  | {
      readonly kind: 'run';
      readonly verb: VerbName;
      /** The verb's arguments, in the order of its spec (`<projection> <version>`). */
      readonly args: readonly string[];
      /** A `<version>` argument, read (`3` or `v3`). */
      readonly version: number | undefined;
      readonly flags: Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;
      readonly json: boolean;
    }
  | { readonly kind: 'help'; readonly text: string }
  | { readonly kind: 'usage'; readonly message: string; readonly text: string };

const findVerb = (argv: readonly string[]): { spec: VerbSpec; rest: string[] } | undefined => {
  const [first = '', second = ''] = argv;
  const spec: VerbSpec | undefined =
    verbSpecs.find((s) => s.words === `${first} ${second}`) ?? verbSpecs.find((s) => s.words === first);
  return spec === undefined ? undefined : { spec, rest: argv.slice(spec.words.split(' ').length) };
};

/**
 * Reads a command line strictly: an unknown verb, flag or argument, a missing argument or a bad
 * version is a usage error (exit 2) with the text to print; `--help` anywhere is that verb's help.
 */
export const parseCommandLine = (argv: readonly string[]): ParsedCommandLine => {
  const [first] = argv;
  if (first === undefined) return { kind: 'usage', message: 'a command is needed', text: usage };
  if (first === 'help' || first === '--help' || first === '-h') {
    const named = argv.length > 1 ? findVerb(argv.slice(1)) : undefined;
    if (argv.length > 1 && named === undefined)
      return { kind: 'usage', message: `unknown command '${argv.slice(1).join(' ')}'`, text: usage };
    return { kind: 'help', text: named === undefined ? usage : verbUsage(named.spec) };
  }
  const found = findVerb(argv);
  if (found === undefined) {
    const group = verbSpecs.filter((s) => s.words.startsWith(`${first} `));
    const message =
      group.length > 0
        ? `'${first}' needs one of: ${group.map((s) => s.words.split(' ')[1]).join(', ')}`
        : `unknown command '${first}'`;
    return { kind: 'usage', message, text: usage };
  }
  const { spec, rest } = found;
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      strict: true,
      options: Object.fromEntries(
        Object.entries({ ...spec.flags, help }).map(([name, f]) => [
          name,
          {
            type: f.type,
            ...(f.multiple === true ? { multiple: true } : {}),
            ...(name === 'help' ? { short: 'h' } : {}),
          },
        ]),
      ),
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { kind: 'usage', message: `${spec.words}: ${message}`, text: verbUsage(spec) };
  }
  const { values, positionals } = parsed;
  if (values.help === true) return { kind: 'help', text: verbUsage(spec) };
  if (positionals.length !== spec.args.length) {
    const message =
      positionals.length < spec.args.length
        ? `${spec.words}: missing ${spec.args.slice(positionals.length).join(' ')}`
        : `${spec.words}: unexpected argument '${positionals[spec.args.length] ?? ''}'`;
    return { kind: 'usage', message, text: verbUsage(spec) };
  }
  for (const [name, f] of Object.entries(spec.flags)) {
    const value = values[name];
    if (f.wholeNumber === true && typeof value === 'string' && !/^[1-9]\d{0,8}$/.test(value))
      return {
        kind: 'usage',
        message: `${spec.words}: --${name} must be a whole number from 1 (got '${value}')`,
        text: verbUsage(spec),
      };
  }
  const missing = Object.entries(spec.flags).find(
    ([name, f]: [string, Flag]) => f.required === true && values[name] === undefined,
  );
  if (missing !== undefined)
    return { kind: 'usage', message: `${spec.words}: missing --${missing[0]}`, text: verbUsage(spec) };
  const at = spec.args.indexOf('<version>');
  const versionText = at < 0 ? undefined : positionals[at];
  const version =
    versionText === undefined
      ? undefined
      : /^v?\d{1,9}$/.test(versionText)
        ? Number(versionText.replace(/^v/, ''))
        : NaN;
  if (version !== undefined && !(version >= 1))
    return {
      kind: 'usage',
      message: `${spec.words}: <version> must be a whole number from 1 (got '${versionText ?? ''}')`,
      text: verbUsage(spec),
    };
  return {
    kind: 'run',
    verb: spec.words as VerbName,
    args: positionals,
    version,
    flags: values,
    json: values.json === true,
  };
};
