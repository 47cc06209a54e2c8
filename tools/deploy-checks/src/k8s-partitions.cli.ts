/** `npm run k8s:partitions -- N`: writes k8s/optional/partitions-N/kustomization.yaml (see k8s-partitions.ts). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { partitionsComponent, partitionsComponentDir } from './k8s-partitions';

try {
  const partitions = Number(process.argv[2]);
  const text = partitionsComponent(partitions);
  const dir = partitionsComponentDir(partitions);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'kustomization.yaml'), text);
  process.stdout.write(`wrote ${join(dir, 'kustomization.yaml')}\n`);
} catch (error) {
  process.stderr.write(`${(error as Error).message}\nusage: npm run k8s:partitions -- N\n`);
  process.exit(2);
}
