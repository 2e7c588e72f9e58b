/**
 * Market data (docs/registration.md): every market-specific value lives here as data,
 * not in rule code. A deployment for another market edits these tables, not the rules.
 */

export interface Market {
  /** ISO 3166-1 alpha-2, or the user-assigned `XN` for Northern Cyprus (D-R6). */
  readonly code: string;
  readonly name: string;
  /**
   * Fixed offset east of UTC in minutes, used for "today" in this market (age, warranty, money-back,
   * business days). Standard time; daylight saving is not modelled (our choice: at most one hour
   * around midnight differs). Kazakhstan is UTC+5 since March 2024 (D-R7).
   */
  readonly utcOffsetMin: number;
  /** in most markets the user keeps the replaced component; `false` = must return it. */
  readonly keepsReplacedComponent: boolean;
}

/** R-22 covered-country list, 46 entries as published, in the published order. */
const COVERED: readonly (readonly [string, string, number])[] = [
  ['DK', 'Denmark', 60],
  ['FR', 'France', 60],
  ['DE', 'Germany', 60],
  ['GR', 'Greece', 120],
  ['IT', 'Italy', 60],
  ['LT', 'Lithuania', 120],
  ['MC', 'Monaco', 60],
  ['NL', 'Netherlands', 60],
  ['PL', 'Poland', 60],
  ['PT', 'Portugal', 0],
  ['RO', 'Romania', 120],
  ['ES', 'Spain', 60],
  ['CH', 'Switzerland', 60],
  ['GB', 'United Kingdom', 0],
  ['BG', 'Bulgaria', 120],
  ['SI', 'Slovenia', 60],
  ['CZ', 'Czech Republic', 60],
  ['SK', 'Slovakia', 60],
  ['LV', 'Latvia', 120],
  ['CY', 'Cyprus (Greek Cypriot part)', 120],
  ['HR', 'Croatia', 60],
  ['AD', 'Andorra', 60],
  ['AL', 'Albania', 60],
  ['BA', 'Bosnia and Herzegovina', 60],
  ['SE', 'Sweden', 60],
  ['AM', 'Armenia', 240],
  ['IL', 'Israel', 120],
  ['KZ', 'Kazakhstan', 300],
  ['RU', 'Russia', 180],
  ['RS', 'Serbia', 60],
  ['UA', 'Ukraine', 120],
  ['MD', 'Moldova', 120],
  ['JP', 'Japan', 540],
  ['NZ', 'New Zealand', 720],
  ['KR', 'South Korea', 540],
  ['MY', 'Malaysia', 480],
  ['ID', 'Indonesia', 420],
  ['PS', 'Palestine', 120],
  ['ZA', 'South Africa', 120],
  // D-R6: Northern Cyprus has no ISO 3166-1 code; XN is in the user-assigned range (XA–XZ).
  ['XN', 'Northern Cyprus', 120],
  ['RE', 'Réunion', 240],
  ['CA', 'Canada', -300],
  ['CO', 'Colombia', -300],
  ['CW', 'Curaçao', -240],
  ['GT', 'Guatemala', -360],
  ['DO', 'Dominican Republic', -240],
];

/**
 * Markets that require the replaced component back (R-24 "some markets"). The pages name none; our
 * default keeps the flag false for one example market so the behaviour is exercised.
 */
const RETURN_REPLACED: ReadonlySet<string> = new Set(['JP']);

export const COVERED_COUNTRIES: readonly string[] = COVERED.map(([code]) => code);

export const MARKETS: ReadonlyMap<string, Market> = new Map(
  COVERED.map(([code, name, utcOffsetMin]) => [
    code,
    { code, name, utcOffsetMin, keepsReplacedComponent: !RETURN_REPLACED.has(code) },
  ]),
);

/**
 * Countries where IQOS is available for residence and registration (R-22 (1), (2)). The pages give
 * no separate list; our default is the covered list.
 */
export const IQOS_COUNTRIES: ReadonlySet<string> = new Set(COVERED_COUNTRIES);

export function market(code: string): Market | undefined {
  return MARKETS.get(code);
}

/** Offset of a country's "today"; UTC for a country we hold no data for. */
export function utcOffsetOf(country: string): number {
  return MARKETS.get(country)?.utcOffsetMin ?? 0;
}

/** R-24 helpline numbers. */
export const INTERNATIONAL_ASSISTANCE = {
  helpline: '+800 2559 2559',
  fallbackHelpline: '+41 21 547 88 88',
  /** a replacement ships within 1–4 business days. */
  shipWithinBusinessDays: { min: 1, max: 4 },
} as const;

/** R-26, D-R7, D-R8: the messenger channel's service hours and reply target. */
export const CARE_CHANNEL = {
  /** Astana, UTC+5 (D-R7). */
  utcOffsetMin: 300,
  /** Monday = 1 … Friday = 5. */
  weekdays: [1, 2, 3, 4, 5] as readonly number[],
  openMin: 10 * 60,
  closeMin: 22 * 60,
  /** D-R8: counted in service minutes only. */
  replyTargetMin: 120,
  /** */
  healthPhoneLine: '8 800 080 1221',
  /** */
  retentionMonths: 36,
} as const;

/** rapid replacement; "next day delivery if ordered by 20:00" (one market), as our default. */
export const RAPID_REPLACEMENT = { cutoffMin: 20 * 60, deliveryBusinessDays: 1 } as const;

/** periods. */
export const PERIODS = {
  warrantyMonths: 12,
  accidentalCoverageMonths: 12,
  programMonths: 12,
  moneyBackDays: 60,
  adultYears: 18,
} as const;

/** what an activated Customer Benefit Program brings. */
export const PROGRAM_BENEFITS: readonly string[] = [
  'accidental-damage-coverage',
  'personal-iqos-expert',
  'early-news-and-offers',
  'international-assistance',
  'accessories-discount-10-percent',
];

/** what a registered device brings. */
export const REGISTRATION_BENEFITS: readonly string[] = [
  'money-back-60-days',
  'warranty-replacement',
  'international-support',
  'personal-iqos-expert',
];
