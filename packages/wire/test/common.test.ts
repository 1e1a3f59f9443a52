import fc from 'fast-check';
import { DATE_RANGE_MESSAGE, Schemas, UNSAFE_TEXT_MESSAGE, isSafeText, toUtcDateTime } from '../src/common';
import { LicencePrivateTransient } from '../src/e-licence';

/** The first issue's path and message of a failed parse. */
function issue(
  schema: {
    safeParse(v: unknown): {
      success: boolean;
      error?: { issues: { path: PropertyKey[]; message: string }[] };
    };
  },
  value: unknown,
) {
  const r = schema.safeParse(value);
  if (r.success) return undefined;
  const first = r.error?.issues[0];
  return { path: first?.path ?? [], message: first?.message };
}

// every character the text rule refuses, one of each kind
const UNSAFE = [
  '\u0000', // NUL
  '\u0009', // tab (C0)
  '\u000A', // newline (C0)
  '\u001B', // escape (C0)
  '\u007F', // delete
  '\u0085', // next line (C1)
  '\u009B', // CSI (C1)
  '\u200B', // zero-width space
  '\u200D', // zero-width joiner
  '\u200E', // left-to-right mark
  '\u200F', // right-to-left mark
  '\u202A', // LRE
  '\u202E', // RLO (bidi override)
  '\u2066', // LRI
  '\u2069', // PDI
  '\uFEFF', // zero-width no-break space / BOM
];

/** Written out by code point, independently of UNSAFE_TEXT. */
function isControlOrInvisible(c: string): boolean {
  const n = c.codePointAt(0) ?? 0;
  return (
    n <= 0x1f ||
    (n >= 0x7f && n <= 0x9f) ||
    (n >= 0x200b && n <= 0x200f) ||
    (n >= 0x202a && n <= 0x202e) ||
    (n >= 0x2066 && n <= 0x2069) ||
    n === 0xfeff
  );
}

describe('Schemas.text and Schemas.value: no control, bidi or zero-width characters', () => {
  it('accepts ordinary text in any script, punctuation and emoji', () => {
    for (const ok of [
      'Riverside Fresh Foods Ltd',
      'Zhang Wei 张伟',
      'Müller & Söhne, 88 Road',
      'שלום',
      '👍 ok',
    ]) {
      expect(Schemas.text(100).parse(ok)).toBe(ok);
      expect(Schemas.value(100).parse(ok)).toBe(ok);
    }
    expect(Schemas.value(10).parse('')).toBe('');
    expect(Schemas.text(10).safeParse('').success).toBe(false);
  });

  it.each(UNSAFE.map((c) => [c.codePointAt(0)?.toString(16).padStart(4, '0'), c]))(
    'refuses U+%s anywhere in the text with the stable message',
    (_hex, c) => {
      for (const s of [`${c}Acme`, `Ac${c}me`, `Acme${c}`]) {
        expect(issue(Schemas.text(100), s)).toEqual({ path: [], message: UNSAFE_TEXT_MESSAGE });
        expect(issue(Schemas.value(100), s)).toEqual({ path: [], message: UNSAFE_TEXT_MESSAGE });
      }
    },
  );

  it("names the field in the error path (a holder's name in the private record)", () => {
    const r = issue(LicencePrivateTransient, {
      holder: { legalName: 'Acme\u202Egnp.exe' },
      claims: {},
      salt: 'a'.repeat(64),
    });
    expect(r).toEqual({ path: ['holder', 'legalName'], message: UNSAFE_TEXT_MESSAGE });
  });

  it('property: a string is accepted exactly when it holds no unsafe character', () => {
    const chars = fc.oneof(
      fc.constantFrom(...UNSAFE),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
      fc.integer({ min: 0, max: 0x2fff }).map((n) => String.fromCodePoint(n)),
    );
    fc.assert(
      fc.property(fc.array(chars, { minLength: 1, maxLength: 20 }), (parts) => {
        const s = parts.join('');
        const expected = ![...s].some((c) => UNSAFE.includes(c) || isControlOrInvisible(c));
        expect(isSafeText(s)).toBe(expected);
        expect(Schemas.value(1000).safeParse(s).success).toBe(expected);
      }),
    );
  });
});

