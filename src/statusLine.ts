/**
 * The last line of an interactive stderr, redrawn in place by a progress bar.
 * Log lines are written above it (the line is cleared, the log line written,
 * the bar drawn again), so a log line is never glued onto the bar; and nothing
 * moves the cursor anywhere else, so the lines above it, and the report that
 * follows on stdout, are never overwritten.
 */
export interface StatusLine {
  /** Draws (or redraws) the line. */
  draw(text: string): void;
  /** Writes a log line above the status line, if one is shown. */
  above(line: string): void;
  /** Ends the status line: kept as the last state (a finished bar) or erased. */
  end(keep: boolean): void;
}

export function createStatusLine(out: NodeJS.WritableStream & { columns?: number }): StatusLine {
  let current: string | null = null;
  // A line wider than the terminal wraps, and \r then returns to its last row only: cut it to the width.
  const fit = (text: string) => (out.columns && text.length >= out.columns ? text.slice(0, out.columns - 1) : text);
  return {
    draw: (text) => {
      current = fit(text);
      out.write(`\r${current}\x1b[K`);
    },
    above: (line) => {
      if (current === null) out.write(`${line}\n`);
      else out.write(`\r\x1b[K${line}\n${current}`);
    },
    end: (keep) => {
      if (current === null) return;
      out.write(keep ? '\n' : '\r\x1b[K');
      current = null;
    },
  };
}

/** The status line of this process's stderr: progress bars draw it, the logger writes above it. */
export const stderrLine: StatusLine = createStatusLine(process.stderr);
