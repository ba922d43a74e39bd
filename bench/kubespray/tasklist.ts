/**
 * `--list-tasks` output of ansible-playbook and kbs as comparable lines, and a line diff of two
 * such lists. Normalised: the `playbook:` line dropped (Ansible prints the path as given), a
 * play's tags sorted (Ansible prints them in Python's set order, which changes between runs).
 */

export interface TaskList {
  lines: string[];
  plays: number;
  tasks: number;
}

export function parseTaskList(text: string): TaskList {
  const lines: string[] = [];
  let plays = 0;
  let tasks = 0;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\s+$/, '');
    if (!line.trim() || line.startsWith('playbook:') || line.trim() === 'tasks:') continue;
    const play = /^\s*play #\d+ \((.*)\): (.*)\tTAGS: \[(.*)\]$/.exec(line);
    if (play) {
      plays++;
      const tags = play[3].split(',').map((t) => t.trim()).filter(Boolean).sort();
      lines.push(`play (${play[1]}): ${play[2]}  [${tags.join(', ')}]`);
      continue;
    }
    const task = /^\s+(.*)\tTAGS: \[(.*)\]$/.exec(line);
    if (task) {
      tasks++;
      lines.push(`    ${task[1]}  [${task[2]}]`);
    }
  }
  return { lines, plays, tasks };
}

export interface DiffLine {
  op: '-' | '+';
  line: string;
  /** index in the Ansible list (for -) or the kbs list (for +) */
  at: number;
}

/** Lines only in `a` (-) and only in `b` (+), by a longest common subsequence. */
export function diffLines(a: string[], b: string[]): DiffLine[] {
  // trim the common head and tail so that the quadratic table stays small
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const x = a.slice(start, endA);
  const y = b.slice(start, endB);
  const n = x.length;
  const m = y.length;
  const table = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) table[i][j] = x[i] === y[j] ? table[i + 1][j + 1] + 1 : Math.max(table[i + 1][j], table[i][j + 1]);
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && x[i] === y[j]) {
      i++;
      j++;
    } else if (j < m && (i === n || table[i][j + 1] >= table[i + 1][j])) out.push({ op: '+', line: y[j], at: start + j++ });
    else out.push({ op: '-', line: x[i], at: start + i++ });
  }
  return out;
}
