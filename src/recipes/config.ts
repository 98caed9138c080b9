// Configuration files: a project-level `create-image.config.json` (searched upward from a start dir) and a
// user-level `$XDG_CONFIG_HOME/create-image/config.json` (default ~/.config). Both may name recipe sources
// and CA certificates; relative paths are relative to the file that names them. Only the user's file
// may trust sources: a project file comes with whatever folder one runs in (a cloned repository), and
// trust it gave would let that folder run code from anywhere without a question.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { UsageError } from '../core/errors.js';

export const PROJECT_CONFIG = 'create-image.config.json';
const KEYS = ['$schema', 'recipes', 'trusted', 'caCerts'] as const;

export interface ConfigFile {
  file: string;
  recipes: string[];
  trusted: string[];
  caCerts: string[];
}

export interface Config {
  /** The files read, nearest first (project, then user). */
  files: ConfigFile[];
  /** Recipe source specs, project before user; relative dirs already made absolute; `project` when a project's file names it. */
  recipes: { spec: string; baseDir: string; from: string; project?: boolean }[];
  /** The user config's "trusted" entries (a project config's are ignored, with a warning). */
  trusted: string[];
  /** CA certificate files: the project's list if it has one, else the user's. */
  caCerts: string[];
  /** One line each, for stderr: what in the files was ignored and why. */
  warnings: string[];
}

export function userConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CONFIG_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(env.HOME || homedir(), '.config'), 'create-image');
}

export const userConfigFile = (env: NodeJS.ProcessEnv = process.env) => join(userConfigDir(env), 'config.json');

/** The nearest create-image.config.json at or above `start` (which need not exist yet). */
export function findProjectConfig(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    const f = join(dir, PROJECT_CONFIG);
    if (existsSync(f)) return f;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

export function readConfigFile(file: string): ConfigFile {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError([{ path: file, message: `is not valid JSON (${(e as Error).message})` }]);
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new UsageError([{ path: file, message: 'expected a JSON object with "recipes", "trusted" and/or "caCerts"' }]);
  const obj = data as Record<string, unknown>;
  for (const k of Object.keys(obj)) {
    if (!(KEYS as readonly string[]).includes(k)) throw new UsageError([{ path: `${file}: ${k}`, message: `unknown key; accepted: ${KEYS.join(', ')}` }]);
  }
  const list = (k: string): string[] => {
    const v = obj[k];
    if (v === undefined) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || !x.trim())) throw new UsageError([{ path: `${file}: ${k}`, message: 'expected an array of non-empty strings' }]);
    return v as string[];
  };
  const base = dirname(file);
  return { file, recipes: list('recipes'), trusted: list('trusted'), caCerts: list('caCerts').map((p) => resolve(base, p)) };
}

/** Reads the project config (upward from `start`) and the user config; either may be missing. */
export function loadConfig(start: string = process.cwd(), env: NodeJS.ProcessEnv = process.env): Config {
  const files: ConfigFile[] = [];
  const user = userConfigFile(env);
  const project = findProjectConfig(start);
  const projectFile = project && project !== user ? readConfigFile(project) : undefined;
  if (projectFile) files.push(projectFile);
  const userFile = existsSync(user) ? readConfigFile(user) : undefined;
  if (userFile) files.push(userFile);
  const warnings = projectFile?.trusted.length
    ? [`ignoring "trusted" in ${projectFile.file}: a project's config cannot trust sources; use --trust or "trusted" in ${user}`]
    : [];
  return {
    files,
    recipes: files.flatMap((f) => f.recipes.map((spec) => ({ spec, baseDir: dirname(f.file), from: f.file, ...(f === projectFile ? { project: true } : {}) }))),
    trusted: userFile?.trusted ?? [],
    caCerts: files.find((f) => f.caCerts.length)?.caCerts ?? [],
    warnings,
  };
}
