/**
 * The backup function as one JavaScript file: its modules and the Azure SDK packages they import, bundled by esbuild,
 * so that the deployed zip runs as it was tested, with no `npm install` on the platform.
 *
 * Where bundling happens: at package build (`npm run build`, and so `prepack`), which writes lib/backup/function.bundle.js;
 * users' `cdktf synth` only reads that file and never needs esbuild. Running from source (ts-node, jest, the examples in
 * this repository), no bundle was built, and it is bundled at synth with esbuild, a development dependency.
 */
import * as fs from 'fs';
import * as path from 'path';

/** The module the Azure Functions host provides to `@azure/functions`; never bundled. */
export const HOST_MODULE = '@azure/functions-core';

/** The name the bundle gives `import.meta.url`. */
const IMPORT_META_URL = '__amrImportMetaUrl';

/** The bundle's file name beside this module once built (lib/backup/). */
export const FUNCTION_BUNDLE_FILE = 'function.bundle.js';

/** Bundles the function's entry (function/index.ts from source, function/index.js compiled) into one CommonJS file. */
export function bundleFunction(): string {
  const entry = ['.ts', '.js'].map((ext) => path.join(__dirname, 'function', `index${ext}`)).find((f) => fs.existsSync(f));
  if (!entry) throw new Error(`the backup function's entry is missing (looked for ${path.join(__dirname, 'function', 'index.{ts,js}')})`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require('esbuild') as typeof import('esbuild');
  const result = esbuild.buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    write: false,
    minify: false,
    sourcemap: false,
    legalComments: 'eof',
    logLevel: 'silent',
    // Provided by the Functions host at run time (outside a host, @azure/functions runs in its test mode without it).
    external: [HOST_MODULE],
    // Some Azure SDK packages are ES modules that read import.meta.url (e.g. @azure/storage-common's crc64); in the
    // CommonJS bundle it is the bundle's own file URL.
    define: { 'import.meta.url': IMPORT_META_URL },
    banner: { js: `const ${IMPORT_META_URL} = require('url').pathToFileURL(__filename).href;` },
    // Paths in the output are relative to this directory, so the bundle is the same wherever the library is built.
    absWorkingDir: path.resolve(__dirname, '..', '..'),
  });
  return result.outputFiles[0].text;
}

/** The bundle: the one built with the package, else bundled now (from source). */
export function functionBundle(): string {
  const built = path.join(__dirname, FUNCTION_BUNDLE_FILE);
  return fs.existsSync(built) ? fs.readFileSync(built, 'utf8') : bundleFunction();
}

/** Writes the bundle beside this module: run by `npm run build` on the compiled library. */
export function writeFunctionBundle(): string {
  const file = path.join(__dirname, FUNCTION_BUNDLE_FILE);
  fs.writeFileSync(file, bundleFunction());
  return file;
}
