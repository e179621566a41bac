import { bubblewrapVersion, runSandboxBattery } from '@srl/tasks';

/**
 * `srl swe check-sandbox`: runs hostile actions in a fresh sandbox and prints, as each finishes,
 * whether it was contained. Exit 0 only when every one was.
 */
export async function sweCheckSandboxCommand(out: NodeJS.WritableStream = process.stdout): Promise<number> {
  out.write(`sandbox: ${bubblewrapVersion() ?? 'bubblewrap not found'}, running as uid ${process.getuid?.() ?? '?'}\n`);
  const checks = await runSandboxBattery({
    projectDir: process.cwd(),
    onCheck: (c) => out.write(`${c.contained ? 'contained' : 'ESCAPED  '}  ${c.name}: ${c.detail}\n`),
  });
  const escaped = checks.filter((c) => !c.contained).length;
  out.write(escaped === 0 ? `all ${checks.length} checks contained\n` : `${escaped} of ${checks.length} checks NOT contained\n`);
  return escaped === 0 ? 0 : 1;
}
