/** The tool's name and version, as reports print them. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pkg = require('../../package.json') as { version: string };

export const TOOL = { name: 'amr' as const, version: pkg.version };
