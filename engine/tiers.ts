// The four warning tiers of China's emergency law, lowest first, with their CAP severities.

export const TIERS = ['blue', 'yellow', 'orange', 'red'] as const;
export type Tier = (typeof TIERS)[number];

export const TIER_INFO: Record<Tier, { level: string; zh: string; severity: string }> = {
  blue: { level: 'IV', zh: '蓝色', severity: 'Minor' },
  yellow: { level: 'III', zh: '黄色', severity: 'Moderate' },
  orange: { level: 'II', zh: '橙色', severity: 'Severe' },
  red: { level: 'I', zh: '红色', severity: 'Extreme' },
};

/** 0 for no warning, 1 (Blue) to 4 (Red). */
export const tierRank = (t: Tier | null): number => (t === null ? 0 : TIERS.indexOf(t) + 1);

export const tierLabel = (t: Tier | null): string =>
  t === null ? 'none' : `${t[0]!.toUpperCase()}${t.slice(1)} ${TIER_INFO[t].level}`;
