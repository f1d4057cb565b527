import { describe, expect, it } from 'vitest';
import { isQ, Q } from './q';

describe('Q', () => {
  it('holds one conditions object, ANDed, not negated', () => {
    const q = Q({ name: 'Acme', ukOrganisation: true });
    expect(q.children).toEqual([{ name: 'Acme', ukOrganisation: true }]);
    expect(q.connector).toBe('AND');
    expect(q.negated).toBe(false);
    expect(isQ(q)).toBe(true);
    expect(isQ({ children: [], connector: 'AND', negated: false })).toBe(false);
  });

  it('combines with and/or without changing the operands', () => {
    const a = Q({ name: 'a' });
    const b = Q({ name: 'b' });
    const either = a.or(b);
    expect(either.connector).toBe('OR');
    expect(either.children).toEqual([{ name: 'a' }, { name: 'b' }]);
    expect(a.children).toEqual([{ name: 'a' }]);
    expect(a.connector).toBe('AND');
    expect(b.children).toEqual([{ name: 'b' }]);
  });

  it('flattens chains of the same connector and keeps nested groups of the other one', () => {
    const q = Q({ a: 1 }).or({ b: 2 }).or({ c: 3 }).and({ d: 4 });
    expect(q.connector).toBe('AND');
    expect(q.children).toHaveLength(2);
    const [first, second] = q.children;
    expect(isQ(first) && first.connector).toBe('OR');
    expect(isQ(first) && first.children).toEqual([{ a: 1 }, { b: 2 }, { c: 3 }]);
    expect(second).toEqual({ d: 4 });
  });

  it('negates with not() and toggles back', () => {
    const q = Q({ a: 1 }).or({ b: 2 });
    const negated = q.not();
    expect(negated.negated).toBe(true);
    expect(negated.children).toEqual(q.children);
    expect(q.negated).toBe(false);
    expect(negated.not().negated).toBe(false);
  });

  it('keeps a negated operand as one child', () => {
    const q = Q({ a: 1 }).and(Q({ b: 2 }).not());
    expect(q.children).toHaveLength(2);
    const second = q.children[1];
    expect(isQ(second) && second.negated).toBe(true);
  });

  it('drops empty operands, like Django', () => {
    const a = Q({ a: 1 });
    expect(Q().and(a)).toBe(a);
    expect(a.or(Q({}))).toBe(a);
    expect(Q().and(Q()).children).toEqual([]);
  });

  it('is frozen, and copies the conditions it was given', () => {
    const conditions: Record<string, unknown> = { a: 1 };
    const q = Q(conditions);
    conditions.a = 2;
    expect(q.children[0]).toEqual({ a: 1 });
    expect(Object.isFrozen(q)).toBe(true);
    expect(Object.isFrozen(q.children)).toBe(true);
    expect(Object.isFrozen(q.children[0])).toBe(true);
  });

  it('returns the same Q when given a Q', () => {
    const q = Q({ a: 1 });
    expect(Q(q)).toBe(q);
  });
});
