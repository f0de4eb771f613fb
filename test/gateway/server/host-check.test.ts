import { describe, expect, it } from 'vitest';
import { createHostCheck, isLoopbackAddress } from '../../../src/gateway/server/host-check.ts';

describe('isLoopbackAddress', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.255.0.9', true],
    ['::1', true],
    ['[::1]', true],
    ['0:0:0:0:0:0:0:1', true],
    ['::ffff:127.0.0.1', true],
    ['0.0.0.0', false],
    ['::', false],
    ['192.168.1.5', false],
    ['::ffff:10.0.0.1', false],
    ['128.0.0.1', false],
    ['localhost', false], // a name, not an address: server.address() always gives the address
  ])('%s → %s', (address, loopback) => {
    expect(isLoopbackAddress(address)).toBe(loopback);
  });
});

describe('createHostCheck', () => {
  // Tests may not listen beyond 127.0.0.1, so the other half of the rule is held here.
  it.each(['0.0.0.0', '::', '192.168.1.5', '10.1.2.3'])('does not check on %s', (boundTo) => {
    expect(createHostCheck({ boundTo, allowedHosts: undefined })).toBeUndefined();
  });

  it("does not check when the config allows '*'", () => {
    expect(createHostCheck({ boundTo: '127.0.0.1', allowedHosts: '*' })).toBeUndefined();
  });

  it('on ::1 and on 127.0.0.1 alike, loopback names only, and the listed ones', () => {
    for (const boundTo of ['::1', '127.0.0.1']) {
      const allows = createHostCheck({ boundTo, allowedHosts: ['box.lan', '.dev.test'] });
      expect(allows).toBeDefined();
      for (const host of [
        'localhost:1',
        'a.b.localhost',
        '127.0.0.1:8787',
        '[::1]:8787',
        'box.lan:9',
        'x.dev.test',
        'dev.test',
      ])
        expect(allows?.(host), host).toBe(true);
      for (const host of [
        undefined,
        '',
        ':8787',
        'box.lan.evil',
        'xdev.test',
        '[::1',
        '[::1]x',
        'localhost:',
        'localhost:abc',
        '127.0.0.1:99999999',
      ])
        expect(allows?.(host), String(host)).toBe(false);
    }
  });
});
