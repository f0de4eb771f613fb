/**
 * The routes' `match:` patterns, compiled once per config, in config order: which route an id that
 * names no route lands on. The registry asks only about ids that are neither a route name nor a
 * `'provider:model'` with a known provider, and caches the chain it builds, so a pattern is matched once
 * per distinct id, not once per request.
 */
import { compileModelPattern } from '../config/model-pattern.ts';
import type { RouteConfig } from '../config/schema.ts';

/** A route a pattern chose, and the pattern as written (for `x-understudy-route-reason`). */
export interface PatternMatch {
  route: string;
  pattern: string;
}

export class RoutePatterns {
  private readonly entries: Array<{ route: string; pattern: string; regex: RegExp }> = [];

  constructor(routes: Readonly<Record<string, RouteConfig>>) {
    for (const [route, config] of Object.entries(routes)) {
      for (const pattern of config.match ?? []) {
        this.entries.push({ route, pattern, regex: compileModelPattern(pattern) });
      }
    }
  }

  get size(): number {
    return this.entries.length;
  }

  /** The first route, in config order, with a pattern that matches the whole id. */
  routeFor(id: string): PatternMatch | undefined {
    for (const entry of this.entries) {
      if (entry.regex.test(id)) return { route: entry.route, pattern: entry.pattern };
    }
    return undefined;
  }

  /** Every pattern, as `route: pattern` (for a 404 that says what would have served the id). */
  describe(): string[] {
    return this.entries.map((entry) => `${entry.route}: ${entry.pattern}`);
  }
}
