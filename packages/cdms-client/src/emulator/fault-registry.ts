import { CdmsEmulatorError } from './cdms-emulator-error';
import type { EmulatorFault, EmulatorFaultMatcher, EmulatorOperation } from './types';

/** What a fault matcher is tested against. @internal */
export interface FaultTarget {
  readonly method: string;
  /** The whole decoded URL path. */
  readonly pathname: string;
  /** The path after the service root, for data-service requests. */
  readonly relativePath?: string;
  readonly operation?: EmulatorOperation;
  readonly service?: string;
}

interface FaultRule {
  readonly matcher: EmulatorFaultMatcher;
  readonly fault: EmulatorFault;
  remaining: number;
}

function matchesPath(pattern: string | RegExp, target: FaultTarget): boolean {
  if (pattern instanceof RegExp) {
    pattern.lastIndex = 0;
    return pattern.test(target.pathname);
  }
  const relative = target.relativePath;
  return (
    target.pathname === pattern ||
    (relative !== undefined && (relative === pattern || relative.startsWith(`${pattern}(`)))
  );
}

function matches(matcher: EmulatorFaultMatcher, target: FaultTarget): boolean {
  return (
    (matcher.method === undefined || matcher.method.toUpperCase() === target.method) &&
    (matcher.operation === undefined || matcher.operation === target.operation) &&
    (matcher.service === undefined || matcher.service === target.service) &&
    (matcher.path === undefined || matchesPath(matcher.path, target))
  );
}

function isHttpStatus(status: number): boolean {
  return Number.isInteger(status) && status >= 100 && status <= 599;
}

function validate(fault: EmulatorFault): void {
  const invalid = (detail: string) =>
    new CdmsEmulatorError(500, `Invalid emulator fault ${JSON.stringify(fault)}: ${detail}`);
  switch (fault.type) {
    case 'latency':
      if (!(fault.ms >= 0)) throw invalid('ms must be a non-negative number');
      return;
    case 'status':
      if (!isHttpStatus(fault.status)) throw invalid('status must be an HTTP status');
      return;
    case 'applyThenFail':
      if (fault.status !== undefined && !isHttpStatus(fault.status)) {
        throw invalid('status must be an HTTP status');
      }
      return;
    case 'reset':
    case 'timeout':
      return;
    default:
      throw invalid('unknown type');
  }
}

/**
 * The injected faults of one emulator. `take` returns the faults a request suffers: every matching
 * `latency` fault, plus the first matching fault of another kind; each one counts down its `times`.
 *
 * @internal
 */
export class FaultRegistry {
  #rules: FaultRule[] = [];

  add(matcher: EmulatorFaultMatcher, fault: EmulatorFault): void {
    validate(fault);
    const times = matcher.times ?? Number.POSITIVE_INFINITY;
    if (!(times > 0))
      throw new CdmsEmulatorError(
        500,
        `Invalid emulator fault matcher: times must be positive, got ${times}`,
      );
    this.#rules.push({ matcher, fault, remaining: times });
  }

  clear(): void {
    this.#rules = [];
  }

  take(target: FaultTarget): EmulatorFault[] {
    const taken: FaultRule[] = [];
    let failure = false;
    for (const rule of this.#rules) {
      if (!matches(rule.matcher, target)) continue;
      if (rule.fault.type !== 'latency') {
        if (failure) continue;
        failure = true;
      }
      taken.push(rule);
    }
    for (const rule of taken) rule.remaining -= 1;
    this.#rules = this.#rules.filter((rule) => rule.remaining > 0);
    return taken.map((rule) => rule.fault);
  }
}
