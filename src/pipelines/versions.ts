// Pinned versions of what the generated pipelines run. Bump them here, in one place.

/** docker:<v> (CLI with buildx) and docker:<v>-dind, from the same release. */
export const DOCKER_VERSION = '28.3.3';

/** GitHub Actions pinned to full commit SHAs (tags can move); the release is in the trailing comment. */
export const ACTIONS = {
  checkout: { uses: 'actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683', version: 'v4.2.2' },
  setupNode: { uses: 'actions/setup-node@49933ea5288caeca8642d1e84afbd3f7d6820020', version: 'v4.4.0' },
  setupQemu: { uses: 'docker/setup-qemu-action@29109295f81e9208d7d86ff1c6c12d2833863392', version: 'v3.6.0' },
  setupBuildx: { uses: 'docker/setup-buildx-action@e468171a9de216ec08956ac3ada2f0791b6bd435', version: 'v3.11.1' },
  login: { uses: 'docker/login-action@184bdaa0721073962dff0199f1fb9940f07167d1', version: 'v3.5.0' },
  metadata: { uses: 'docker/metadata-action@c1e51972afc2121e065aed6d45c65596fe445f3f', version: 'v5.8.0' },
  buildPush: { uses: 'docker/build-push-action@263435318d21b8e681c14492fe198d362a7d2c83', version: 'v6.18.0' },
} as const;

export type ActionName = keyof typeof ACTIONS;

/** `uses: owner/repo@sha # vX.Y.Z` */
export const uses = (a: ActionName): string => `uses: ${ACTIONS[a].uses} # ${ACTIONS[a].version}`;

/** Node for the recipe-repo pipeline (npx create-image). */
export const NODE_VERSION = '22';

/** The recipe-repo GitLab job's image: Debian bookworm slim with node and npm in /usr/local (the job adds docker and shellcheck). */
export const RECIPE_JOB_IMAGE = 'node:22.17.1-bookworm-slim';

/** Official images compose.yaml runs beside an image that needs them (manifest `compose`): pinned releases. */
export const COMPANION_IMAGES = { postgresql: 'postgres:16.9-bookworm', redis: 'redis:7.4.2-bookworm' } as const;
