import { accessSync, constants, statSync } from 'node:fs';
import { ValidationOptions, registerDecorator } from 'class-validator';

/**
 * The setting names a file this process can read (a certificate, a key). Checked at startup, so a
 * wrong path stops the app with the setting named instead of failing at the first connection.
 * Only the path is shown, never the file.
 */
export function IsReadableFile(options?: ValidationOptions) {
  return (target: object, property: string) =>
    registerDecorator({
      name: 'isReadableFile',
      target: target.constructor,
      propertyName: property,
      options: { message: `${property} must name a readable file`, ...options },
      validator: { validate: (value: unknown) => typeof value === 'string' && isReadableFile(value) },
    });
}

function isReadableFile(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
