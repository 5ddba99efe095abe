/** Where a command writes. The binary uses the process streams; tests capture the text. */
export interface Io {
  /** Writes text as is to standard output (add the newline yourself, or use `println`). */
  out(text: string): void;
  /** Writes text as is to standard error. */
  err(text: string): void;
}

export const processIo: Io = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
};

export function println(io: Io, ...lines: string[]): void {
  io.out(lines.map((l) => `${l}\n`).join(''));
}

export function eprintln(io: Io, ...lines: string[]): void {
  io.err(lines.map((l) => `${l}\n`).join(''));
}

/** An Io that keeps what was written, for tests and for embedding the CLI. */
export function memoryIo(): Io & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return {
    out: (t) => void (out += t),
    err: (t) => void (err += t),
    stdout: () => out,
    stderr: () => err,
  };
}
