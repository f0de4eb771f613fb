/**
 * The layers of src/, lowest first: a module may import its own layer and the ones below it, never one
 * above (README, "How the code is laid out"). `npm run lint` runs this; CI fails on any violation.
 * Tests are not cruised: a test may reach into any layer it tests.
 */
const LAYERS = [
  ['core', 0],
  ['transport', 1],
  ['adapters', 2],
  ['testing', 2],
  ['wrappers', 3],
  ['fallback', 3],
  ['registry', 4],
  ['agent', 5],
  ['interop', 5],
  ['chaos', 6],
  // The gateway starts chaos upstreams for its demo mode when it has no config and no keys.
  ['gateway', 7],
  ['cli', 8],
];

// Everything a library user loads: the layers below chaos.
const LIBRARY = `^src/(${LAYERS.filter(([, rank]) => rank < 6)
  .map(([name]) => name)
  .join('|')})/`;

const above = (rank) => LAYERS.filter(([, r]) => r > rank).map(([name]) => name);
const sameRankOthers = (name, rank) => LAYERS.filter(([n, r]) => r === rank && n !== name).map(([n]) => n);

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'An import cycle makes load order matter and hides which module owns what.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    ...LAYERS.flatMap(([name, rank]) => {
      const forbidden = [...above(rank), ...sameRankOthers(name, rank)];
      if (forbidden.length === 0) return [];
      return [
        {
          name: `${name}-points-down`,
          comment: `src/${name}/ may import only the layers below it (and itself).`,
          severity: 'error',
          from: { path: `^src/${name}/` },
          to: { path: `^src/(${forbidden.join('|')})/` },
        },
      ];
    }),
    {
      name: 'library-runs-everywhere',
      comment:
        'The library (everything below chaos, gateway and cli) runs on Node, Bun, Deno, Workers and browsers: ' +
        'no node: built-ins and no Node-only packages. transport/node-client.ts and undici-client.ts are the ' +
        "transport seam's Node side, which only the `node` condition of src/package.json's #transport import loads.",
      severity: 'error',
      from: { path: LIBRARY, pathNot: '^src/transport/(node|undici)-client\\.ts$' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'library-has-no-node-only-packages',
      comment: 'Gateway-only and Node-only packages stay out of the library entry.',
      severity: 'error',
      from: { path: LIBRARY, pathNot: '^src/transport/(node|undici)-client\\.ts$' },
      to: { path: 'node_modules/(undici|ioredis|postgres|prom-client|yaml|@smithy/hash-node)/' },
    },
    {
      name: 'src-not-test',
      comment: 'The library and gateway never import test support code.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^test/' },
    },
  ],
  options: {
    // TypeScript 7's compiler has no JS API yet, so sources are parsed with swc, which reads the source
    // before compilation: type-only imports count as dependencies too.
    parser: 'swc',
    exclude: { path: '\\.test\\.ts$' },
    doNotFollow: { path: 'node_modules' },
  },
};
