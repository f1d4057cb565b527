import type { FilterConditions } from './filter-types';

const Q_BRAND = Symbol.for('@cdms-sync/core.Q');

/** How a `Q` combines its children. */
export type QConnector = 'AND' | 'OR';

/** A child of a `Q`: a conditions object (its keys are ANDed) or a nested `Q`. */
export type QChild<T = unknown> = FilterConditions<T> | Q<T>;

/**
 * An immutable boolean combination of filter conditions (Django's `Q`). Each method returns a new `Q`.
 *
 * @example
 * const q = Q<Organisation>({ name__icontains: 'acme' }).or({ ukOrganisation: true }).not();
 * Organisation.objects.filter(q);
 * // $filter=not (substringof('acme', Name) or optevia_ukorganisation eq true)
 */
export interface Q<T = unknown> {
  /** Conditions objects (each one an AND of its keys) or nested `Q`s. */
  readonly children: readonly (Readonly<Record<string, unknown>> | Q<T>)[];
  readonly connector: QConnector;
  /** The whole combination is negated. */
  readonly negated: boolean;
  /** `this AND others…` (Django's `q1 & q2`). */
  and(...others: QChild<T>[]): Q<T>;
  /** `this OR others…` (Django's `q1 | q2`). */
  or(...others: QChild<T>[]): Q<T>;
  /** `NOT this` (Django's `~q`); `q.not().not()` is `q` again. */
  not(): Q<T>;
}

/**
 * Makes a `Q` from a conditions object (keys are ANDed). No `new`.
 *
 * @example
 * Q({ name: 'Acme' }).and(Q({ created__year: 2016 }).or({ ukOrganisation: false }));
 */
export function Q<T = unknown>(conditions: QChild<T> = {} as FilterConditions<T>): Q<T> {
  if (isQ<T>(conditions)) return conditions;
  return makeQ<T>(isEmptyConditions(conditions) ? [] : [freezeConditions(conditions)], 'AND', false);
}

/** True for a `Q` (from any copy of the package). */
export function isQ<T = unknown>(value: unknown): value is Q<T> {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[Q_BRAND] === true;
}

function makeQ<T>(
  children: readonly (Readonly<Record<string, unknown>> | Q<T>)[],
  connector: QConnector,
  negated: boolean,
): Q<T> {
  const q: Q<T> = {
    children: Object.freeze([...children]),
    connector,
    negated,
    and: (...others) => combine(q, others, 'AND'),
    or: (...others) => combine(q, others, 'OR'),
    not: () => makeQ(q.children, q.connector, !q.negated),
  };
  Object.defineProperty(q, Q_BRAND, { value: true });
  return Object.freeze(q);
}

/** Flattens children that already use the same connector, and drops empty operands (Django does too). */
function combine<T>(first: Q<T>, others: readonly QChild<T>[], connector: QConnector): Q<T> {
  const operands = [first, ...others.map((other) => Q<T>(other))].filter((q) => q.children.length > 0);
  if (operands.length === 0) return makeQ<T>([], 'AND', false);
  if (operands.length === 1) return operands[0]!;
  const children = operands.flatMap((q) =>
    !q.negated && (q.connector === connector || q.children.length === 1) ? q.children : [q],
  );
  return makeQ(children, connector, false);
}

function isEmptyConditions(conditions: object): boolean {
  return Object.keys(conditions).length === 0;
}

function freezeConditions(conditions: object): Readonly<Record<string, unknown>> {
  return Object.freeze({ ...(conditions as Record<string, unknown>) });
}
