/**
 * A unified diff (`@@ -a,b +c,d @@` hunks with 3 lines of context, as `diff -u` prints them, without the file
 * header) of two texts, line by line: a longest common subsequence over the lines between their common prefix and
 * suffix. The texts this compares (a rule file, nginx.conf, a script, a dashboard) are at most a few thousand
 * lines, and a change touches few of them, so the quadratic table stays small.
 */
export function unifiedDiff(before: string, after: string, context = 3): string[] {
  const a = before.split('\n');
  const b = after.split('\n');
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  // The edit script of the middle parts: ' ' kept, '-' removed, '+' added, with each line's numbers.
  const ops: { op: ' ' | '-' | '+'; line: string }[] = [];
  for (let i = 0; i < start; i++) ops.push({ op: ' ', line: a[i] });
  ops.push(...middle(a.slice(start, endA), b.slice(start, endB)));
  for (let i = endA; i < a.length; i++) ops.push({ op: ' ', line: a[i] });

  const out: string[] = [];
  let i = 0;
  let lineA = 1;
  let lineB = 1;
  const numbers: { a: number; b: number }[] = ops.map((o) => {
    const n = { a: lineA, b: lineB };
    if (o.op !== '+') lineA++;
    if (o.op !== '-') lineB++;
    return n;
  });
  while (i < ops.length) {
    if (ops[i].op === ' ') {
      i++;
      continue;
    }
    // A hunk: from `context` lines before this change to `context` lines after the last change within reach.
    const from = Math.max(0, i - context);
    let to = i;
    let last = i;
    while (to < ops.length && (ops[to].op !== ' ' || to - last <= context * 2)) {
      if (ops[to].op !== ' ') last = to;
      to++;
    }
    const end = Math.min(ops.length, last + context + 1);
    const hunk = ops.slice(from, end);
    const countA = hunk.filter((o) => o.op !== '+').length;
    const countB = hunk.filter((o) => o.op !== '-').length;
    const startA = countA === 0 ? numbers[from].a - 1 : numbers[from].a;
    const startB = countB === 0 ? numbers[from].b - 1 : numbers[from].b;
    // `diff -u` leaves out a count of 1.
    const range = (start: number, count: number) => (count === 1 ? `${start}` : `${start},${count}`);
    out.push(`@@ -${range(startA, countA)} +${range(startB, countB)} @@`);
    for (const o of hunk) out.push(`${o.op}${o.line}`);
    i = end;
  }
  return out;
}

function middle(a: readonly string[], b: readonly string[]): { op: ' ' | '-' | '+'; line: string }[] {
  // lcs[i][j]: the length of the longest common subsequence of a[i..] and b[j..].
  const lcs = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  }
  const ops: { op: ' ' | '-' | '+'; line: string }[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push({ op: ' ', line: a[i++] });
      j++;
    } else if (i < a.length && (j === b.length || lcs[i + 1][j] >= lcs[i][j + 1])) ops.push({ op: '-', line: a[i++] });
    else ops.push({ op: '+', line: b[j++] });
  }
  return ops;
}
