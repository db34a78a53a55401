/**
 * The cdktn flavor for tests: how module requests map when the constructs run on CDK Terrain and azurerm 4.73 (the
 * same swap scripts/build-cdktn.js makes for the package). jest.config.js's cdktn project uses CDKTN_MODULE_MAP as
 * moduleNameMapper; a process started with `node -r test/support/cdktn-flavor.js` (the examples) gets the same mapping.
 */
const path = require('path');
const Module = require('module');

const PLATFORM_CDKTN = path.resolve(__dirname, '../../src/constructs/platform.cdktn.ts');

/** Request pattern → replacement (`$1` for the captured part), in jest's moduleNameMapper form. */
const CDKTN_MODULE_MAP = {
  // ./platform from src/constructs, ../../src/constructs/platform from a test.
  '^(\\./|.*/constructs/)platform$': PLATFORM_CDKTN,
  '^cdktf$': 'cdktn',
  '^cdktf/lib/(.*)$': 'cdktn/lib/$1',
  '^@cdktf/provider-azurerm/lib/(.*)$': '@cdktn/provider-azurerm/lib/$1',
};

/** Installs the mapping in this process's require (only for requests from outside node_modules). */
function register() {
  const resolve = Module._resolveFilename;
  const rules = Object.entries(CDKTN_MODULE_MAP).map(([pattern, target]) => [new RegExp(pattern), target]);
  Module._resolveFilename = function (request, parent, ...rest) {
    const fromOurs = parent?.filename && !parent.filename.includes(`${path.sep}node_modules${path.sep}`);
    const rule = fromOurs ? rules.find(([re]) => re.test(request)) : undefined;
    return resolve.call(this, rule ? request.replace(rule[0], rule[1]) : request, parent, ...rest);
  };
}

module.exports = { CDKTN_MODULE_MAP, register };
