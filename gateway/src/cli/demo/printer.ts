/** Terminal output of the demo: colours when on a TTY, and the small formatters of its results. */

/** Where text goes: process.stdout, process.stderr, or anything alike. */
export interface TextSink {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** Terminal output with optional colour (off when not a TTY or when NO_COLOR is set). */
export class Printer {
  /** Whether the output is a terminal (countdowns rewrite their line there). */
  readonly tty: boolean;
  readonly #color: boolean;

  /** Writes to `out` (standard output by default). */
  constructor(readonly out: TextSink = process.stdout) {
    this.tty = out.isTTY === true;
    this.#color = this.tty && !process.env.NO_COLOR;
  }

  #paint(code: string, text: string): string {
    return this.#color ? `\x1b[${code}m${text}\x1b[0m` : text;
  }
  /** Bold text. */
  bold = (t: string) => this.#paint('1', t);
  /** Dim text. */
  dim = (t: string) => this.#paint('2', t);
  /** Green text (success). */
  green = (t: string) => this.#paint('32', t);
  /** Red text (failure). */
  red = (t: string) => this.#paint('31', t);
  /** Yellow text (waiting, retrying, refused as expected). */
  yellow = (t: string) => this.#paint('33', t);
  /** Cyan text (who acts). */
  cyan = (t: string) => this.#paint('36', t);

  /** Writes one line. */
  line(text = ''): void {
    this.out.write(`${text}\n`);
  }
  /** Rewrites the current line (TTY only). */
  overwrite(text: string): void {
    this.out.write(`\r${text}\x1b[K`);
  }
}

/** An id cut to `n` characters, with an ellipsis when it was longer. */
export const short = (id: string, n = 12): string => (id.length > n ? `${id.slice(0, n)}…` : id);

/** Fen (decimal string) as yuan, e.g. "150000000" → "¥1,500,000.00". */
export function yuan(fen: string): string {
  const v = BigInt(fen);
  const whole = (v / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `¥${whole}.${(v % 100n).toString().padStart(2, '0')}`;
}
