// Where the bytes of an image went: its layers, largest first, with the instruction that made each, and
// hints where an instruction is known to leave waste behind (package lists and caches, docs, all
// locales, build tools in the image that runs). Pure: the engine's history is read in src/engines/layers.ts.

export interface Layer {
  /** Bytes the layer adds. */
  size: number;
  /** The instruction as the builder recorded it, shortened to Dockerfile form (`RUN apt-get ...`); '' for an imported base. */
  instruction: string;
}

export interface LayerSummary {
  /** Layers with bytes in them. */
  count: number;
  total: number;
  /** The largest layers, largest first. */
  largest: Layer[];
  hints: string[];
}

/** The history's `created by` as Dockerfile text: `/bin/sh -c #(nop) COPY ...` -> `COPY ...`, a shell command -> `RUN ...`. */
export function instructionOf(createdBy: string): string {
  let s = createdBy.trim().replace(/\s+# buildkit$/, '');
  // a RUN with build args in scope: `|2 A=1 B=2 /bin/sh -c ...`
  s = s.replace(/^(RUN )?\|\d+ .*?(?=\/bin\/sh -c )/s, '$1');
  const nop = /^\/bin\/sh -c #\(nop\)\s+(.*)$/s.exec(s);
  if (nop) return nop[1]!.trim();
  const shell = /^(?:RUN )?\/bin\/sh -c (.*)$/s.exec(s);
  if (shell) return `RUN ${shell[1]!.trim()}`;
  return s;
}

/** One line of a long instruction: continuation lines joined, cut at `width`. */
export function shortInstruction(instruction: string, width = 100): string {
  const one = instruction.replace(/\\\n/g, ' ').replace(/\s+/g, ' ').trim();
  if (!one) return '(base image)';
  return one.length > width ? `${one.slice(0, width - 3)}...` : one;
}

const MB = 1_000_000;

interface WasteRule {
  /** The layer's instruction leaves this waste behind. */
  test: (run: string) => boolean;
  /** Smallest layer worth the hint. */
  min: number;
  hint: string;
}

const has = (re: RegExp) => (run: string) => re.test(run);
const APT_INSTALL = /\bapt(?:-get)?\s+(?:[^;&|]*\s)?install\b/;
const BUILD_TOOLS = /\b(?:build-essential|gcc|g\+\+|clang|make|cmake|golang(?:-go)?|[a-z0-9.+-]+-dev|default-jdk|maven|gradle)\b/;

const RULES: WasteRule[] = [
  { test: (r) => /\bapt(?:-get)?\s+update\b/.test(r) && !/\/var\/lib\/apt\/lists/.test(r), min: MB, hint: 'apt lists: the RUN runs apt-get update but keeps /var/lib/apt/lists in its layer; end the same RUN with rm -rf /var/lib/apt/lists/*' },
  { test: (r) => APT_INSTALL.test(r) && !/apt(?:-get)? clean|\/var\/cache\/apt/.test(r) && /--download-only|keep-cache|Keep-Downloaded-Packages\s*"?true/i.test(r), min: MB, hint: 'apt cache: downloaded .deb files stay in /var/cache/apt; run apt-get clean in the same RUN' },
  { test: (r) => APT_INSTALL.test(r) && !/--no-install-recommends/.test(r), min: 10 * MB, hint: 'recommended packages: apt-get install without --no-install-recommends brings packages nothing here asked for' },
  { test: has(/\blocales-all\b/), min: MB, hint: 'locales: locales-all holds every locale (over 200 MB unpacked); install locales and generate the one needed (localedef)' },
  { test: (r) => APT_INSTALL.test(r) && !/path-exclude|\/usr\/share\/doc/.test(r), min: 50 * MB, hint: 'docs: /usr/share/doc and /usr/share/man come with every package; a dpkg path-exclude (/etc/dpkg/dpkg.cfg.d) before the install keeps them out' },
  { test: (r) => /\bpip3?\s+install\b/.test(r) && !/--no-cache-dir|PIP_NO_CACHE_DIR/.test(r), min: MB, hint: 'pip cache: pip install keeps its download cache (~/.cache/pip); add --no-cache-dir' },
  { test: (r) => /\bnpm\s+(?:ci|install|i)\b/.test(r) && !/npm cache clean|--cache\s+\/tmp|\.npm/.test(r), min: MB, hint: 'npm cache: npm keeps its cache in ~/.npm; run npm cache clean --force in the same RUN (or a cache mount)' },
  { test: (r) => /\bapk\s+add\b/.test(r) && !/--no-cache/.test(r) && !/\/var\/cache\/apk/.test(r), min: MB, hint: 'apk cache: apk add keeps the index in /var/cache/apk; add --no-cache' },
  { test: (r) => /\b(?:dnf|yum|microdnf)\s+(?:-\S+\s+)*install\b/.test(r) && !/\b(?:dnf|yum|microdnf) clean all\b|\/var\/cache\/(?:dnf|yum)/.test(r), min: MB, hint: 'dnf cache: metadata and packages stay in /var/cache/dnf; run dnf clean all in the same RUN' },
  { test: (r) => (APT_INSTALL.test(r) || /\b(?:apk\s+add|dnf\s+install|yum\s+install)\b/.test(r)) && BUILD_TOOLS.test(r.replace(/--no-install-recommends/g, '')), min: 5 * MB, hint: 'build tools in the final stage: compilers and -dev packages are in the image that runs; build in an earlier stage and COPY --from it what was built' },
];

/** The summary of an image's layers: the `top` largest (of those with bytes) and the hints their instructions earn. */
export function summarizeLayers(layers: Layer[], top = 3): LayerSummary {
  const full = layers.filter((l) => l.size > 0);
  const largest = [...full].sort((a, b) => b.size - a.size).slice(0, top);
  const hints: string[] = [];
  for (const l of full) {
    if (!/(^| \+ )RUN /.test(l.instruction)) continue;
    for (const r of RULES) {
      if (l.size >= r.min && r.test(l.instruction)) hints.push(`${r.hint} (${shortInstruction(l.instruction, 60)}, ${formatBytes(l.size)})`);
    }
  }
  return { count: full.length, total: full.reduce((s, l) => s + l.size, 0), largest, hints };
}

/** Decimal units, as docker prints them: 330.1 MB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = bytes / 1000;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}
