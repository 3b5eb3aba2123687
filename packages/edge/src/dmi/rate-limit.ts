/**
 * Token bucket. KubeEdge's DMI server uses rate.NewLimiter(1, 100): one report per second, bursts of 100;
 * kedge's rate and burst come from deviceTwin.dmiReportQps / dmiReportBurst (default 2000 / 4000).
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(private readonly perSecond: number, private readonly burst: number, private readonly now: () => number = Date.now) {
    this.tokens = burst;
    this.last = now();
  }

  allow(): boolean {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.perSecond);
    this.last = t;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
