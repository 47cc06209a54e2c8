import type { Config } from 'jest';
import { getJestProjectsAsync } from '@nx/jest';

// Every project under apps/ and libs/ brings its own jest.config.ts; `npm test` runs them all in
// one Jest process so the two CPU cores of a CI machine are shared across projects.
export default async (): Promise<Config> => ({
  projects: await getJestProjectsAsync(),
});
