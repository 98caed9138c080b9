// Go: go.mod. The version from its `go` line (toolchain), the main package at the root or under cmd/<name>
// (several: asked), vendored modules (vendor/modules.txt) built with -mod=vendor, a static binary on scratch.
import { at, exists, fact, filesIn, findPort, listenFacts, reportProblem } from './read.js';
import type { DetectedApp, Fact, Provider } from './types.js';

export const go: Provider = {
  stack: 'go',
  markers: ['go.mod'],
  // the binary needs no Go at run time: only the build stage moves to the official image
  bases: { packaged: '1.24', images: ['golang'], builder: { image: (v) => `golang:${v}-trixie`, name: 'Go' } },
  detect(snap, dir) {
    const mod = snap.text(at(dir, 'go.mod'));
    if (mod === undefined) return undefined;
    // `go build` refuses a go.mod without a module line: nothing to build until the project has one
    if (!/^module\s+\S/m.test(mod)) {
      reportProblem(snap, at(dir, 'go.mod'), mod.trim() ? 'has no module line (go mod init NAME writes one): not a Go module' : 'is empty (go mod init NAME writes its module line): not a Go module');
      return undefined;
    }
    const facts: Fact[] = [];
    const notes: string[] = [];
    const env: Record<string, string> = {};
    const set: DetectedApp['set'] = { stack: 'go', app: dir === '.' ? '' : dir };
    const version = /^go\s+(\d+\.\d+)/m.exec(mod)?.[1];
    if (version) facts.push(fact('runtime', `go ${version}`, 'go.mod go directive'));

    const files = filesIn(snap, dir).filter((f) => f.endsWith('.go') && !f.endsWith('_test.go'));
    const mains = [...new Set(files.filter((f) => /^package\s+main\b/m.test(snap.text(at(dir, f)) ?? '')).map((f) => (f.includes('/') ? `./${f.slice(0, f.lastIndexOf('/'))}` : '.')))].sort();
    if (mains.length === 1) {
      set.pkg = mains[0]!;
      facts.push(fact('main package', mains[0]!, `package main in ${mains[0] === '.' ? 'the module root' : mains[0]!.slice(2)}`));
    } else if (mains.length > 1) {
      facts.push(fact('main packages', mains.join(' '), 'package main in several folders'));
    }
    if (exists(snap, at(dir, 'vendor/modules.txt')) || snap.text(at(dir, 'vendor/modules.txt')) !== undefined) {
      set.vendor = true;
      facts.push(fact('modules', 'vendored (-mod=vendor)', 'vendor/modules.txt'));
    }
    // Imports compiled before the sources: the standard library's, and vendored modules' (they are in the context early).
    const module = /^module\s+(\S+)/m.exec(mod)?.[1] ?? '';
    const imports = new Set<string>();
    for (const f of files) {
      const text = snap.text(at(dir, f)) ?? '';
      const block = /^import\s*\(([\s\S]*?)\)/m.exec(text)?.[1] ?? '';
      for (const m of `${block}\n${[...text.matchAll(/^import\s+("[^"]+")/gm)].map((x) => x[1]).join('\n')}`.matchAll(/"([^"]+)"/g)) imports.add(m[1]!);
    }
    const warm = [...imports].filter((p) => !p.startsWith(module) && (!p.split('/')[0]!.includes('.') || set.vendor === true)).sort();
    set.warm = warm.join(' ');
    const inPkg = (p: string) => files.filter((f) => (p === '.' ? !f.includes('/') : f.startsWith(`${p.slice(2)}/`)));
    const found = findPort(snap, dir, mains.length === 1 ? [...inPkg(mains[0]!), ...files] : files);
    const port = listenFacts(found, facts, env, notes);
    if (found?.loopback?.flag) {
      // A flag sets the address: start the binary with it on all interfaces.
      set.args = `-${found.loopback.flag}=:${found.port}`;
      facts.push(fact('listen', `0.0.0.0 (-${found.loopback.flag}=:${found.port})`, `${found.evidence.split(' in ')[1]} binds localhost unless -${found.loopback.flag} is given, which would leave it unreachable from outside the container`));
    }
    return { stack: 'go', dir, facts, runtime: version ? { name: 'go', version, spec: `>=${version}` } : { name: 'go' }, ...(port ? { port } : {}), env, set, notes, ...(mains.length > 1 ? { choices: { key: 'pkg', values: mains } } : {}) };
  },
};
