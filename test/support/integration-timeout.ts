// Jest reads `testTimeout` only from the top-level config, not from a project's, so the
// integration project's longer limit (a broker round trip, a consumer group join on a loaded
// 2-core machine) is set here, in a file every integration test file runs first.
jest.setTimeout(120_000);
