// An image's layers read back from the engine that built it: `docker history` (sizes in bytes, the
// instruction as JSON so a multi-line RUN stays one field), `podman history --format json`, and for
// buildah its inspect output (history entries paired in order with the manifest's layers).
import { instructionOf, type Layer } from '../core/layers.js';
import { exec, type Builder } from './builder.js';

/** The image's layers, oldest first, or undefined when the engine cannot say (the summary is then left out). */
export async function readLayers(b: Builder, imageId: string): Promise<Layer[] | undefined> {
  try {
    if (b.kind === 'podman') return podmanLayers(b, imageId);
    if (b.kind === 'buildah') return buildahLayers(b, imageId);
    return dockerLayers(b, imageId);
  } catch {
    return undefined; // output in a shape this version does not know: no summary rather than a failed build
  }
}

async function dockerLayers(b: Builder, imageId: string): Promise<Layer[] | undefined> {
  const r = await exec(b, ['history', '--no-trunc', '--human=false', '--format', '{{.Size}} {{json .CreatedBy}}', imageId]);
  if (r.exitCode !== 0) return undefined;
  const layers: Layer[] = [];
  for (const line of r.stdout.split('\n').filter((l) => l.trim())) {
    const at = line.indexOf(' ');
    layers.push({ size: Number(line.slice(0, at)) || 0, instruction: instructionOf(JSON.parse(line.slice(at + 1)) as string) });
  }
  return layers.reverse();
}

async function podmanLayers(b: Builder, imageId: string): Promise<Layer[] | undefined> {
  const r = await exec(b, ['history', '--no-trunc', '--format', 'json', imageId]);
  if (r.exitCode !== 0) return undefined;
  const rows = JSON.parse(r.stdout) as Array<{ size?: number; createdBy?: string; CreatedBy?: string }>;
  return rows.map((row) => ({ size: row.size ?? 0, instruction: instructionOf(row.createdBy ?? row.CreatedBy ?? '') })).reverse();
}

async function buildahLayers(b: Builder, imageId: string): Promise<Layer[] | undefined> {
  const r = await exec(b, ['inspect', '--type', 'image', imageId]);
  if (r.exitCode !== 0) return undefined;
  const info = JSON.parse(r.stdout) as { Manifest?: string; OCIv1?: { history?: Array<{ created_by?: string; empty_layer?: boolean }> } };
  const sizes = ((JSON.parse(info.Manifest ?? '{}') as { layers?: Array<{ size?: number }> }).layers ?? []).map((l) => l.size ?? 0);
  // Without --layers buildah commits one layer for all of a stage's instructions, recorded on the last
  // one (often a CMD): the layer is named by the instructions that wrote files into it.
  const layers: Layer[] = [];
  let pending: string[] = [];
  let i = 0;
  for (const h of info.OCIv1?.history ?? []) {
    const instruction = instructionOf(h.created_by ?? '');
    const writes = /^(RUN|COPY|ADD) /.test(instruction);
    if (h.empty_layer) {
      if (writes) pending.push(instruction);
      continue;
    }
    const group = writes || !pending.length ? [...pending, instruction] : pending;
    layers.push({ size: sizes[i++] ?? 0, instruction: group.join(' + ') });
    pending = [];
  }
  return layers;
}
