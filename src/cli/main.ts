// The command line: parses flags, calls the commands, and holds the single error boundary (`run`).
// A plain generation is imported statically: it is what most runs do. Prompts, builds, lint,
// pipelines and the other subcommands sit behind the one lazy boundary, ./lazy.ts, which only this
// file names: commands get what they need from it through `later`. (A lone `--help` never loads this
// file: the bin answers it from dist/help.txt.)
import { existsSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ANSWER_TABLE } from '../core/answer-table.js';
import type { AnswerEntry } from '../core/answer-types.js';
import { CreateImageError, errorCode, UsageError } from '../core/errors.js';
import { closest } from '../core/suggest.js';
import type { GenerateFlags } from './flags.js';
import { generate } from './generate.js';
import { jsonPrinted, out, resetJsonPrinted } from './output.js';
import { VERSION } from './version.js';

/** The lazy bundle (dist/lazy-<hash>.cjs once built), loaded on first use. */
const later = () => import('./lazy.js');

/**
 * `--ci` of a generation or a check: one of `choices`, given once (commander keeps the last of a repeated
 * option silently, so `--ci github --ci gitlab` would drop github without a word).
 */
function ciOption(description: string): Option {
  const choices = ['gitlab', 'github'];
  return new Option('--ci <system>', description).choices(choices).argParser((value: string, previous: string | undefined) => {
    if (!choices.includes(value)) throw new InvalidArgumentError(`Allowed choices are ${choices.join(', ')}.`);
    if (previous !== undefined) throw new InvalidArgumentError(`--ci was already given (${previous}): one CI system per run; run again with --ci ${value} for the other`);
    return value;
  });
}

let generated = false;
/** Whether this process ran a whole generation: the bin keeps its code cache from such a run (see there). */
export const ranGeneration = (): boolean => generated;

const collect = (value: string, prev: string[] = []) => [...prev, value];

function recipeSourceOptions(cmd: Command): Command {
  return cmd
    .option('--recipes <source>', 'extra recipe source, searched before the built-ins: a dir, git URL[#ref][:subdir] or npm package (repeatable)', collect)
    .option('--trust', 'run templates from a recipe source not yet trusted (required for new sources without a TTY)')
    .option('--refresh', 'update cached git/npm recipe sources');
}

/** The answer table's flags: every one for a generation, those `update` changes for update (`only`). */
function answerOptions(cmd: Command, only?: (e: AnswerEntry) => boolean): Command {
  for (const e of ANSWER_TABLE as readonly AnswerEntry[]) {
    if (only && !only(e)) continue;
    const o = new Option(e.flag.spec, e.flag.help);
    if (e.flag.value === 'texts') o.argParser(collect);
    if (e.flag.choices) o.choices(e.flag.choices);
    cmd.addOption(o);
  }
  return cmd;
}

function buildOptions(cmd: Command): Command {
  return cmd
    .option('--tag <image:tag>', 'tag for the built image (repeatable; default <name>:latest)', collect)
    .option('--push', 'push every tag after a successful build (credentials come from `docker login`)')
    .option('--platform <os/arch>', 'target platform, e.g. linux/arm64 (needs BuildKit/buildx for a foreign one)')
    .option('--no-cache', 'build without the layer cache')
    .option('--build-arg <KEY=VALUE>', 'build argument (repeatable)', collect)
    .addOption(new Option('--builder <tool>', 'image builder (default: docker, else podman, else buildah; buildx: an existing BuildKit builder)').choices(['docker', 'podman', 'buildah', 'buildx']))
    .option('--buildx-builder <name>', 'with --builder buildx: the buildx builder to use as it is (kubernetes, remote, cloud)')
    .option('--cache-from <ref>', 'with --builder buildx: cache source, passed to buildx as is (repeatable)', collect)
    .option('--cache-to <ref>', 'with --builder buildx: cache export, passed to buildx as is (repeatable)', collect)
    .option('--no-verify', 'do not run the built image (health and smoke check) before reporting or pushing it')
    .option('--verify-timeout <seconds>', 'how long the verification may take to pass, 1 to 3600 (default 120)')
    .option('--reproducible', 'pin the image\'s timestamps so the same sources give the same image id (buildah and podman: --timestamp 0)')
    .option('--sbom', 'after the build, write a CycloneDX JSON SBOM (sbom.cdx.json) beside the Dockerfile: OS packages and the lockfiles copied in');
}

