import { stableStringify } from '@govledger/chaincode-common';
import fc from 'fast-check';
import { canonicalJson } from '../src/canonical-json';

describe('canonicalJson', () => {
  it('sorts keys at every level and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}',
    );
  });

  it('writes the same text whatever order the keys were set in', () => {
    expect(canonicalJson({ salt: 's', holder: {}, claims: {} })).toBe(
      canonicalJson({ claims: {}, holder: {}, salt: 's' }),
    );
  });

  it('sorts by UTF-16 code units, numeric-looking keys included, as the chaincodes do', () => {
    const value = { '10': 1, '2': 2, B: 3, a: 4, é: 5, '😀': 6, Z: 7 };
    expect(canonicalJson(value)).toBe(stableStringify(value));
    expect(canonicalJson(value)).toBe('{"10":1,"2":2,"B":3,"Z":7,"a":4,"é":5,"😀":6}');
  });

  it('leaves out undefined members, writes undefined array items as null, honours toJSON', () => {
    const value = { a: undefined, b: [undefined, 1], at: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)) };
    expect(canonicalJson(value)).toBe('{"at":"2026-01-02T03:04:05.000Z","b":[null,1]}');
    expect(canonicalJson(value)).toBe(stableStringify(value));
  });

  it('escapes strings and writes numbers exactly as JSON.stringify does', () => {
    const value = { s: 'quote " backslash \\ newline \n tab \t \u2028 \u0001', n: [0.1, -0, 1e21, 5e-7] };
    expect(canonicalJson(value)).toBe(stableStringify(value));
  });

  it('refuses values without JSON text and circular values', () => {
    expect(() => canonicalJson(undefined as unknown as object)).toThrow(TypeError);
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(() => canonicalJson(loop)).toThrow(/circular/);
  });

  it('equals the chaincode serialisation (json-stringify-deterministic) for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJson(value as object)).toBe(stableStringify(value));
      }),
      { numRuns: 500 },
    );
  });

  it('equals it for objects with undefined members and unicode keys', () => {
    const leaf = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.constant(undefined),
    );
    const tree = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        leaf,
        fc.array(tie('node'), { maxLength: 4 }),
        fc.dictionary(fc.string({ unit: 'binary', maxLength: 6 }), tie('node'), { maxKeys: 5 }),
      ),
    })).node;
    fc.assert(
      fc.property(fc.dictionary(fc.string({ unit: 'binary' }), tree, { maxKeys: 6 }), (value) => {
        expect(canonicalJson(value)).toBe(stableStringify(value));
      }),
      { numRuns: 300 },
    );
  });
});
