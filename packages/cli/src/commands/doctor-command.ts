import { backendReport, type BackendStatus } from '@srl/policies';

/** `srl doctor [--json]`: each tensor backend, whether it is available here, why not and how to get it. */
export async function doctorCommand(opts: { json?: boolean }, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const statuses: BackendStatus[] = await backendReport();
  if (opts.json) {
    out.write(`${JSON.stringify(statuses, null, 2)}\n`);
    return 0;
  }
  for (const s of statuses) {
    out.write(`${s.available ? 'ok  ' : 'no  '} ${s.backend.padEnd(10)} ${s.provider}: ${s.detail}\n`);
    if (s.howToGet) out.write(`     ${''.padEnd(10)} get it: ${s.howToGet}\n`);
  }
  return 0;
}