/** The subcommands' names (program() defines them; a test holds the two together). */
export const COMMAND_NAMES = ['list', 'info', 'detect', 'validate', 'build', 'update', 'check', 'lock', 'recipe', 'ci', 'help'] as const;

/**
 * Whether a run's words may address a subcommand or ask for help: only then are the subcommands
 * defined. Most runs are generations, and defining every subcommand's options is a fifth of what
 * parsing their flags costs.
 */
const needsSubcommands = (args: string[]): boolean => args.some((a) => (COMMAND_NAMES as readonly string[]).includes(a) || a === '-h' || a === '--help');

/** The command line; with `args` (argv after the script), only what those words can reach. */
export function program(args?: string[]): Command {
  const prog = new Command('create-image')
    // `list --json` belongs to `list`: options after a subcommand are that subcommand's
    .enablePositionalOptions()
    .description('Scaffold a container image from a recipe: Dockerfile, entrypoint, config; optionally build, tag and push.')
    .version(VERSION, '-v, --version')
    .showSuggestionAfterError(true)
    .argument('[target-dir]', 'where to write the files (asked for when omitted)');
  answerOptions(prog)
    .option('--answers <file>', 'answers from a JSON or YAML file, or a generated folder\'s .create-image.json (flags win)')
    .option('-y, --yes', 'accept defaults for everything not given; never prompt')
    .option('-f, --force', 'overwrite files that differ in the target dir')
    .option('--dry-run', 'print what would be written (diffs for existing files); write nothing')
    .option('--json', 'print one machine-readable JSON result on stdout')
    .option('--build', 'build the image after writing the files')
    .addOption(ciOption('also write a CI pipeline that builds, tests and pushes the image'))
    .option('--compose', 'also write compose.yaml')
    .option('--app <path>', "folder of the app to containerize inside the target dir (a monorepo's apps/api); detected when omitted")
    .addHelpText(
      'after',
      `
Subcommands in full: recipe new <name>, recipe test <dir> [--build], ci recipes [dir].
Exit codes: 0 ok, 1 failure (build, conflicts), 2 bad usage, 130 cancelled.

Examples:
  npx create-image
  npx create-image my-site --recipe custom --service nginx --port 8080 --tz Asia/Shanghai --yes
  npx create-image ftp --recipe vsftpd --yes --build --tag registry.example.com/ftp:1.0 --push`,
    )
    .action(async (target: string | undefined, flags: GenerateFlags) => {
      refuseCommandTypo(target, flags);
      await generate(target, flags, later);
      generated = true;
    });
  recipeSourceOptions(prog);
  buildOptions(prog);
  if (args && !needsSubcommands(args)) return prog;

  recipeSourceOptions(
    prog
      .command('list')
      .description('list available recipes')
      .option('--json', 'machine-readable output'),
  ).action(async (flags) => (await later()).list(flags));

  recipeSourceOptions(
    prog
      .command('info')
      .description("show a recipe's questions, defaults, env vars, ports and volumes")
      .argument('<recipe>', 'recipe name')
      .option('--json', 'machine-readable output'),
  ).action(async (name, flags) => (await later()).info(name, flags));

  prog
    .command('detect')
    .description('show the app detected in a folder (stack, evidence, the answers a generation would take); writes nothing')
    .argument('[dir]', 'project folder', '.')
    .option('--app <path>', 'only the app in this folder (relative to dir)')
    .option('--json', 'machine-readable output')
    .action(async (dir, flags) => (await later()).detect(dir, flags));

  recipeSourceOptions(
    prog
      .command('validate')
      .description("check a recipe folder's manifest and render it with its defaults")
      .argument('<recipe-dir>', 'folder with recipe.json')
      .option('--json', 'machine-readable output'),
  ).action(async (dir, flags) => (await later()).validate(dir, flags));

  buildOptions(
    prog
      .command('build')
      .description('(re)build a generated dir from its .create-image.json')
      .argument('[dir]', 'generated dir', '.')
      .option('--json', 'machine-readable output'),
  ).action(async (dir, flags) => (await later()).buildCommand(dir, flags));

  recipeSourceOptions(
    prog
      .command('update')
      .description('re-render a generated dir with a newer recipe (or new answers: the answer flags replace the recorded ones) and merge your edits three ways')
      .argument('[dir]', 'generated dir', '.')
      .option('--check', 'only tell (exit 0: up to date, 10: newer recipe available)')
      .option('--compose', 'also keep compose.yaml current (written now when missing); a dir generated with --compose keeps it without the flag')
      .addOption(ciOption('also keep this CI pipeline current (written now when missing); a dir generated with --ci keeps its own'))
      .option('--dry-run', 'show the merged result as a diff; write nothing')
      .option('--refresh-lock', 'resolve the FROM images of a locked dir to their digests again (default: the lock is re-applied; images it lacks are resolved)')
      .option('--json', 'machine-readable output'),
  );
  answerOptions(prog.commands.find((c) => c.name() === 'update')!, (e) => e.update !== undefined).action(async (dir, flags) => (await later()).updateCommand(dir, flags));

  prog
    .command('check')
    .description('tell whether a generated dir is behind its recipe: a newer recipe version, newer base releases, files edited since the last render; changes nothing (exit 0 current, 10 update available)')
    .argument('[dir]', 'generated dir', '.')
    .option('--recipes <source>', 'check against this recipe source instead of the recorded one (a dir, git URL[#ref][:subdir] or npm package)', collect)
    .option('--refresh', 'fetch the recorded git/npm source again')
    .option('--trust', "run the templates of a recipe source the project names (its config, its record's source)")
    .option('--json', 'machine-readable output')
    .addOption(ciOption('also write a scheduled CI job that runs the check'))
    .option('--force', 'with --ci: overwrite the job file when it differs')
    .action(async (dir, flags) => (await later()).checkCommand(dir, flags));

  prog
    .command('lock')
    .description('pin every FROM image of a generated dir to its registry digest (FROM name:tag@sha256:...) and write .create-image/lock.json')
    .argument('[dir]', 'generated dir', '.')
    .option('--json', 'machine-readable output')
    .action(async (dir, flags) => (await later()).lockCommand(dir, flags));

  const recipe = prog.command('recipe').description('author recipes');
  recipe
    .command('new')
    .description('scaffold a recipe folder')
    .argument('<name>', 'recipe name: lowercase letters, digits and dashes, starting with a letter')
    .option('--dir <dir>', 'parent folder', '.')
    .option('--json', 'machine-readable output: the folder, its files and the next steps')
    .action(async (name, flags) => (await later()).recipeNew(name, flags));
  recipeSourceOptions(
    recipe
      .command('test')
      .description('render on every family the recipe claims and lint; --build also builds and smoke-checks')
      .argument('<dir>', 'recipe folder')
      .option('--build', 'build each render and run its smoke check')
      // the default shown as a number (commander quotes a string default)
      .addOption(new Option('--smoke-timeout <seconds>', 'with --build: how long the smoke check may take to pass').default('90', '90'))
      .option('--family <family>', 'only this family')
      .option('--ca-cert <file>', 'CA certificate (PEM) every render trusts while building, as for generation (repeatable)', collect)
      .option('--json', 'machine-readable output: each render, each build and every problem, in one document'),
  ).action(async (dir, flags) => (await later()).recipeTest(dir, flags));

  prog
    .command('ci')
    .description('write CI pipelines')
    .command('recipes')
    .description('write a pipeline that renders, lints, builds and smoke-checks every recipe in a recipe repo')
    .argument('[dir]', 'recipe repo', '.')
    .addOption(new Option('--ci <system>', 'CI system').choices(['gitlab', 'github']).default('gitlab'))
    .option('--force', 'overwrite an existing pipeline file')
    .option('--dry-run', 'print what would be written; write nothing')
    .option('--json', 'machine-readable output')
    .action(async (dir, flags) => (await later()).ciRecipes(dir, flags));

  // The program and each command with subcommands (recipe, ci) get the same help command, added last.
  const parents = prog.commands.filter((x) => x.commands.length);
  for (const c of [prog, ...parents]) addHelpCommand(c);
  for (const c of parents) refuseUnknownSubcommand(c);
  return prog;
}

