/** What `understudy keys` accepts; keys-command.ts runs it. */
import { defineCommand } from '../command-line/spec.ts';

export const KEYS_ACTIONS = ['create', 'list', 'revoke'] as const;

export const KEYS_COMMAND = defineCommand({
  name: 'keys',
  summary: 'client keys kept in the database: create, list, revoke',
  description: `Manages client keys without editing the config: 'create' prints a new key once and
    stores only its hash, 'list' shows every key by id and name (never the key), 'revoke <id|name>'
    stops one. Keys live in the config's database (database: in --config, or --database), which every
    gateway using it reads within a second; keys in the config file keep working beside them. The
    admin API does the same over HTTP (POST /admin/keys, with UNDERSTUDY_ADMIN_KEY).`,
  positionals: {
    name: 'create | list | revoke <id|name>',
    description: 'what to do; revoke takes the key id or name',
    required: true,
  },
  options: {
    config: {
      type: 'string',
      short: 'c',
      valueName: 'file',
      description: 'the gateway config whose database: holds the keys',
      defaultText: './understudy.yaml when present',
    },
    database: {
      type: 'string',
      valueName: 'url|file',
      description: 'a postgres:// URL or a SQLite file, instead of the config',
    },
    name: {
      type: 'string',
      valueName: 'name',
      description: "create: the key's name, shown in logs and spend",
    },
    budget: {
      type: 'string',
      multiple: true,
      valueName: 'usd/period',
      description: 'create: a budget such as 50/month or 5/day (may repeat)',
    },
    routes: {
      type: 'string',
      valueName: 'a,b',
      description: 'create: the only routes the key may use, comma-separated',
      defaultText: 'every route',
    },
    json: { type: 'boolean', default: false, description: 'print JSON rather than text' },
  },
  examples: [
    'understudy keys create --name ci --budget 50/month --routes smart',
    'understudy keys list --config understudy.yaml',
    'understudy keys revoke ci --database postgres://understudy@db.internal/understudy',
  ],
});
