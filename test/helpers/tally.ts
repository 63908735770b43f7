/**
 * Counts the requests a signature test file sends: forged ones (each expected to be refused) and legitimate ones
 * (each expected to be accepted), printed in one line when the file ends.
 */
export class Tally {
  private forgedTried = 0;
  private forgedRefused = 0;
  private legitTried = 0;
  private legitAccepted = 0;

  constructor(private readonly label: string) {}

  /** A forged request: `check` sends it and asserts the refusal; it counts as refused once that passes. */
  async forged(check: () => Promise<unknown>): Promise<void> {
    this.forgedTried++;
    await check();
    this.forgedRefused++;
  }

  /** A legitimate request: `send` resolves when it was accepted. */
  async legit<T>(send: () => Promise<T>): Promise<T> {
    this.legitTried++;
    const out = await send();
    this.legitAccepted++;
    return out;
  }

  print(): void {
    console.log(
      `${this.label}: ${this.forgedTried + this.legitTried} requests tried, ${this.forgedRefused} of ${this.forgedTried} forged refused, ` +
        `${this.legitAccepted} of ${this.legitTried} legitimate accepted`,
    );
  }
}