/**
 * `recipe nosuch` is a usage error in the words every unknown command gets (did you mean...), not
 * commander's own; `recipe` alone prints its help to stderr (exit 2), as before.
 */
function refuseUnknownSubcommand(parent: Command): void {
  parent
    .argument('[command]')
    .usage('[options] [command]')
    .allowExcessArguments()
    .allowUnknownOption()
    .action((word: string | undefined) => {
      if (word === undefined) return parent.help({ error: true });
      throw unknownCommand(word, parent, `${parent.name()} commands`);
    });
}

/**
 * `help [command]`, ours rather than commander's (which prints the whole help and fails for a word that names
 * no command): `help recipe test` walks the words down to a command; --json and the like are passed over.
 */
function addHelpCommand(parent: Command): void {
  parent
    .helpCommand(false)
    .command('help')
    .description('show help for a command')
    .argument('[command]')
    .allowExcessArguments()
    .allowUnknownOption()
    .helpOption(false)
    .action((_word: string | undefined, _flags: unknown, cmd: Command) => showHelp(parent, cmd.args.filter((a) => !a.startsWith('-'))));
}

/** The help of the command the words name (the program's for none); a word naming no command is a usage error. */
function showHelp(prog: Command, words: string[]): void {
  let cmd = prog;
  for (const word of words) {
    const next = cmd.commands.find((c) => c.name() === word);
    if (!next) throw unknownCommand(word, cmd, 'commands');
    cmd = next;
  }
  cmd.help();
}

