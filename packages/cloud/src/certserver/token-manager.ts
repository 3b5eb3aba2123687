import { ApiError } from '@kedge/api';
import type { KubeClient, Logger, Module } from '@kedge/core';
import { TOKEN_SECRET, TOKEN_TTL_MS, KUBEEDGE_NAMESPACE, getSecretData, putSecret, type CloudPKI } from './cloud-pki.js';
import { createToken, verifyToken } from './token.js';

const HOUR_MS = 3_600_000;
const RETRY_MS = 30_000;

export interface TokenManagerOptions {
  client: KubeClient;
  /** `token`, when given (the one loaded with the PKI), is what `current()` returns until the first refresh. */
  pki: Pick<CloudPKI, 'caDer' | 'caKeyDer'> & { token?: string };
  log: Logger;
  /** How long a token is accepted; KubeEdge: 2 × refresh = 24 h. */
  ttlMs?: number;
  /** How often a new token is written to `tokensecret`; KubeEdge: 12 h. */
  refreshMs?: number;
  now?: () => number;
}

/**
 * Keeps a current join token in Secret `kubeedge/tokensecret` (key `tokendata`), replacing it every
 * 12 h with one valid for 24 h. Older tokens are not revoked: they stay valid until their own exp,
 * as upstream (verification is signature + exp only).
 */
export class TokenManager implements Module {
  readonly name = 'tokenmanager';
  private token: string;
  private readonly ttlMs: number;
  private readonly refreshMs: number;
  private readonly now: () => number;
  private readonly log: Logger;

  constructor(private readonly opts: TokenManagerOptions) {
    this.ttlMs = opts.ttlMs ?? TOKEN_TTL_MS;
    this.refreshMs = opts.refreshMs ?? 12 * HOUR_MS;
    this.now = opts.now ?? Date.now;
    this.log = opts.log.child({ module: this.name });
    // Usable before start(): the cert server can verify and `current()` answer immediately.
    this.token = opts.pki.token ?? createToken(opts.pki.caDer, opts.pki.caKeyDer, this.ttlMs, this.now());
  }

  current(): string {
    return this.token;
  }

  /** Verifies the JWT part of a join token against this cloud's CA key (throws Unauthorized). */
  verify(jwt: string): void {
    verifyToken(jwt, this.opts.pki.caKeyDer, this.now());
  }

  /** Issues a new token and stores it; the previous one keeps working until it expires. */
  async refresh(): Promise<string> {
    const token = createToken(this.opts.pki.caDer, this.opts.pki.caKeyDer, this.ttlMs, this.now());
    await putSecret(this.opts.client, TOKEN_SECRET, { tokendata: token }, 'replace');
    this.token = token;
    this.log.info({ validHours: this.ttlMs / HOUR_MS }, 'refreshed join token');
    return token;
  }

  async start(signal: AbortSignal): Promise<void> {
    await new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const tick = () => {
        this.refresh().then(
          () => schedule(this.refreshMs),
          (err: unknown) => {
            // The in-memory token still works for joins; only `gettoken` readers miss the new one.
            this.log.warn({ err }, 'join token refresh failed; retrying');
            schedule(Math.min(this.refreshMs, RETRY_MS));
          },
        );
      };
      const schedule = (ms: number) => {
        if (!signal.aborted) timer = setTimeout(tick, ms);
      };
      signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      }, { once: true });
      if (signal.aborted) resolve();
      else tick();
    });
  }
}

/** The join token `kedge gettoken` prints: `kubeedge/tokensecret` key `tokendata`. */
export async function readTokenFromSecret(client: KubeClient): Promise<string> {
  const data = await getSecretData(client, TOKEN_SECRET);
  const token = data?.tokendata?.toString('utf8').trim();
  if (!token) {
    throw new ApiError('NotFound', `no join token: secret ${KUBEEDGE_NAMESPACE}/${TOKEN_SECRET} ${data ? 'has no tokendata' : 'does not exist'} (is the cloud running?)`);
  }
  return token;
}
