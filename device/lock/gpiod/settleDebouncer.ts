/**
 * Debounces one input: a new level is reported only after it has held for `ms` without another edge, and only if
 * it differs from the last reported level (contact bounce, a brushed button).
 */
export class SettleDebouncer {
  private reported: boolean | undefined;
  private pending: NodeJS.Timeout | undefined;

  constructor(
    private readonly ms: number,
    private readonly emit: (active: boolean) => void,
  ) {}

  edge(active: boolean): void {
    clearTimeout(this.pending);
    this.pending = setTimeout(() => {
      if (this.reported === active) return;
      this.reported = active;
      this.emit(active);
    }, this.ms);
  }

  stop(): void {
    clearTimeout(this.pending);
  }
}
