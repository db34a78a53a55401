#!/usr/bin/env node
'use strict';
/**
 * Builds the cdktn package (@amr-reliability/cdktn-managed-redis: CDK Terrain 0.24, @cdktn/provider-azurerm 16.1 =
 * azurerm 4.73) from the same source as the cdktf one, into .gen/cdktn/package:
 *
 * 1. stages src/ in .gen/cdktn/src with src/constructs/platform.cdktn.ts as src/constructs/platform.ts (the only
 *    module that differs between the flavors; nothing else is rewritten);
 * 2. compiles it with tsc (against cdktn's types) into lib/, and writes the backup function bundle beside it;
 * 3. writes the package's package.json (cdktn, its azurerm binding and constructs as peer dependencies), bin/ and docs.
 *
 * `node scripts/build-cdktn.js --pack` also packs it into dist/ (`npm run pack` packs both flavors).
 */
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, '.gen', 'cdktn');
const STAGE = path.join(OUT, 'src');
const PACKAGE = path.join(OUT, 'package');
const PLATFORM = path.join('constructs', 'platform');
/** What the cdktf package depends on that the cdktn one takes from the app instead (peer dependencies). */
const CDKTF_PACKAGES = ['cdktf', '@cdktf/provider-azurerm', 'constructs'];

/** The versions the cdktn flavor is built and tested with (the repository's devDependencies). */
function cdktnPackageJson(root) {
  const dev = root.devDependencies;
  const dependencies = Object.fromEntries(Object.entries(root.dependencies).filter(([name]) => !CDKTF_PACKAGES.includes(name)));
  const cdktnPeers = require(path.join(ROOT, 'node_modules', 'cdktn', 'package.json')).peerDependencies;
  return {
    name: '@amr-reliability/cdktn-managed-redis',
    version: root.version,
    description: root.description.replace('CDK for Terraform', 'CDK Terrain (cdktn)'),
    license: root.license,
    main: root.main,
    types: root.types,
    files: root.files,
    engines: root.engines,
    dependencies,
    peerDependencies: {
      cdktn: `^${dev.cdktn}`,
      '@cdktn/provider-azurerm': `^${dev['@cdktn/provider-azurerm']}`,
      constructs: cdktnPeers.constructs,
    },
    keywords: root.keywords.map((k) => (k === 'cdktf' ? 'cdktn' : k)),
    bin: root.bin,
  };
}

function stage() {
  fs.rmSync(OUT, { recursive: true, force: true });
  fs.cpSync(path.join(ROOT, 'src'), STAGE, { recursive: true });
  fs.renameSync(path.join(STAGE, `${PLATFORM}.cdktn.ts`), path.join(STAGE, `${PLATFORM}.ts`));
  const tsconfig = {
    extends: path.join(ROOT, 'tsconfig.json'),
    compilerOptions: { rootDir: 'src', outDir: 'package/lib', types: ['node'] },
    include: ['src/**/*.ts'],
  };
  fs.writeFileSync(path.join(OUT, 'tsconfig.json'), `${JSON.stringify(tsconfig, null, 2)}\n`);
}

function build() {
  stage();
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(OUT, 'tsconfig.json')], { stdio: 'inherit' });
  require(path.join(PACKAGE, 'lib', 'backup', 'bundle')).writeFunctionBundle();
  const root = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  fs.writeFileSync(path.join(PACKAGE, 'package.json'), `${JSON.stringify(cdktnPackageJson(root), null, 2)}\n`);
  for (const entry of root.files.filter((f) => f !== 'lib')) fs.cpSync(path.join(ROOT, entry), path.join(PACKAGE, entry), { recursive: true });
  return PACKAGE;
}

/** Packs the built package into dir; returns the tarball's path. */
function pack(dir) {
  fs.mkdirSync(dir, { recursive: true });
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: PACKAGE, encoding: 'utf8' });
  return path.join(dir, JSON.parse(out)[0].filename);
}

module.exports = { build, pack, PACKAGE };

if (require.main === module) {
  build();
  if (process.argv.includes('--pack')) console.log(pack(path.join(ROOT, 'dist')));
}