describe('Schemas.isoDateTime: RFC 3339, UTC out, plausible years', () => {
  it('keeps a UTC value unchanged', () => {
    for (const v of [
      '2026-01-31T00:00:00Z',
      '2026-11-22T12:00:00.000Z',
      '1900-01-01T00:00:00Z',
      '2200-12-31T23:59:59.999999Z',
    ])
      expect(Schemas.isoDateTime.parse(v)).toBe(v);
  });

  it('applies an offset and answers UTC with Z, keeping the fraction', () => {
    expect(Schemas.isoDateTime.parse('2026-01-31T00:30:00+01:00')).toBe('2026-01-30T23:30:00Z');
    expect(Schemas.isoDateTime.parse('2026-01-31T08:00:00.250+08:00')).toBe('2026-01-31T00:00:00.250Z');
    expect(Schemas.isoDateTime.parse('2026-12-31T20:00:00-05:30')).toBe('2027-01-01T01:30:00Z');
    expect(Schemas.isoDateTime.parse('2024-03-01T00:00:00+00:00')).toBe('2024-03-01T00:00:00Z');
  });

  it('refuses years outside 1900-2200, after the offset is applied', () => {
    for (const v of [
      '0000-01-01T00:00:00Z',
      '1899-12-31T23:59:59Z',
      '2201-01-01T00:00:00Z',
      '9999-12-31T23:59:59Z',
      '1900-01-01T00:30:00+01:00',
    ])
      expect(issue(Schemas.isoDateTime, v)).toEqual({ path: [], message: DATE_RANGE_MESSAGE });
    expect(issue(Schemas.isoDateTime, '2200-12-31T23:30:00-00:30')).toEqual({
      path: [],
      message: DATE_RANGE_MESSAGE,
    });
  });

  it('refuses what is not an RFC 3339 date-time', () => {
    for (const v of [
      '2026-02-30T00:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-01-31',
      '2026-01-31T00:00:00',
      '2026-01-31 00:00:00Z',
      '2026-01-31T24:00:00Z',
      'yesterday',
      20260131,
    ])
      expect(Schemas.isoDateTime.safeParse(v).success).toBe(false);
  });

  it('property: an offset value names the same instant as its UTC form', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1901-01-02T00:00:00Z'),
          max: new Date('2199-12-30T00:00:00Z'),
          noInvalidDate: true,
        }),
        fc.integer({ min: -14 * 60, max: 14 * 60 }),
        (date, offsetMinutes) => {
          const local = new Date(date.getTime() + offsetMinutes * 60_000).toISOString().slice(0, 19);
          const sign = offsetMinutes < 0 ? '-' : '+';
          const abs = Math.abs(offsetMinutes);
          const zone = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
          const utc = Schemas.isoDateTime.parse(`${local}${zone}`);
          expect(utc).toMatch(/Z$/);
          expect(Date.parse(utc)).toBe(Math.floor(date.getTime() / 1000) * 1000);
          expect(toUtcDateTime(utc)).toBe(utc);
        },
      ),
    );
  });
});

describe('Schemas.isoDate and birth dates in a holder record', () => {
  it('takes a calendar date in 1900-2200 and refuses anything else', () => {
    for (const ok of ['1900-01-01', '1990-02-28', '2000-02-29', '2200-12-31'])
      expect(Schemas.isoDate.parse(ok)).toBe(ok);
    for (const bad of [
      '1899-12-31',
      '2201-01-01',
      '0000-01-01',
      '9999-12-31',
      '1990-02-30',
      '1990-2-3',
      '1990-01-01T00:00:00Z',
    ])
      expect(Schemas.isoDate.safeParse(bad).success).toBe(false);
  });

  it("refuses a holder's implausible birth date at holder.<field>, and leaves other fields free", () => {
    const record = (holder: Record<string, string>) => ({ holder, claims: {}, salt: 'a'.repeat(64) });
    expect(issue(LicencePrivateTransient, record({ dateOfBirth: '0001-01-01' }))?.path).toEqual([
      'holder',
      'dateOfBirth',
    ]);
    expect(issue(LicencePrivateTransient, record({ birthDate: '1990-13-01' }))?.path).toEqual([
      'holder',
      'birthDate',
    ]);
    expect(
      LicencePrivateTransient.safeParse(record({ dateOfBirth: '1990-05-01', note: 'anything' })).success,
    ).toBe(true);
  });
});
