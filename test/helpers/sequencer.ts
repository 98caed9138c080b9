// The order test files start in (two at a time, each as a worker frees up). The e2e files come first, in
// an order that lets later files build from earlier ones' layer cache: a recipe's own e2e file builds its
// defaults before next-steps builds them again verbatim (removeImageLater keeps the cached layers). The
// longest file starts first so it is not the tail; the unit files fill the end, where they are quick.
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * e2e files by name, in start order: the long ones (a few minutes each on two cores), then the rest in
 * vitest's order (on a fresh clone it knows no durations: by name).
 */
const FIRST = ['apps', 'lnmp', 'tomcat', 'hexo-apache', 'novnc', 'custom', 'go', 'next-steps', 'podman', 'reproducible', 'network-failure', 'recipe-pipeline', 'pipelines', 'vsftpd', 'verify', 'lock', 'push', 'generated-apps'];

const rank = (spec: TestSpecification): number => {
  const file = spec.moduleId.split('/').pop()!.replace(/\.test\.ts$/, '');
  if (spec.project.name === 'unit') return FIRST.length + 2;
  const at = FIRST.indexOf(file);
  return at === -1 ? FIRST.length + 1 : at;
};

export default class CacheFriendlySequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const base = await super.sort(files);
    // a stable sort: within a rank, vitest's own order (failed first, then longest)
    return base.map((spec, i) => ({ spec, i, r: rank(spec) })).sort((a, b) => a.r - b.r || a.i - b.i).map((x) => x.spec);
  }
}