/** `word` names no subcommand of `parent`: did-you-mean when one is near, else the list under `label`. */
function unknownCommand(word: string, parent: Command, label: string): UsageError {
  const names = parent.commands.map((c) => c.name());
  return new UsageError([{ path: '', message: didYouMean(word, names) ?? `unknown command "${word}"; ${label}: ${names.join(', ')}` }]);
}

/** `unknown command "lst": did you mean list?`, or undefined when no command is near the word. */
function didYouMean(word: string, names: string[]): string | undefined {
  // two neighbouring letters swapped (`hepl`, `nwe`) is one slip of the fingers, though two edits
  const swapped = names.filter((n) => n.length === word.length && n !== word && [...n].some((_, i) => i + 1 < n.length && word === n.slice(0, i) + n[i + 1] + n[i] + n.slice(i + 2)));
  const near = [...new Set([...swapped, ...closest(word, names, { maxDistance: word.length <= 4 ? 1 : 2, limit: 2 })])].slice(0, 2);
  return near.length ? `unknown command "${word}": did you mean ${near.join(' or ')}?` : undefined;
}

/**
 * A word where a subcommand could be is a target folder, unless it looks like a mistyped subcommand:
 * `create-image lst --yes` stops with "did you mean list?" instead of writing ./lst. It is a folder
 * when it names one that exists, when it has a path separator, or when `--yes` and a recipe (`--recipe`
 * or an `--answers` file) make the intent to generate plain.
 */
function refuseCommandTypo(word: string | undefined, flags: GenerateFlags): void {
  if (word === undefined || /[/\\]/.test(word) || existsSync(word)) return;
  if (flags.yes && (flags.recipe || flags.answers)) return;
  const unknown = didYouMean(word, [...COMMAND_NAMES]);
  if (!unknown) return;
  throw new UsageError([{ path: '', message: `${unknown} (to generate into a folder named ${word}, add --recipe <name> --yes, or create the folder first)` }]);
}

/** `--json` anywhere before `--`: the run owes stdout exactly one JSON document, failure included. */
const wantsJson = (argv: string[]): boolean => {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).includes('--json');
};

/** The `--json` failure document: `{ ok: false, exitCode, error: { code, message, flag } }`. */
function jsonFailure(exitCode: number, code: string, message: string, flag: string | null, more: { issues?: unknown; details?: Record<string, unknown> } = {}): void {
  out.json({ ok: false, exitCode, error: { code, message, flag, ...(more.issues ? { issues: more.issues } : {}) }, ...(more.details ? { details: more.details } : {}) });
}

