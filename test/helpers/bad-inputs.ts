// A corpus of bad input for every command: each case must end in a clear error (exit 1 or 2, one
// `create-image: ...` line per problem), never a stack trace or "unexpected error". Shared by the
// in-process unit test (the bulk) and the e2e test through the built bin (a sample).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface BadCase {
  name: string;
  args: string[];
  /** Where the corpus pins the whole answer: exit 2 and this one stderr line. */
  says?: string;
}

/** A run as `says` pins it (the bin's runner drops the last newline, the in-process one keeps it). */
export const answerOf = (r: { exitCode: number; stdout: string; stderr: string }) => ({ exitCode: r.exitCode, stderr: r.stderr.replace(/\n$/, ''), stdout: r.stdout });
export const saying = (says: string) => ({ exitCode: 2, stderr: says, stdout: '' });

/** What a bad --recipes names: the source and the forms it takes. */
const SOURCE_FORMS = 'accepted: a directory of recipes, a git URL (https://, ssh://, git://, file:// or user@host:path)[#ref][:subdir], or an npm package (name, npm:spec or a .tgz)';

/** Files and folders the cases point at, made under `dir`. */
export function badFixtures(dir: string) {
  const f = {
    file: path.join(dir, 'a-file'),
    empty: path.join(dir, 'empty'),
    fileParent: path.join(dir, 'a-file', 'sub'),
    badJson: path.join(dir, 'bad.json'),
    listJson: path.join(dir, 'list.json'),
    typesYaml: path.join(dir, 'types.yaml'),
    envYaml: path.join(dir, 'env.yaml'),
    notPem: path.join(dir, 'not.pem'),
    brokenRecipe: path.join(dir, 'broken-recipe'),
    typedRecipe: path.join(dir, 'typed-recipe'),
    badRecord: path.join(dir, 'bad-record'),
    typedRecord: path.join(dir, 'typed-record'),
    badLock: path.join(dir, 'bad-lock'),
    noDockerfile: path.join(dir, 'no-dockerfile'),
    missing: path.join(dir, 'missing'),
  };
  writeFileSync(f.file, 'x');
  mkdirSync(f.empty);
  writeFileSync(f.badJson, '{ "tz": ');
  writeFileSync(f.listJson, '[1, 2]');
  writeFileSync(f.typesYaml, 'tz: 5\nrecipe: [a]\nbase: {a: 1}\nports: [{x: 1}]\ncaInFinal: maybe\n');
  writeFileSync(f.envYaml, 'env: [1, "NOEQUALS", "1BAD=x"]\nset: {a: {b: 1}}\nnosuchkey: 1\n');
  writeFileSync(f.notPem, 'hello');
  mkdirSync(f.brokenRecipe);
  writeFileSync(path.join(f.brokenRecipe, 'recipe.json'), '{ "name": ');
  mkdirSync(f.typedRecipe);
  writeFileSync(path.join(f.typedRecipe, 'recipe.json'), JSON.stringify({ name: 5, version: [], files: 'x' }));
  for (const [d, record] of [
    [f.badRecord, '{ not json'],
    [f.typedRecord, JSON.stringify({ recipe: { name: 'custom', version: '1.0.0', source: 'builtin' }, answers: { tz: 5, services: 'nginx', env: { TZ: 'x' }, runtime: [1] }, files: {} })],
  ] as const) {
    mkdirSync(d);
    writeFileSync(path.join(d, 'Dockerfile'), 'FROM debian:bookworm-slim\n');
    writeFileSync(path.join(d, '.create-image.json'), record);
  }
  mkdirSync(f.noDockerfile);
  mkdirSync(path.join(f.badLock, '.create-image'), { recursive: true });
  writeFileSync(path.join(f.badLock, 'Dockerfile'), 'FROM debian:bookworm-slim\n');
  writeFileSync(path.join(f.badLock, '.create-image.json'), JSON.stringify({ recipe: { name: 'custom', version: '1.0.0', source: 'builtin' }, answers: {}, files: { Dockerfile: 'x' } }));
  writeFileSync(path.join(f.badLock, '.create-image', 'lock.json'), '{ "lockVersion": 1, "images": [{ "image": "debian" }] }');
  return f;
}

