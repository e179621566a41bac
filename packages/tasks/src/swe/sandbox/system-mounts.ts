import { lstatSync, readlinkSync } from 'node:fs';

/**
 * bubblewrap flags that show the host's system folders read-only: /usr, the top-level links or
 * folders into it (/bin, /lib, ...), and the few /etc files the dynamic linker and alternatives
 * need. Nothing else of the host (no /home, /root, /etc/passwd, /work, /tmp) is visible.
 */
export function systemMounts(): string[] {
  const args = ['--ro-bind', '/usr', '/usr'];
  for (const top of ['/bin', '/lib', '/lib64', '/lib32', '/sbin']) {
    const stat = lstatIfAny(top);
    if (stat?.isSymbolicLink()) args.push('--symlink', readlinkSync(top), top);
    else if (stat?.isDirectory()) args.push('--ro-bind', top, top);
  }
  for (const etc of ['/etc/alternatives', '/etc/ld.so.cache', '/etc/ld.so.conf', '/etc/ld.so.conf.d', '/etc/localtime']) {
    args.push('--ro-bind-try', etc, etc);
  }
  return args;
}

function lstatIfAny(path: string): ReturnType<typeof lstatSync> | null {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}
