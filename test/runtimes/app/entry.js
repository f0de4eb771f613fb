// The library entry as an app bundles it: everything `import ... from 'understudy'` can reach.
export * from 'understudy';
