/**
 * Figures, goals and the human table of the benchmark run. A figure is one measured number; a goal
 * is optional (context figures have none, and then `pass` is null).
 */

export type GoalOp = '<' | '<=' | '>=' | '>';

export interface Goal {
  op: GoalOp;
  value: number;
}

export interface Figure {
  section: string;
  label: string;
  value: number;
  unit: string;
  goal: Goal | null;
  /** null when the figure has no goal (reported for context). */
  pass: boolean | null;
  note?: string;
}

export function meets(value: number, goal: Goal): boolean {
  if (!Number.isFinite(value)) return false;
  switch (goal.op) {
    case '<':
      return value < goal.value;
    case '<=':
      return value <= goal.value;
    case '>=':
      return value >= goal.value;
    case '>':
      return value > goal.value;
  }
}

export function figure(
  section: string,
  label: string,
  value: number,
  unit: string,
  goal: Goal | null = null,
  note?: string,
): Figure {
  return { section, label, value, unit, goal, pass: goal ? meets(value, goal) : null, ...(note ? { note } : {}) };
}

export interface GoalSummary<K extends string> {
  total: number;
  passed: number;
  failed: K[];
  allPass: boolean;
}

/** How many of the figures that have a goal met it, and which did not. */
export function goalSummary<K extends string>(figures: Partial<Record<K, Figure>>): GoalSummary<K> {
  const entries = Object.entries(figures) as [K, Figure][];
  const withGoal = entries.filter(([, f]) => f.goal !== null);
  const failed = withGoal.filter(([, f]) => f.pass === false).map(([id]) => id);
  return { total: withGoal.length, passed: withGoal.length - failed.length, failed, allPass: failed.length === 0 };
}

/** Three significant digits, without exponent notation for everyday magnitudes. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString('en-US');
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toPrecision(3);
}

function formatGoal(goal: Goal | null, unit: string): string {
  if (!goal) return '';
  const op = goal.op === '<=' ? '≤' : goal.op === '>=' ? '≥' : goal.op;
  return `${op} ${formatNumber(goal.value)}${unit === '×' ? '×' : ` ${unit}`}`;
}

function formatValue(value: number, unit: string): string {
  return unit === '×' ? `${formatNumber(value)}×` : `${formatNumber(value)} ${unit}`;
}

function pad(text: string, width: number, right = false): string {
  const gap = ' '.repeat(Math.max(0, width - [...text].length));
  return right ? gap + text : text + gap;
}

export interface TableHeader {
  title: string;
  lines: string[];
}

/** The human report: a header, then one table with a row per figure, grouped by section. */
export function renderTable(header: TableHeader, figures: readonly Figure[], footer: readonly string[]): string {
  const rows = figures.map((f) => ({
    section: f.section,
    label: f.label,
    value: formatValue(f.value, f.unit),
    goal: formatGoal(f.goal, f.unit),
    result: f.pass === null ? '' : f.pass ? 'PASS' : 'FAIL',
  }));
  const w = {
    label: Math.max(6, ...rows.map((r) => [...r.label].length + 2)),
    value: Math.max(5, ...rows.map((r) => [...r.value].length)),
    goal: Math.max(4, ...rows.map((r) => [...r.goal].length)),
  };
  const line = (label: string, value: string, goal: string, result: string): string =>
    `  ${pad(label, w.label)}  ${pad(value, w.value, true)}  ${pad(goal, w.goal)}  ${result}`.trimEnd();
  const rule = `  ${'─'.repeat(w.label + w.value + w.goal + 6 + 4)}`;
  const out: string[] = [header.title, ...header.lines.map((l) => `  ${l}`), ''];
  out.push(line('Figure', 'Value', 'Goal', 'Result'), rule);
  let section = '';
  for (const r of rows) {
    if (r.section !== section) {
      if (section !== '') out.push('');
      out.push(`  ${r.section}`);
      section = r.section;
    }
    out.push(line(`  ${r.label}`, r.value, r.goal, r.result));
  }
  out.push(rule, ...footer.map((l) => `  ${l}`));
  return `${out.join('\n')}\n`;
}
