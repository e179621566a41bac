import { lchown, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Gives `dir` and everything under it (symlinks themselves, not their targets) to `uid`:`uid`. */
export async function chownTree(dir: string, uid: number): Promise<void> {
  await lchown(dir, uid, uid);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await chownTree(path, uid);
    else await lchown(path, uid, uid);
  }
}
