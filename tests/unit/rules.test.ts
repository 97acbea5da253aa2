import { describe, expect, it } from 'vitest';
import { quoted } from '../../src/errors.js';
import {
  charLength, checkImpactRules, contextProblem, normalizeHandle, parseContext, parseId, parseRelatedFiles, requireText,
} from '../../src/flags/rules.js';
import { refusal } from '../helpers/refusal.js';


describe('agent handles', () => {
  it('adds the @, trims and lower-cases', () => {
    expect(normalizeHandle('backend.api', 'x')).toBe('@backend.api');
    expect(normalizeHandle('  @Database.Postgres ', 'x')).toBe('@database.postgres');
    expect(normalizeHandle('code-reviewer', 'x')).toBe('@code-reviewer');
    expect(normalizeHandle('acolyte.user_profile', 'x')).toBe('@acolyte.user_profile');
  });

  it.each(['', '@', '@@a.b', 'a b', 'a..b', '.a', 'a.', 'a/b', "a'; DROP TABLE flags;--", 'x'.repeat(80), '@a.b.c.d.e'])(
    'refuses %j naming the field and the pattern',
    (bad) => {
      const err = refusal(() => normalizeHandle(bad, 'target_agent'));
      expect(err.details).toMatchObject({ field: 'target_agent', rule: 'handle_pattern' });
      expect(err.message).toContain('@domain.module');
    },
  );

  it('refuses non-strings', () => {
    expect(refusal(() => normalizeHandle(42, 'agent')).details).toMatchObject({ field: 'agent', rule: 'type' });
  });
});

describe('text lengths', () => {
  it('reports the current and required length', () => {
    const err = refusal(() => requireText('too short', 'change_description', 50));
    expect(err.details).toEqual({ field: 'change_description', rule: 'min_length', current_length: 9, required_length: 50 });
    expect(err.message).toContain('9 characters; at least 50');
  });

  it('counts characters, not UTF-16 units, and ignores surrounding space', () => {
    expect(charLength('🚀'.repeat(10))).toBe(10);
    // as the string iterator counts: lone surrogate halves count one each
    for (const odd of ['\ud83d', '\ud83dx', 'a\ude80b', '\ud83d\ud83d\ude80', '\ude80\ud83d']) expect(charLength(odd), JSON.stringify(odd)).toBe([...odd].length);
    expect(() => requireText('🚀'.repeat(49), 'f', 50)).toThrow(/49 characters/);
    expect(requireText(`  ${'é'.repeat(50)}  `, 'f', 50)).toBe('é'.repeat(50));
    expect(() => requireText(`${' '.repeat(60)}x`, 'f', 50)).toThrow(/1 characters/);
  });
});

describe('impact rules', () => {
  it.each([
    ['security', 'high', '@a.b', 'type_requires_critical'],
    ['data_loss', 'medium', '@a.b', 'type_requires_critical'],
    ['change', 'critical', '@a.b', 'critical_reserved'],
    ['new_feature', 'critical', '@a.b', 'critical_reserved'],
    ['breaking_change', 'low', '@a.b', 'low_not_allowed'],
    ['breaking_change', 'high', null, 'target_required'],
    ['security', 'critical', null, 'target_required'],
  ] as const)('%s at %s for %s is refused (%s)', (type, impact, target, rule) => {
    expect(refusal(() => checkImpactRules(type, impact, target)).details.rule).toBe(rule);
  });

  it.each([
    ['security', 'critical', '@a.b'],
    ['breaking_change', 'critical', '@a.b'],
    ['breaking_change', 'medium', null],
    ['refactor', 'low', null],
    ['information_request', 'high', '@a.b'],
  ] as const)('%s at %s for %s is accepted', (type, impact, target) => {
    expect(() => checkImpactRules(type, impact, target)).not.toThrow();
  });
});

describe('related files, context and ids', () => {
  it('accepts a list or a comma-separated string, trimmed and without duplicates', () => {
    expect(parseRelatedFiles('a.ts, b.ts,,a.ts ')).toEqual(['a.ts', 'b.ts']);
    expect(parseRelatedFiles(['x/y.ts', ' z.ts '])).toEqual(['x/y.ts', 'z.ts']);
    expect(parseRelatedFiles(undefined)).toEqual([]);
    expect(refusal(() => parseRelatedFiles([1])).details.field).toBe('related_files');
  });

  it('takes context as an object or JSON text, and refuses anything else', () => {
    expect(parseContext('{"ticket":"A-1"}')).toEqual({ ticket: 'A-1' });
    expect(parseContext({ a: [1] })).toEqual({ a: [1] });
    expect(refusal(() => parseContext('{oops')).details.rule).toBe('json');
    expect(refusal(() => parseContext('[1,2]')).details.rule).toBe('type');
    expect(refusal(() => parseContext({ big: 'x'.repeat(70_000) })).details.rule).toBe('max_bytes');
  });

  it('parses ids from numbers and "#12"-style strings only', () => {
    expect(parseId(12, 'id')).toBe(12);
    expect(parseId('#7', 'id')).toBe(7);
    for (const bad of [0, -1, 1.5, '1e3', 'abc', null, Number.MAX_SAFE_INTEGER + 2]) {
      expect(refusal(() => parseId(bad, 'id')).details).toMatchObject({ field: 'id', rule: 'positive_integer' });
    }
  });
});

describe('quoted (arguments shown in refusals)', () => {
  it('shows short values whole and cuts long ones, strings by characters and others as JSON', () => {
    expect(quoted('abc')).toBe('"abc"');
    expect(quoted('é'.repeat(100))).toBe(`"${'é'.repeat(60)}"... (100 characters)`);
    expect(quoted(12)).toBe('12');
    expect(quoted({ a: 'x'.repeat(100) })).toMatch(/^\{"a":"x+\.\.\. \(108 characters of JSON\)$/);
    expect(quoted(undefined)).toBe('undefined');
  });

  it('survives a value nested too deep for JSON.stringify', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(() => JSON.stringify(deep)).toThrow(RangeError);
    expect(quoted(deep)).toBe('an array too deeply nested to show');
  });
});

describe('context shape limits', () => {
  it('refuses a context nested past 16 levels, also given as JSON text (the CLI), without overflowing the stack', () => {
    let ok: Record<string, unknown> = { leaf: 1 };
    for (let i = 1; i < 16; i++) ok = { d: ok };
    expect(contextProblem(ok)).toBeNull();
    expect(parseContext(ok)).toBe(ok);
    expect(contextProblem({ d: ok })).toMatchObject({ rule: 'max_depth' });
    const text = '{"d":'.repeat(100_000) + '1' + '}'.repeat(100_000);
    expect(refusal(() => parseContext(text)).details).toMatchObject({ field: 'context', rule: 'max_depth' });
    let deep: unknown = 1;
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(refusal(() => parseContext({ deep })).details).toMatchObject({ field: 'context', rule: 'max_depth' });
  });

  it('refuses more than 2,000 values at any depth', () => {
    expect(contextProblem({ list: Array.from({ length: 1998 }, (_, i) => i) })).toBeNull(); // the object, the list and 1,998 numbers
    expect(contextProblem({ list: Array.from({ length: 1999 }, (_, i) => i) })).toMatchObject({ rule: 'max_values' });
    expect(refusal(() => parseContext({ list: Array.from({ length: 5000 }, () => 0) })).details).toMatchObject({ field: 'context', rule: 'max_values' });
  });
});
