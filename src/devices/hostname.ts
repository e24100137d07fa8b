/**
 * Device names learnt from the network (DHCP leases, PTR answers) are untrusted input: a device
 * chooses its own DHCP hostname. They are shown on the admin page and in reports, so only a
 * conservative character set is kept.
 */

const SAFE_HOSTNAME = /^[A-Za-z0-9._-]{1,63}$/;

/**
 * The hostname when it is 1–63 characters of `[A-Za-z0-9._-]` only, else null (nothing is
 * stripped or repaired: `<script>alert(1)</script>` is null, not `scriptalert1script`).
 */
export function sanitizeHostname(text: string | null | undefined): string | null {
  if (typeof text !== 'string' || text.length > 63) return null;
  return SAFE_HOSTNAME.test(text) ? text : null;
}
