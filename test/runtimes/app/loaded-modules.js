// Lists every module `import 'understudy'` loads on Node (ES imports and requires alike).
import { registerHooks } from 'node:module';

const loaded = new Set();
registerHooks({
  resolve(specifier, context, nextResolve) {
    const resolved = nextResolve(specifier, context);
    loaded.add(resolved.url);
    return resolved;
  },
});
await import('understudy');
console.log(JSON.stringify([...loaded]));
