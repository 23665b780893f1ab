// Runs the latest task per key once no newer one has arrived for a while: typing reconverts a file once per pause.
export class Debouncer {
  private timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly delayMs: number) {}

  schedule(key: string, task: () => void) {
    this.cancel(key);
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      task();
    }, this.delayMs));
  }

  cancel(key: string) {
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
  }
}
