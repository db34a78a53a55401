import { Testing } from 'cdktf';
// Types of the matchers below.
import 'cdktf/lib/testing/adapters/jest';

// cdktf's jest matchers (toHaveResource, toHaveResourceWithProperties, ...).
Testing.setupJest();

// Outside the Functions host, @azure/functions warns (console.warn) that it runs in test mode and skips registering
// the timer function when src/backup/function is loaded; the tests call the handler directly, so those two lines are
// noise in the test output. Every other warning still shows.
const AZURE_FUNCTIONS_TEST_MODE = /^WARNING: (Failed to detect the Azure Functions runtime\. Switching "@azure\/functions" package to test mode|Skipping call to register function "[^"]*" because the "@azure\/functions" package is in test mode)/;
const warn = console.warn.bind(console);
console.warn = (...args: unknown[]): void => {
  if (typeof args[0] === 'string' && AZURE_FUNCTIONS_TEST_MODE.test(args[0])) return;
  warn(...args);
};
