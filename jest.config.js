const { CDKTN_MODULE_MAP } = require('./test/support/cdktn-flavor');

/** What both flavors share. */
const common = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json', diagnostics: false }],
  },
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
};

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 60000,
  projects: [
    // The cdktf package (cdktf 0.21, azurerm 4.55): every test.
    { ...common, displayName: 'cdktf', testMatch: ['**/*.test.ts'] },
    // The cdktn package (CDK Terrain 0.24, azurerm 4.73): the same source with the platform module swapped, for the
    // construct, example and property tests.
    {
      ...common,
      displayName: 'cdktn',
      testMatch: ['<rootDir>/test/constructs/**/*.test.ts', '<rootDir>/test/examples.test.ts', '<rootDir>/test/property/synth-property.test.ts', '<rootDir>/test/property/azurerm-validators.test.ts'],
      moduleNameMapper: CDKTN_MODULE_MAP,
    },
  ],
};
