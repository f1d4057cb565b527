import type { EmulatorOperation } from './types';

/** What a data-service request addresses. @internal */
export interface ServiceRoute {
  readonly operation: EmulatorOperation | undefined;
  /** The entity set segment, when there is one (it may not exist). */
  readonly setName?: string;
  /** The text inside the parentheses of `Set(…)`, when present. */
  readonly key?: string;
  /** Segments after `Set(…)` (`/Name`, `/$links/…`): unsupported by the emulator. */
  readonly rest?: string;
  /** `merge` for MERGE, `replace` for PUT. */
  readonly updateMode?: 'merge' | 'replace';
}

const SEGMENT = /^([A-Za-z_][A-Za-z0-9_]*)(?:\(([^)]*)\))?(\/.*)?$/;

/**
 * Reads the path relative to the service root (`AccountSet(guid'…')`) and the effective method
 * (`POST` + `X-HTTP-Method: MERGE` is an update) into the operation. Never throws: the request
 * log and the fault matchers use it before the request is validated.
 *
 * @internal
 */
export function routeServiceRequest(relativePath: string, method: string): ServiceRoute {
  const path = relativePath.replace(/^\/+/, '');
  if (path === '') return { operation: 'service' };
  if (path === '$metadata') return { operation: 'metadata' };
  const match = SEGMENT.exec(path);
  if (match === null) return { operation: undefined };
  const [, setName = '', key, rest] = match;
  const withKey = key !== undefined;
  const base = { setName, ...(withKey ? { key } : {}), ...(rest === undefined ? {} : { rest }) };
  switch (method) {
    case 'GET':
      return { ...base, operation: withKey ? 'get' : 'list' };
    case 'POST':
      return { ...base, operation: withKey ? undefined : 'create' };
    case 'MERGE':
      return { ...base, operation: withKey ? 'update' : undefined, updateMode: 'merge' };
    case 'PUT':
      return { ...base, operation: withKey ? 'update' : undefined, updateMode: 'replace' };
    case 'DELETE':
      return { ...base, operation: withKey ? 'delete' : undefined };
    default:
      return { ...base, operation: undefined };
  }
}

/** The method a request stands for: `X-HTTP-Method` (MERGE, PUT, DELETE) tunnelled through POST. @internal */
export function effectiveMethod(method: string, methodOverride: string | undefined): string {
  const upper = method.toUpperCase();
  if (upper === 'POST' && methodOverride !== undefined && methodOverride !== '')
    return methodOverride.toUpperCase();
  return upper;
}