/** The flag a usage error is about: the first issue's `--flag`, else null. */
function flagOf(e: CreateImageError): string | null {
  const path = e instanceof UsageError ? (e.issues[0]?.path ?? '') : '';
  return /^--[\w-]+/.exec(path)?.[0] ?? null;
}

/** The single error boundary: typed errors become one clear message and their exit code. */
export async function run(argv: string[]): Promise<number> {
  resetJsonPrinted();
  const json = wantsJson(argv.slice(2));
  const prog = program(argv.slice(2));
  prog.exitOverride();
  // Nested subcommands too (`ci recipes`, `recipe test`): a bad flag there is a usage error, exit 2.
  const override = (cmd: Command): void => {
    for (const c of cmd.commands) {
      c.exitOverride();
      override(c);
    }
  };
  override(prog);
  // commander's own error line is held until the boundary knows whether a did-you-mean replaces it
  let commanderError = '';
  const output = { writeOut: (s: string) => out.write(s), writeErr: (s: string) => process.stderr.write(s), outputError: (s: string) => void (commanderError += s) };
  prog.configureOutput(output);
  const configure = (cmd: Command): void => {
    for (const c of cmd.commands) {
      c.configureOutput(output);
      configure(c);
    }
  };
  configure(prog);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await prog.parseAsync(argv);
    return 0;
  } catch (e) {
    // the signal handler owns the exit (130) and its line; what failed because of it says nothing more
    if (cancelling) return 130;
    if (e instanceof CommanderError) {
      // --help and --version arrive here too, with exit code 0.
      if (e.exitCode === 0) return 0;
      // `infoo custom`: more words than a target folder, the first one near a command's name
      const first = argv.slice(2).find((a) => !a.startsWith('-'));
      const typo = e.code === 'commander.excessArguments' && first !== undefined ? didYouMean(first, [...COMMAND_NAMES]) : undefined;
      if (typo) {
        process.stderr.write(`create-image: ${typo}\n`);
        if (json) jsonFailure(2, 'usage', typo, null);
        return 2;
      }
      process.stderr.write(commanderError);
      if (json) jsonFailure(2, 'usage', e.message.replace(/^error: /, ''), /'(--?[\w-]+)[^']*'/.exec(e.message)?.[1] ?? null);
      return 2;
    }
    if (e instanceof CreateImageError) {
      if (e.message) process.stderr.write(`${e.message.split('\n').map((l) => `create-image: ${l}`).join('\n')}\n`);
      // A command that printed its JSON result and then exits non-zero (validate, update --check) owes no second one.
      if (json && !jsonPrinted()) {
        jsonFailure(e.exitCode, errorCode(e), e.message, flagOf(e), { ...(e instanceof UsageError && e.issues.length > 1 ? { issues: e.issues } : {}), ...(e.details ? { details: e.details } : {}) });
      }
      return e.exitCode;
    }
    // The system said no (a read-only or full disk, no permission, a file where a folder must be): the
    // environment's problem, said in one line; nothing here is a bug worth a stack trace.
    const sys = e as NodeJS.ErrnoException;
    if (sys instanceof Error && typeof sys.code === 'string' && typeof sys.syscall === 'string') {
      const message = `cannot ${sys.syscall} ${sys.path ?? ''}: ${sys.message.replace(/^[A-Z]+: /, '').split(',')[0]}`.replace(/ {2}/, ' ');
      process.stderr.write(`create-image: ${message}\n`);
      if (json && !jsonPrinted()) jsonFailure(1, 'system', message, null);
      return 1;
    }
    const err = e as Error;
    process.stderr.write(`create-image: unexpected error: ${err.stack ?? err.message}\n`);
    if (json && !jsonPrinted()) jsonFailure(1, 'internal', `unexpected error: ${err.message}`, null);
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

let cancelling = false;
/**
 * Ctrl-C or SIGTERM outside a prompt (a prompt reads Ctrl-C itself): the containers this run started are
 * removed, then exit 130. A second signal while removing waits for the same removal.
 */
function onSignal(): void {
  if (cancelling) return;
  cancelling = true;
  process.stderr.write('create-image: cancelled; removing the containers this run started\n');
  void later()
    .then((m) => m.removeOwnContainers())
    .catch(() => {})
    .finally(() => process.exit(130));
}
