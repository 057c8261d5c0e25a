// One jest project per workspace, plus `integration` for the tests in test/ that need the
// running stack (Kafka, schema registry, Redis, a browser). TypeScript is stripped by swc, so
// tests run from source without a build.
const path = require('node:path');

const transform = {
  '^.+\\.tsx?$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript', tsx: true } } }],
};
const moduleNameMapper = {
  '^@audience/([a-z-]+)$': path.join(__dirname, 'services/$1/src'),
};

function workspace(name) {
  return {
    displayName: name,
    rootDir: path.join(__dirname, 'services', name),
    testMatch: ['<rootDir>/src/**/*.test.ts'],
    testEnvironment: 'node',
    transform,
    moduleNameMapper,
  };
}

module.exports = {
  // A kafkajs producer that a test abandoned mid-call (the collector's Kafka outage test) keeps
  // its internal retry timers after the test closed everything it can reach, which would keep
  // jest waiting for minutes. Every suite closes what it opened; this only ends the stragglers.
  forceExit: true,
  projects: [
    workspace('engine'),
    workspace('platform'),
    workspace('collector'),
    workspace('ingest-worker'),
    workspace('segment-admin'),
    // The dashboard's pure helpers; its own config, so `npm test --prefix ...web` runs the same.
    path.join(__dirname, 'services/segment-admin/web/jest.config.cjs'),
    {
      displayName: 'integration',
      rootDir: path.join(__dirname, 'test'),
      testMatch: ['<rootDir>/**/*.test.ts'],
      testEnvironment: 'node',
      transform,
      moduleNameMapper,
      globalSetup: '<rootDir>/support/global-setup.ts',
      globalTeardown: '<rootDir>/support/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/support/integration-timeout.ts'],
    },
  ],
};
