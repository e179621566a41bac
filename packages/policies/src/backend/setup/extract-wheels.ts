import { existsSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { runTool } from './run-tool';

/** Python: copy the members a prefix rule selects out of a wheel, stripping the prefix; prints the count. */
const EXTRACT_SCRIPT = `
import sys, zipfile, os, shutil, json
wheel, dest, rules = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
z = zipfile.ZipFile(wheel)
count = 0
for info in z.infolist():
    if info.is_dir():
        continue
    for prefix, strip in rules:
        if info.filename.startswith(prefix):
            target = os.path.join(dest, info.filename[len(strip):])
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with z.open(info) as src, open(target, 'wb') as out:
                shutil.copyfileobj(src, out, 1 << 22)
            count += 1
            break
print(count)
`;

/**
 * Members of TensorFlow's wheel that the binding needs: the two shared libraries (kept in `site/tensorflow`, as
 * in site-packages, so their RUNPATH `$ORIGIN/../nvidia/...` finds pip's CUDA libraries beside them) and the C API
 * headers with the few headers they include (`include/`).
 */
const TENSORFLOW_RULES: [string, string][] = [
  ['tensorflow/libtensorflow_cc.so', ''],
  ['tensorflow/libtensorflow_framework.so', ''],
  ['tensorflow/include/tensorflow/c/', 'tensorflow/'],
  ['tensorflow/include/tensorflow/core/platform/ctstring', 'tensorflow/'],
  ['tensorflow/include/tsl/platform/ctstring', 'tensorflow/'],
  ['tensorflow/include/tsl/c/', 'tensorflow/'],
  ['tensorflow/include/xla/tsl/c/', 'tensorflow/'],
];

/** NVIDIA's wheels keep their libraries in `nvidia/<name>/lib`. */
const NVIDIA_RULES: [string, string][] = [['nvidia/', '']];

/**
 * Extracts the selected members of each wheel into `dest` (created; TensorFlow's libraries land in
 * `dest/tensorflow`, its headers in `dest/include`, NVIDIA's in `dest/nvidia`), writing to `dest.partial` first so
 * that an interrupted run leaves no half-extracted folder behind. Returns how many files it wrote.
 */
export async function extractWheels(options: { python: string; wheels: { file: string; kind: 'tensorflow' | 'nvidia' }[]; dest: string }): Promise<number> {
  const partial = `${options.dest}.partial`;
  rmSync(partial, { recursive: true, force: true });
  let count = 0;
  for (const wheel of options.wheels) {
    const rules = wheel.kind === 'tensorflow' ? TENSORFLOW_RULES : NVIDIA_RULES;
    const { stdout } = await runTool(options.python, ['-c', EXTRACT_SCRIPT, wheel.file, partial, JSON.stringify(rules)], {
      purpose: `extract ${path.basename(wheel.file)}`,
    });
    count += Number(stdout.trim());
  }
  if (existsSync(options.dest)) rmSync(options.dest, { recursive: true, force: true });
  renameSync(partial, options.dest);
  return count;
}
