// The rows of a litmus program written in columns (BPF and the assembly dialects): one
// cell per thread, separated by `|`, the row ended by `;`.

/** The [start, end) of each cell of a program row (separators `|`, the row ends at `;`). */
export function rowCells(line: string): Array<[number, number]> {
  const cells: Array<[number, number]> = [];
  let start = 0;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '|' && line[i + 1] !== '=' && line[i - 1] !== '|') {
      cells.push([start, i]);
      start = i + 1;
    } else if (ch === ';') {
      cells.push([start, i]);
      return cells;
    }
  }
  cells.push([start, line.length]);
  return cells;
}

/** `text` in the `column`th cell of `line`, padded to the cell's width where it fits. */
export function replaceCell(line: string, column: number, text: string): string {
  const [start, end] = rowCells(line)[column];
  // Keep the cell's own indentation (one space in an empty cell), pad to its width.
  const old = line.slice(start, end);
  const indent = old.trim() === '' ? ' ' : /^\s*/.exec(old)![0];
  const cell = `${indent}${text} `.padEnd(end - start);
  return line.slice(0, start) + cell + line.slice(end);
}
