// Distances as rule authors write them: "200m", "1.5km", "2nmi" (nautical miles, as mariners count).

const UNIT_M: Record<string, number> = { m: 1, km: 1000, nmi: 1852 };

/** Metres, or undefined when the text is not a distance. */
export function parseDistance(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(m|km|nmi)$/.exec(text.trim());
  return m ? Number(m[1]) * UNIT_M[m[2]!]! : undefined;
}

export const formatDistance = (m: number): string => (m >= 1000 ? `${Number((m / 1000).toFixed(2))} km` : `${Math.round(m)} m`);
