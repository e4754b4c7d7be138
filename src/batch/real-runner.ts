// The batch workers' default runner: the library's runTest.

export { runTest as runOne } from '../api/run.js';
