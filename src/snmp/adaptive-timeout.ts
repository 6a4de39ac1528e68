// Per-device adaptive timeouts: a device that answers in milliseconds is not waited on for the whole
// configured timeout before the request is sent again; one that answers slowly, or stops, still gets
// the whole configured timeout on its last attempt.
//
// The round-trip estimator is TCP's (RFC 6298): a smoothed round-trip time and its mean deviation,
// the first attempt's timeout srtt + 4·rttvar. Attempts then grow geometrically (net-snmp multiplies
// the timeout by `backoff` at each retry) so that the last one waits exactly the configured timeout:
// with the default one retry, [adaptive, configured] instead of [configured, configured]. An answer to
// any attempt is taken (a retry resends the same request), so a device slower than its history is
// never failed sooner than it would be with the configured timeout alone on the last attempt.

/** Answers needed before the timeout adapts; until then every attempt waits the configured timeout. */
const MIN_SAMPLES = 3;
/**
 * The first attempt never waits less than this, nor less than this share of the configured timeout:
 * an overloaded agent whose answers slow down all at once must not be sent every request twice
 * (each resend is more work for it: the polls of a 1,000-PDU site fell behind with an eighth).
 */
const FLOOR_MS = 250;
const FLOOR_SHARE = 1 / 2;

export interface AttemptTimeouts {
  /** The first attempt's timeout, ms. */
  timeoutMs: number;
  /** What each retry multiplies the previous attempt's timeout by (net-snmp's `backoff`). */
  backoff: number;
}

export class RoundTrips {
  private srtt = 0;
  private rttvar = 0;
  private samples = 0;

  /** One answered request took `ms`. */
  add(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    if (this.samples === 0) {
      this.srtt = ms;
      this.rttvar = ms / 2;
    } else {
      this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - ms);
      this.srtt = 0.875 * this.srtt + 0.125 * ms;
    }
    this.samples++;
  }

  /** The attempts' timeouts for a device configured with `configuredMs` and `retries`. */
  timeouts(configuredMs: number, retries: number): AttemptTimeouts {
    // Without a retry the only attempt is the last one: it waits the configured timeout.
    if (retries < 1 || this.samples < MIN_SAMPLES) return { timeoutMs: configuredMs, backoff: 1 };
    const floor = Math.max(FLOOR_MS, configuredMs * FLOOR_SHARE);
    const first = Math.min(configuredMs, Math.max(floor, Math.ceil(this.srtt + 4 * this.rttvar)));
    return { timeoutMs: first, backoff: (configuredMs / first) ** (1 / retries) };
  }
}
