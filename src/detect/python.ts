// Python: requirements.txt, pyproject.toml (pip, Poetry or uv by lockfile), Pipfile. The version from
// .python-version, runtime.txt or requires-python; flask, django and fastapi recognised and served by
// gunicorn or uvicorn when the project lists them; a plain script started with python3.
import { at, exists, fact, filesIn, findPort, listenFacts, managedVersion, procfileWeb, sourceFiles, versionOf } from './read.js';
import type { DetectedApp, Fact, Provider, Snapshot } from './types.js';

const DEFAULT_PORT: Record<string, number> = { flask: 5000, django: 8000, fastapi: 8000 };

export const python: Provider = {
  stack: 'python',
  markers: ['requirements.txt', 'pyproject.toml', 'Pipfile', 'manage.py', 'app.py', 'main.py'],
  bases: { packaged: '3.13', images: ['python'], official: (v) => `python:${v}-slim-trixie` },
  detect(snap, dir) {
    const req = snap.text(at(dir, 'requirements.txt'));
    const pyproject = snap.text(at(dir, 'pyproject.toml'));
    const pipfile = snap.text(at(dir, 'Pipfile'));
    const scripts = filesIn(snap, dir).filter((f) => !f.includes('/') && f.endsWith('.py'));
    if (req === undefined && pyproject === undefined && pipfile === undefined && !exists(snap, at(dir, 'manage.py')) && !scripts.some((f) => /^(app|main|server|wsgi|__main__)\.py$/.test(f))) return undefined;
    const facts: Fact[] = [];
    const notes: string[] = [];
    const env: Record<string, string> = {};
    const set: DetectedApp['set'] = { stack: 'python', app: dir === '.' ? '' : dir };

    const version = pythonVersion(snap, dir, pyproject);
    if (version) facts.push(fact('runtime', `python ${version.value}`, version.evidence));

    const tool = exists(snap, at(dir, 'uv.lock')) ? 'uv' : exists(snap, at(dir, 'poetry.lock')) || /^\[tool\.poetry\]/m.test(pyproject ?? '') ? 'poetry' : req !== undefined ? 'pip' : pyproject !== undefined ? 'pip-project' : 'none';
    const deps = dependencyNames(`${req ?? ''}\n${pyproject ?? ''}\n${pipfile ?? ''}`);
    set.deps = tool;
    facts.push(fact('dependencies', tool === 'none' ? 'none (standard library only)' : tool === 'pip-project' ? 'pip install . (pyproject.toml)' : tool, tool === 'uv' ? 'uv.lock' : tool === 'poetry' ? 'poetry.lock / [tool.poetry]' : tool === 'pip' ? 'requirements.txt' : tool === 'pip-project' ? 'pyproject.toml' : 'no requirements.txt or pyproject.toml'));

    // only requirements.txt reaches the dependency stage: a line naming another file or the project itself cannot install there
    const include = /^\s*(-r|--requirement|-c|--constraint|-e|--editable)\b.*$/m.exec(req ?? '')?.[0]?.trim();
    if (include) notes.push(`requirements.txt: \`${include.slice(0, 80)}\` needs files only the build context's app folder has, and the dependency stage copies requirements.txt alone; list the packages in requirements.txt itself.`);

    const framework = ['django', 'fastapi', 'flask'].find((f) => deps.includes(f));
    const pys = sourceFiles(snap, dir, ['.py'], ['app.py', 'main.py', 'server.py', 'wsgi.py']);
    let start = procfileWeb(snap, dir);
    let startEvidence = 'Procfile';
    let port: number | undefined;
    if (framework) facts.push(fact('framework', framework, `${framework} in the dependencies`));
    if (!start && framework) {
      const app = appObject(snap, dir, pys, framework);
      const server = framework === 'fastapi' ? (deps.includes('uvicorn') ? 'uvicorn' : deps.includes('gunicorn') ? 'gunicorn' : undefined) : deps.includes('gunicorn') ? 'gunicorn' : undefined;
      port = DEFAULT_PORT[framework]!;
      if (app && server === 'uvicorn') [start, startEvidence] = [`uvicorn ${app.ref} --host 0.0.0.0 --port ${port}`, `${app.evidence}, uvicorn in the dependencies`];
      else if (app && server === 'gunicorn') [start, startEvidence] = [`gunicorn --bind 0.0.0.0:${port}${framework === 'fastapi' ? ' -k uvicorn.workers.UvicornWorker' : ''} ${app.ref}`, `${app.evidence}, gunicorn in the dependencies`];
      else if (app) {
        // No production server listed: the framework's own, bound to all interfaces.
        start = framework === 'django' ? `python manage.py runserver 0.0.0.0:${port} --noreload` : framework === 'flask' ? `python -m flask --app ${app.ref} run --host 0.0.0.0 --port ${port}` : undefined;
        startEvidence = `${app.evidence}; no gunicorn or uvicorn in the dependencies`;
        if (start) notes.push(`${framework}'s development server runs the app: add gunicorn${framework === 'fastapi' ? ' or uvicorn' : ''} to the dependencies and regenerate for a production server.`);
      }
      if (start) facts.push(fact('port', String(port), `${start.startsWith('gunicorn') || start.startsWith('uvicorn') ? 'bound by the start command' : `${framework}'s default`}, on 0.0.0.0`));
    }
    if (!start) {
      const main = pys.find((f) => /^(app|main|server|__main__)\.py$/.test(f));
      if (main) [start, startEvidence] = [`python ${main}`, main];
    }
    if (start) {
      set.start = start;
      facts.push(fact('start', start, startEvidence));
    } else {
      notes.push('No start command found (Procfile, a framework app, app.py or main.py): give one with --set start="python serve.py".');
    }
    if (port === undefined) port = listenFacts(findPort(snap, dir, pys), facts, env, notes);
    else env.PORT = String(port);
    // a start command that reads $PORT (a Procfile's, as Heroku-style platforms run it) is given one
    if (port === undefined && start && /\$\{?PORT\b/.test(start)) {
      port = DEFAULT_PORT[framework ?? ''] ?? 8000;
      env.PORT = String(port);
      facts.push(fact('port', String(port), `the start command reads $PORT; PORT=${port} (${framework ? `${framework}'s default` : "gunicorn's default"}) in the image`));
    }
    return { stack: 'python', dir, facts, runtime: version ? { name: 'python', version: version.value, ...(version.spec ? { spec: version.spec } : {}) } : { name: 'python' }, ...(port ? { port } : {}), env, set, notes };
  },
};

function pythonVersion(snap: Snapshot, dir: string, pyproject: string | undefined): { value: string; spec?: string; evidence: string } | undefined {
  const pv = versionOf(snap.text(at(dir, '.python-version')), 2);
  if (pv) return { value: pv, evidence: '.python-version' };
  const managed = managedVersion(snap, dir, ['python']);
  const mv = versionOf(managed?.text, 2);
  if (managed && mv) return { value: mv, evidence: managed.evidence };
  const rt = versionOf(snap.text(at(dir, 'runtime.txt')), 2);
  if (rt) return { value: rt, evidence: 'runtime.txt' };
  const rp = /requires-python\s*=\s*["']([^"']+)["']/.exec(pyproject ?? '')?.[1];
  const v = versionOf(rp, 2);
  return v ? { value: v, spec: rp!, evidence: `pyproject.toml requires-python: ${rp}` } : undefined;
}

/** Lowercased distribution names from requirements lines, pyproject and Pipfile text. */
function dependencyNames(text: string): string[] {
  const names = new Set<string>();
  for (const m of text.matchAll(/^\s*["']?([A-Za-z][\w.-]*)\s*(?:\[[^\]]*\])?\s*(?:[=<>!~;"',]|$)/gm)) names.add(m[1]!.toLowerCase().replace(/_/g, '-'));
  for (const m of text.matchAll(/["']([A-Za-z][\w.-]*)\s*(?:\[[^\]]*\])?\s*(?:[=<>!~][^"']*)?["']/g)) names.add(m[1]!.toLowerCase().replace(/_/g, '-'));
  return [...names];
}

/** `module:variable` of the framework's app object (`app = Flask(__name__)`), or the Django project's wsgi module. */
function appObject(snap: Snapshot, dir: string, files: string[], framework: string): { ref: string; evidence: string } | undefined {
  if (framework === 'django') {
    const wsgi = files.find((f) => /^[\w]+\/wsgi\.py$/.test(f));
    return wsgi ? { ref: `${wsgi.replace(/\.py$/, '').replace(/\//g, '.')}:application`, evidence: wsgi } : undefined;
  }
  const ctor = framework === 'flask' ? 'Flask' : 'FastAPI';
  for (const f of files) {
    const m = new RegExp(`^(\\w+)\\s*=\\s*(?:flask\\.|fastapi\\.)?${ctor}\\(`, 'm').exec(snap.text(at(dir, f)) ?? '');
    if (m) return { ref: `${f.replace(/\.py$/, '').replace(/\//g, '.')}:${m[1]}`, evidence: `${m[1]} = ${ctor}(...) in ${f}` };
  }
  return undefined;
}
