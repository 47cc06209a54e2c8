import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A model directory that lacks files the model needs; says which and how to get them. */
export class ModelFilesMissingError extends Error {
  constructor(dir: string, missing: string[], howToGet: string) {
    super(`model directory ${dir} lacks ${missing.join(', ')}: ${howToGet}`);
    this.name = 'ModelFilesMissingError';
  }
}

/** Throws ModelFilesMissingError unless every file exists under dir. */
export function requireModelFiles(dir: string, files: string[], howToGet: string): void {
  const missing = files.filter((file) => !existsSync(join(dir, file)));
  if (missing.length > 0) throw new ModelFilesMissingError(dir, missing, howToGet);
}

export function readJson<T>(dir: string, file: string): T {
  try {
    return JSON.parse(readFileSync(join(dir, file), 'utf8')) as T;
  } catch (error) {
    throw new Error(`${join(dir, file)} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}
