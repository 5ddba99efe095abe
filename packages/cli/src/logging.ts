import { createLogger, type Logger } from '@metis/core';
import { pino, type DestinationStream } from 'pino';
import pinoPretty from 'pino-pretty';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === 'string' && (LOG_LEVELS as readonly string[]).includes(value);
}

export interface CliLoggerOptions {
  /** Human-readable lines instead of JSON. Defaults to whether stdout is a terminal. */
  pretty?: boolean;
  /** Where pretty lines go (tests). Defaults to process.stdout. */
  write?: (text: string) => void;
}

/**
 * The node's logger. Logs go to stdout: pretty lines on a terminal, JSON lines otherwise. Both are written
 * synchronously, a whole line at a time, so the banner the CLI prints between log lines (and its
 * `Listening on` line) stays whole and nothing is lost when the process exits right after a log call.
 */
export function cliLogger(level: LogLevel = 'info', options: CliLoggerOptions = {}): Logger {
  const pretty = options.pretty ?? process.stdout.isTTY === true;
  return createLogger({ level, destination: pretty ? prettyStream(options.write) : pino.destination({ dest: 1, sync: true }) });
}

/**
 * pino-pretty in process, not as a worker transport: its formatter behind a synchronous stream. (Its
 * Transform stream would hand lines on asynchronously and lose the last ones at process.exit.)
 */
export function prettyStream(write: (text: string) => void = (text) => void process.stdout.write(text)): DestinationStream {
  const format = pinoPretty.prettyFactory({
    colorize: pinoPretty.isColorSupported,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,plugin',
    messageFormat: '{if plugin}[{plugin}] {end}{msg}',
  });
  return { write: (line: string) => write(format(line)) };
}
