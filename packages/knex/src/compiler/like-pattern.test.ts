import { describe, expect, it } from 'vitest';
import { globPattern, likePattern } from './like-pattern';

describe('likePattern', () => {
  it('escapes the LIKE wildcards and the escape character', () => {
    expect(likePattern('50%_off!', 'contains')).toBe('%50!%!_off!!%');
    expect(likePattern('a\\b', 'startswith')).toBe('a\\b%');
    expect(likePattern('', 'endswith')).toBe('%');
  });
});

describe('globPattern', () => {
  it('turns the GLOB wildcards into one-character classes', () => {
    expect(globPattern('a*b?[c]', 'contains')).toBe('*a[*]b[?][[]c]*');
    expect(globPattern('x', 'startswith')).toBe('x*');
    expect(globPattern('x', 'endswith')).toBe('*x');
  });
});
