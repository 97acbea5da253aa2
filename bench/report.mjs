// The markdown side of the benchmark's output: bench/run.mjs prints every line and table to
// stdout and also hands them to a Report, which writes docs/BENCHMARKS.md at the end of the run.
// Plain lines become paragraphs (consecutive lines joined with hard line breaks), lines that
// open a section ("3. ...") become headings, and tables become markdown tables.

const escapeCell = (c) => String(c).replace(/\|/g, '\\|').replace(/\n/g, ' ');

export class Report {
  constructor() {
    this.blocks = []; // { kind: 'h1' | 'h2' | 'h3' | 'p' | 'table' | 'code', ... }
  }

  heading(level, text) {
    this.blocks.push({ kind: `h${level}`, text });
  }

  /** A plain output line: a blank line ends the paragraph. */
  line(text) {
    const s = String(text);
    if (s.trim() === '') {
      this.blocks.push({ kind: 'break' });
      return;
    }
    const last = this.blocks[this.blocks.length - 1];
    if (last?.kind === 'p') last.lines.push(s.trim());
    else this.blocks.push({ kind: 'p', lines: [s.trim()] });
  }

  table(header, rows, numericColumns) {
    this.blocks.push({ kind: 'table', header, rows, numericColumns });
  }

  render() {
    const out = [];
    for (const b of this.blocks) {
      if (b.kind === 'break') continue;
      if (b.kind.startsWith('h')) out.push(`${'#'.repeat(Number(b.kind.slice(1)))} ${b.text}`, '');
      else if (b.kind === 'p') out.push(b.lines.join('  \n'), '');
      else if (b.kind === 'table') {
        const align = b.header.map((_, i) => (b.numericColumns?.[i] && i > 0 ? '---:' : '---'));
        out.push(`| ${b.header.map(escapeCell).join(' | ')} |`, `| ${align.join(' | ')} |`);
        for (const r of b.rows) out.push(`| ${r.map(escapeCell).join(' | ')} |`);
        out.push('');
      }
    }
    return `${out.join('\n').trimEnd()}\n`;
  }
}
