/** A browser and the system it runs on, as far as a `User-Agent` header tells. */
export interface DeviceDescription {
  /** e.g. "Firefox 128", "Chrome", or null when no known browser is named. */
  readonly browser: string | null;
  /** e.g. "Windows", "macOS", "Android", or null when unknown. */
  readonly system: string | null;
}

// Order matters: Edge and Opera also say "Chrome", Chrome also says "Safari", and every
// browser on iOS is Safari's engine while naming itself (CriOS, FxiOS, EdgiOS).
const BROWSERS: readonly (readonly [RegExp, string])[] = [
  [/\bEdg(?:e|A|iOS)?\/(\d+)/, 'Edge'],
  [/\b(?:OPR|Opera)\/(\d+)/, 'Opera'],
  [/\bSamsungBrowser\/(\d+)/, 'Samsung Internet'],
  [/\b(?:Firefox|FxiOS)\/(\d+)/, 'Firefox'],
  [/\bCriOS\/(\d+)/, 'Chrome'],
  [/\bHeadlessChrome\/(\d+)/, 'Headless Chrome'],
  [/\bChrom(?:e|ium)\/(\d+)/, 'Chrome'],
  [/\bVersion\/(\d+)[.\d]* (?:Mobile\/\S+ )?Safari\//, 'Safari'],
  [/\bcurl\/(\d+)/, 'curl'],
];

const SYSTEMS: readonly (readonly [RegExp, string])[] = [
  [/\b(?:iPhone|iPad|iPod)\b/, 'iOS'],
  [/\bAndroid\b/, 'Android'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bWindows\b/, 'Windows'],
  [/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
  [/\bLinux\b|\bX11\b/, 'Linux'],
];

/**
 * Names the browser and system of a session's `User-Agent` for people ("Firefox 128", "Windows").
 * Only the families a person would recognise; anything else stays null and the page shows the
 * raw header instead. Written here rather than taken from ua-parser-js: its current major is
 * AGPL, and the list needs only the browsers that open this app.
 */
export function describeUserAgent(userAgent: string | null): DeviceDescription {
  if (!userAgent) {
    return { browser: null, system: null };
  }
  let browser: string | null = null;
  for (const [pattern, name] of BROWSERS) {
    const match = pattern.exec(userAgent);
    if (match) {
      browser = `${name} ${match[1]}`;
      break;
    }
  }
  const system = SYSTEMS.find(([pattern]) => pattern.test(userAgent))?.[1] ?? null;
  return { browser, system };
}
