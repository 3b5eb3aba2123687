/** Token bucket (KubeEdge edgeHub messageQPS / messageBurst): `burst` tokens, refilled at `qps`. */
export interface TokenBucket {
  /** Takes a token if one is available. */
  tryTake(): boolean;
  /** Milliseconds until the next token (0 when one is available now). */
  waitMs(): number;
}

export function createTokenBucket(qps: number, burst: number, now: () => number = Date.now): TokenBucket {
  if (!(qps > 0) || !(burst >= 1)) throw new Error(`invalid rate limit: qps ${qps}, burst ${burst}`);
  let tokens = burst;
  let last = now();
  const refill = (): void => {
    const t = now();
    tokens = Math.min(burst, tokens + ((t - last) * qps) / 1000);
    last = t;
  };
  return {
    tryTake() {
      refill();
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
    waitMs() {
      refill();
      return tokens >= 1 ? 0 : Math.ceil(((1 - tokens) * 1000) / qps);
    },
  };
}
