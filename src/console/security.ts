/**
 * The console's gatekeeping, as pure functions: which Host and Origin headers are ours, and how the
 * one-time launch token becomes a session. Kept free of I/O so every rule is tested directly.
 *
 * Threat model: the console listens on loopback, but any web page the user opens can make the
 * browser send requests to 127.0.0.1. Three locks stop that:
 *  - the Host header must name this server (a loopback name or the --host the user chose), which
 *    defeats DNS rebinding (evil.example resolving to 127.0.0.1 still sends Host: evil.example);
 *  - a request carrying an Origin must come from the very origin it is addressed to;
 *  - every /api call needs the session (an HttpOnly SameSite=Strict cookie the browser only sends
 *    from our own pages), obtained once by presenting the launch token printed in the terminal.
 */
import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';

export const SESSION_COOKIE = 'archibald_console';

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export const newSecret = (): string => randomBytes(32).toString('base64url');

/** Constant-time comparison of two secrets of any length. */
export function sameSecret(given: string | undefined | null, expected: string): boolean {
  if (given === undefined || given === null) return false;
  // Hash first so lengths match and timingSafeEqual never throws or leaks the length.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith('[') ? host : host.toLowerCase();
  return LOOPBACK_NAMES.has(bare) || /^127(\.\d{1,3}){3}$/.test(bare);
}

/** Splits a Host header ("127.0.0.1:7373", "[::1]:80", "localhost") into name and port. */
export function splitHostHeader(value: string): { name: string; port: string | null } | null {
  const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(value.trim());
  if (match === null) return null;
  return { name: (match[1] as string).toLowerCase(), port: match[2] ?? null };
}

/**
 * True when the Host header names this server. Any port is accepted because an SSH tunnel may
 * forward a different local port (`ssh -L 8080:127.0.0.1:7373`); the name is what DNS rebinding
 * cannot fake.
 */
export function hostAllowed(hostHeader: string | undefined, boundHost: string): boolean {
  if (hostHeader === undefined) return false;
  const parsed = splitHostHeader(hostHeader);
  if (parsed === null) return false;
  if (isLoopbackHost(parsed.name)) return true;
  const bound = boundHost.includes(':') && !boundHost.startsWith('[') ? `[${boundHost}]` : boundHost;
  return parsed.name === bound.toLowerCase();
}

/**
 * Cross-origin requests are refused: an Origin, when present, must be exactly the origin the
 * request was addressed to. `null` origins (sandboxed frames, file://) are foreign too.
 */
export function originAllowed(originHeader: string | undefined, hostHeader: string | undefined): boolean {
  if (originHeader === undefined) return true;
  if (hostHeader === undefined) return false;
  let origin: URL;
  try {
    origin = new URL(originHeader);
  } catch {
    return false;
  }
  return origin.protocol === 'http:' && origin.host.toLowerCase() === hostHeader.trim().toLowerCase() && origin.pathname === '/';
}

/** Reads one cookie from a Cookie header without trusting its shape. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * The launch token is good for one exchange: once a browser has its session cookie, the URL left
 * in the terminal's scroll-back (or shell history, or a screenshot) opens nothing.
 */
export class Gate {
  readonly launchToken = newSecret();
  private readonly sessions = new Set<string>();
  private spent = false;

  /** Exchanges the launch token for a session id, or null when it is wrong or already used. */
  exchange(token: string | undefined): string | null {
    if (this.spent || !sameSecret(token, this.launchToken)) return null;
    this.spent = true;
    const session = newSecret();
    this.sessions.add(session);
    return session;
  }

  get tokenSpent(): boolean {
    return this.spent;
  }

  hasSession(session: string | undefined): boolean {
    if (session === undefined) return false;
    for (const known of this.sessions) if (sameSecret(session, known)) return true;
    return false;
  }

  /** The session from a request's Cookie header. */
  authorised(cookieHeader: string | undefined): boolean {
    return this.hasSession(cookieValue(cookieHeader, SESSION_COOKIE));
  }
}

export function sessionCookie(session: string): string {
  // No Secure flag: the console is plain HTTP on loopback (or through an SSH tunnel).
  return `${SESSION_COOKIE}=${session}; HttpOnly; SameSite=Strict; Path=/`;
}
