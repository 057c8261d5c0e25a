// The dashboard's pure helpers run under jest like the services' unit tests. The root
// jest.config.js can list this file among its projects to include them in `npm test`.
module.exports = {
  displayName: 'segment-admin-web',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.test.ts'],
  testEnvironment: 'node',
  transform: {
    '^.+\\.tsx?$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript', tsx: true } } }],
  },
};
