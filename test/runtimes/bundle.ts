/**
 * Bundles an entry of the packed app the way a Worker or browser build does (rolldown, which the
 * project has through Vite): the package's `browser` and `workerd` conditions decide what is taken,
 * and no `node:*` import may be left unresolved.
 */
import { rolldown } from 'rolldown';

export interface Bundle {
  code: string;
  /** The npm packages the bundle holds, by name. */
  packages: string[];
}

/** Bundles `entry` for `target`; rejects naming any import the target cannot resolve. */
export async function bundle(entry: string, target: 'browser' | 'workerd'): Promise<Bundle> {
  const unresolved: string[] = [];
  const build = await rolldown({
    input: entry,
    platform: 'browser',
    resolve: {
      conditionNames:
        target === 'browser'
          ? ['browser', 'import', 'default']
          : ['workerd', 'worker', 'browser', 'import', 'default'],
    },
    onwarn: (warning) => {
      if (warning.code === 'UNRESOLVED_IMPORT')
        unresolved.push(warning.message.split('\n')[0] ?? warning.code);
    },
  });
  const { output } = await build.generate({ format: 'esm', minify: true });
  await build.close();
  if (unresolved.length > 0)
    throw new Error(`the ${target} bundle of ${entry} left imports unresolved:\n${unresolved.join('\n')}`);
  const chunk = output[0];
  const packages = new Set<string>();
  for (const id of Object.keys(chunk.modules)) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(id.slice(id.lastIndexOf('node_modules/')));
    if (match) packages.add(match[1]!);
  }
  return { code: chunk.code, packages: [...packages].sort() };
}
