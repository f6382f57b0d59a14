/** Small helpers every check uses: unwrap a fact or skip, and phrase a fix for the machine at hand. */
import type { Context, Fact, Fix } from '../types.js';

/** Thrown inside a check when a fact it needs is missing; the runner turns it into a `skip` row. */
export class MissingFact extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'MissingFact';
  }
}

export function need<T>(fact: Fact<T>): T {
  if (!fact.ok) throw new MissingFact(fact.reason);
  return fact.value;
}

export const maybe = <T>(fact: Fact<T>): T | undefined => (fact.ok ? fact.value : undefined);

/**
 * A fix for both worlds. `nix` names the archibald.* option; `other` is the distribution-agnostic
 * way, and `nixos` the plain NixOS option used as `other` on NixOS, where an imperative command
 * would be undone by the next rebuild.
 */
export function fix(context: Context, parts: { nix: string; other: string; nixos: string }): Fix {
  return { nix: parts.nix, other: context.isNixos ? parts.nixos : parts.other };
}

export const plural = (n: number, word: string, many = `${word}s`): string => `${n} ${n === 1 ? word : many}`;