export function badCases(dir: string, commands: string[]): BadCase[] {
  const f = badFixtures(dir);
  const t = path.join(dir, 'target');
  const gen = (name: string, ...args: string[]): BadCase => ({ name: `generate: ${name}`, args: [t, '--recipe', 'custom', '--yes', ...args] });
  // generation with one bad answer each: [name, ...flags]
  const answers: [string, ...string[]][] = [
    ['tz typo', '--tz', 'Asia/Shangai'],
    ['tz with a newline', '--tz', 'a\nb'],
    ['name with a command', '--name', '$(id)'],
    ['name with a space', '--name', 'Evil Name'],
    ['name with a digest', '--name', 'app@sha256:abc'],
    ['runtime version not a number', '--runtime', 'node@abc'],
    ['runtime unknown', '--runtime', 'cobol'],
    ['base unpinned', '--base', 'debian:latest'],
    ['base nonsense', '--base', '::'],
    ['family unknown', '--family', 'plan9', '--base', 'example.com/x:1'],
    ['locale latin1', '--locale', 'de_DE.ISO-8859-1'],
    ['service unknown', '--service', 'mysql'],
    ['supervisor unknown', '--service', 'nginx', '--service', 'redis', '--supervisor', 'systemd'],
    ['port out of range', '--port', '70000'],
    ['port text', '--port', 'http'],
    ['env without =', '--env', 'NOEQUALS'],
    ['env bad name', '--env', '1BAD=x'],
    ['env TZ', '--env', 'TZ=Europe/Berlin'],
    ['env LANG', '--env', 'LANG=de_DE.UTF-8'],
    ['env secret-looking', '--env', 'DB_PASSWORD=x'],
    ['env too long', '--env', `BIG=${'x'.repeat(5000)}`],
    ['set unknown question', '--set', 'nosuch=1'],
    ['set without =', '--set', 'command'],
    ['answers missing', '--answers', f.missing],
    ['answers a folder', '--answers', f.empty],
    ['answers invalid JSON', '--answers', f.badJson],
    ['answers a list', '--answers', f.listJson],
    ['answers wrong types', '--answers', f.typesYaml],
    ['answers bad env and set', '--answers', f.envYaml],
    ['ca-cert missing', '--ca-cert', f.missing],
    ['ca-cert not PEM', '--ca-cert', f.notPem],
    ['tag without --build', '--tag', 'x:1'],
    ['bad tag', '--build', '--tag', 'Bad Tag'],
    ['bad platform', '--build', '--platform', 'nonsense'],
    ['bad build-arg', '--build', '--build-arg', 'NOEQUALS'],
    ['sbom without build', '--sbom'],
    ['ci unknown', '--ci', 'jenkins'],
    ['ci twice', '--ci', 'github', '--ci', 'gitlab'],
    ['recipes source missing', '--recipes', f.missing],
    ['recipes source a file', '--recipes', f.file],
  ];
  const cases: BadCase[] = [
    { name: 'unknown flag', args: ['--bogus'] },
    { name: 'flag without its value', args: [t, '--tz'] },
    { name: 'mistyped command', args: ['lst'] },
    { name: 'help for no such command', args: ['help', 'nosuch'], says: 'create-image: unknown command "nosuch"; commands: list, info, detect, validate, build, update, check, lock, recipe, ci, help' },
    { name: 'help for a mistyped command', args: ['help', 'lst'], says: 'create-image: unknown command "lst": did you mean list?' },
    { name: 'no such recipe command', args: ['recipe', 'nosuch'], says: 'create-image: unknown command "nosuch"; recipe commands: new, test, help' },
    { name: 'a mistyped ci command', args: ['ci', 'recipe'], says: 'create-image: unknown command "recipe": did you mean recipes?' },
    { name: 'empty target', args: ['', '--yes'] },
    { name: 'generate: target is a file', args: [f.file, '--recipe', 'custom', '--yes'] },
    { name: 'generate: target under a file', args: [f.fileParent, '--recipe', 'custom', '--yes'] },
    { name: 'generate: target in /proc', args: ['/proc/create-image-x', '--recipe', 'custom', '--yes'] },
    { name: 'generate: unknown recipe', args: [t, '--recipe', 'nosuch', '--yes'] },
    ...answers.map(([name, ...args]) => gen(name, ...args)),
  ];
  if (commands.includes('list')) cases.push({ name: 'list: source missing', args: ['list', '--recipes', f.missing] }, { name: 'list: bad git source', args: ['list', '--recipes', 'git+nonsense'], says: `create-image: --recipes: git+nonsense: "nonsense" is not a git URL; ${SOURCE_FORMS}` });
  if (commands.includes('info')) cases.push({ name: 'info: no such recipe', args: ['info', 'nosuch'] }, { name: 'info: a path', args: ['info', '../../etc'] }, { name: 'info: empty', args: ['info', ''] });
  if (commands.includes('validate')) {
    for (const [n, d] of [['missing', f.missing], ['a file', f.file], ['empty folder', f.empty], ['broken JSON', f.brokenRecipe], ['wrong types', f.typedRecipe]]) cases.push({ name: `validate: ${n}`, args: ['validate', d!] });
  }
  if (commands.includes('build')) {
    cases.push(
      { name: 'build: missing dir', args: ['build', f.missing] },
      { name: 'build: a file', args: ['build', f.file] },
      { name: 'build: no Dockerfile', args: ['build', f.noDockerfile] },
      { name: 'build: bad record', args: ['build', f.badRecord] },
      { name: 'build: bad tag', args: ['build', f.typedRecord, '--tag', 'Bad Tag'] },
      { name: 'build: unknown builder', args: ['build', f.typedRecord, '--builder', 'kaniko'] },
    );
  }
  if (commands.includes('update')) {
    cases.push(
      { name: 'update: not generated', args: ['update', f.empty] },
      { name: 'update: missing', args: ['update', f.missing] },
      { name: 'update: a file', args: ['update', f.file] },
      { name: 'update: bad record', args: ['update', f.badRecord] },
      { name: 'update: record with wrong types', args: ['update', f.typedRecord] },
      { name: 'update: check on a bad record', args: ['update', f.badRecord, '--check'] },
    );
  }
  if (commands.includes('check')) {
    cases.push(
      { name: 'check: not generated', args: ['check', f.empty] },
      { name: 'check: missing', args: ['check', f.missing] },
      { name: 'check: a file', args: ['check', f.file] },
      { name: 'check: bad record', args: ['check', f.badRecord] },
      { name: 'check: unknown ci', args: ['check', f.typedRecord, '--ci', 'jenkins'] },
    );
  }
  if (commands.includes('lock')) {
    cases.push(
      { name: 'lock: not generated', args: ['lock', f.empty] },
      { name: 'lock: missing', args: ['lock', f.missing] },
      { name: 'lock: bad record', args: ['lock', f.badRecord] },
      { name: 'lock: a lock file not of this version', args: ['lock', f.badLock], says: 'create-image: .create-image/lock.json: is not a lock file of this version (lockVersion 1, images of image, tag, digest); run create-image lock again' },
    );
  }
  if (commands.includes('recipe')) {
    cases.push(
      { name: 'recipe new: bad name', args: ['recipe', 'new', 'Bad Name', '--dir', dir] },
      { name: 'recipe new: empty name', args: ['recipe', 'new', '', '--dir', dir] },
      { name: 'recipe new: a path', args: ['recipe', 'new', '../x', '--dir', dir] },
      { name: 'recipe new: dir is a file', args: ['recipe', 'new', 'ok-name', '--dir', f.file] },
      { name: 'recipe test: missing', args: ['recipe', 'test', f.missing] },
      { name: 'recipe test: a file', args: ['recipe', 'test', f.file] },
      { name: 'recipe test: broken JSON', args: ['recipe', 'test', f.brokenRecipe] },
      { name: 'recipe test: unknown family', args: ['recipe', 'test', f.typedRecipe, '--family', 'plan9'] },
      { name: 'recipe: unknown subcommand', args: ['recipe', 'nosuch'] },
    );
  }
  if (commands.includes('ci')) {
    cases.push(
      { name: 'ci recipes: missing', args: ['ci', 'recipes', f.missing] },
      { name: 'ci recipes: a file', args: ['ci', 'recipes', f.file] },
      { name: 'ci recipes: no recipes', args: ['ci', 'recipes', f.empty] },
      { name: 'ci recipes: unknown system', args: ['ci', 'recipes', f.empty, '--ci', 'jenkins'] },
    );
  }
  if (commands.includes('detect')) {
    cases.push({ name: 'detect: missing', args: ['detect', f.missing] }, { name: 'detect: a file', args: ['detect', f.file] });
  }
  return cases;
}
