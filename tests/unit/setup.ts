import { afterEach, beforeEach, vi } from 'vitest';

// A test that makes the code under test log an error it did not expect fails: an unexpected
// console.error is a bug we would otherwise ship silently. Tests that expect one spy on it themselves.
let errorSpy: ReturnType<typeof vi.spyOn> | undefined;
beforeEach(() => {
  errorSpy = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    throw new Error(`Unexpected console.error: ${args.map(String).join(' ')}`);
  });
});
afterEach(() => {
  errorSpy?.mockRestore();
});
