// Short, human descriptions for events and pages: "scan-057..scan-076", "outlets 1-20".

/** Sorted names with consecutive numeric suffixes folded into ranges. */
export function nameRanges(names: readonly string[], max = 8): string {
  const sorted = [...names].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const parts: string[] = [];
  let start = 0;
  for (let i = 1; i <= sorted.length; i++) {
    if (i < sorted.length && follows(sorted[i - 1]!, sorted[i]!)) continue;
    const first = sorted[start]!;
    const last = sorted[i - 1]!;
    parts.push(start === i - 1 ? first : i - 1 === start + 1 ? `${first}, ${last}` : `${first}..${last}`);
    start = i;
  }
  if (parts.length <= max) return parts.join(', ');
  return `${parts.slice(0, max).join(', ')} and ${parts.length - max} more`;
}

/** "1-20, 23" from [1..20, 23]. */
export function numberRanges(numbers: readonly number[]): string {
  const sorted = [...new Set(numbers)].sort((a, b) => a - b);
  const parts: string[] = [];
  let start = 0;
  for (let i = 1; i <= sorted.length; i++) {
    if (i < sorted.length && sorted[i] === sorted[i - 1]! + 1) continue;
    parts.push(start === i - 1 ? `${sorted[start]}` : `${sorted[start]}-${sorted[i - 1]}`);
    start = i;
  }
  return parts.join(', ');
}

function follows(a: string, b: string): boolean {
  const ma = /^(.*?)(\d+)$/.exec(a);
  const mb = /^(.*?)(\d+)$/.exec(b);
  return !!ma && !!mb && ma[1] === mb[1] && Number(mb[2]) === Number(ma[2]) + 1;
}

export function percent(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}
