/**
 * Collects a command's output up to a byte cap, keeping the head and the tail and dropping the
 * middle (with a marker), so an agent sees how a long output starts and how it ends.
 */
export class CappedOutput {
  private readonly head: Buffer[] = [];
  private headBytes = 0;
  /** Ring of the most recent chunks, trimmed to `tailCap` bytes. */
  private tail: Buffer[] = [];
  private tailBytes = 0;
  /** Every byte the command wrote, kept or not. */
  total = 0;

  constructor(private readonly capBytes: number) {}

  private get headCap(): number {
    return Math.ceil(this.capBytes / 2);
  }

  private get tailCap(): number {
    return this.capBytes - this.headCap;
  }

  push(chunk: Buffer): void {
    this.total += chunk.length;
    if (this.headBytes < this.headCap) {
      const take = Math.min(chunk.length, this.headCap - this.headBytes);
      this.head.push(chunk.subarray(0, take));
      this.headBytes += take;
      chunk = chunk.subarray(take);
    }
    if (chunk.length === 0) return;
    this.tail.push(chunk);
    this.tailBytes += chunk.length;
    while (this.tailBytes - (this.tail[0]?.length ?? 0) >= this.tailCap && this.tail.length > 1) {
      this.tailBytes -= this.tail.shift()!.length;
    }
  }

  get truncated(): boolean {
    return this.total > this.capBytes;
  }

  /** The kept output as UTF-8 text; a truncated output holds a marker saying how much was dropped. */
  text(): string {
    const head = Buffer.concat(this.head).toString('utf8');
    let tail = Buffer.concat(this.tail);
    if (!this.truncated) return head + tail.toString('utf8');
    tail = tail.subarray(tail.length - this.tailCap);
    const dropped = this.total - this.headBytes - tail.length;
    return `${head}\n<output truncated: ${dropped} of ${this.total} bytes omitted>\n${tail.toString('utf8')}`;
  }
}
