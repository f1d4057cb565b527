import type { FilterConditions } from './filter-types';

const Q_BRAND = Symbol.for('@cdms-sync/core.Q');

/** How a `Q` combines its children. */
export type QConnector = 'AND' | 'OR';

/** What `Q()` is called for when no model is known: a placeholder model, never a real one. */
declare const UNBOUND_MODEL: unique symbol;
/** The placeholder model of a `Q()` built where no model is known (type only). */
type UnboundModel = typeof UNBOUND_MODEL;

/** Type-only key of the conditions an `UnboundQ` remembers (no such property exists at runtime). */
declare const UNBOUND_CONDITIONS: unique symbol;

/**
 * A child of a `Q`, and an operand of `and()` / `or()`: a conditions object (its keys are ANDed), a
 * nested `Q`, or a `Q` built without a model whose conditions fit `T`.
 */
export type QChild<T = unknown> = FilterConditions<T> | Q<T> | UnboundQFor<T>;

/** A `Q` as a node of the tree, whatever its model: what `children` holds at runtime. */
export interface QNode {
  readonly children: readonly (Readonly<Record<string, unknown>> | QNode)[];
  readonly connector: QConnector;
  readonly negated: boolean;
}

/**
 * An immutable boolean combination of filter conditions (Django's `Q`). Each method returns a new `Q`.
 *
 * `T` is the model instance type; `Q({…})` infers it from where it is used (`filter(Q({…}))`,
 * `q.or(Q({…}))`), so a misspelt field is a compile error there. A `Q` built where no model is known
 * is an {@link UnboundQ}, checked where it is used.
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
 * A `Q` built where no model is known yet: `const q = Q({ name: 'Acme' })`, or the start of a chain
 * `Q({…}).or(Q({…}))`. It is the same object at runtime; its type remembers the conditions `C` (a
 * union of conditions objects) and their keys `K`, so that `filter()`, `exclude()`, `get()` and
 * `Q<Model>.and/or` check them against the model: a misspelt field or a wrongly typed value is a
 * compile error where the `Q` is used.
 *
 * @example
 * const either = Q({ name: 'Acme' }).or(Q({ ukOrganisation: true })); // UnboundQ<{ name: 'Acme' } | { ukOrganisation: true }>
 * Organisation.objects.filter(either); // ok: $filter=Name eq 'Acme' or optevia_ukorganisation eq true
 * Organisation.objects.filter(Q({ nmae: 'Acme' }).or({ ukOrganisation: true })); // compile error: nmae
 */
export interface UnboundQ<C = object, K extends PropertyKey = KeysOf<C>> extends QNode {
  /** Type-only: the conditions and keys to check where this `Q` is used. */
  readonly [UNBOUND_CONDITIONS]: { readonly keys: K; readonly conditions: C };
  /** `this AND others…` (Django's `q1 & q2`). */
  and<const D extends readonly object[]>(...others: D): UnboundQ<C | ConditionsOf<D[number]>>;
  /** `this OR others…` (Django's `q1 | q2`). */
  or<const D extends readonly object[]>(...others: D): UnboundQ<C | ConditionsOf<D[number]>>;
  /** `NOT this` (Django's `~q`). */
  not(): UnboundQ<C, K>;
}

/** The `UnboundQ`s that fit model `T`: only its filter keys, with values of the right types. */
export type UnboundQFor<T> = UnboundQ<FilterConditions<T>, keyof FilterConditions<T>>;

/** Every key of every member of a union of conditions objects. */
type KeysOf<C> = C extends unknown ? keyof C : never;

/** The conditions a `Q()` / `and()` / `or()` operand contributes to an `UnboundQ`. */
type ConditionsOf<D> =
  D extends UnboundQ<infer C, PropertyKey> ? C : D extends Q<infer T> ? FilterConditions<T> : D;

/**
 * Makes a `Q` from a conditions object (keys are ANDed). No `new`.
 *
 * The model is inferred from where the `Q` is used (the conditions are not an inference site, so a
 * misspelt key cannot widen it): `Organisation.objects.filter(Q({ name__icontains: 'acme' }))` checks
 * the keys against `Organisation`. Without such a context (`const q = Q({…})`, the start of a
 * chain), the result is an {@link UnboundQ}, checked where it is used. `Q<Organisation>({…})` names
 * the model explicitly; `Q<unknown>({…})` accepts any keys.
 *
 * @example
 * Organisation.objects.filter(Q({ name: 'Acme' }).and(Q({ created__year: 2016 }).or({ ukOrganisation: false })));
 * // $filter=Name eq 'Acme' and (year(CreatedOn) eq 2016 or optevia_ukorganisation eq false)
 */
export function Q<T = UnboundModel, const C extends object = object>(
  conditions?: [T] extends [UnboundModel] ? C : NoInfer<QChild<T>>,
): [T] extends [UnboundModel] ? UnboundQ<ConditionsOf<C>> : Q<T>;
export function Q(conditions: object = {}): QNode {
  return toQ(conditions);
}

/** True for a `Q` (from any copy of the package). */
export function isQ<T = unknown>(value: unknown): value is Q<T> {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[Q_BRAND] === true;
}

/** True for a `Q` of any model, bound or not (narrows a `conditions | QNode` union). @internal */
export function isQNode(value: unknown): value is QNode {
  return isQ(value);
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
function combine<T>(first: Q<T>, others: readonly object[], connector: QConnector): Q<T> {
  const operands = [first, ...others.map((other) => toQ<T>(other))].filter((q) => q.children.length > 0);
  if (operands.length === 0) return makeQ<T>([], 'AND', false);
  if (operands.length === 1) return operands[0]!;
  const children = operands.flatMap((q) =>
    !q.negated && (q.connector === connector || q.children.length === 1) ? q.children : [q],
  );
  return makeQ(children, connector, false);
}

/** A `Q` as is, or a new `Q` of a conditions object. */
function toQ<T>(conditions: object): Q<T> {
  if (isQ<T>(conditions)) return conditions;
  return makeQ<T>(isEmptyConditions(conditions) ? [] : [freezeConditions(conditions)], 'AND', false);
}

function isEmptyConditions(conditions: object): boolean {
  return Object.keys(conditions).length === 0;
}

function freezeConditions(conditions: object): Readonly<Record<string, unknown>> {
  return Object.freeze({ ...(conditions as Record<string, unknown>) });
}
