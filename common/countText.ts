/** A count with its noun in the right number: "1 approach", "2 approaches". */
export function countText(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
