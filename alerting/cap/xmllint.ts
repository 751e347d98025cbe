// Test support: check XML with xmllint (Debian's libxml2-utils), well-formedness alone or against an
// XML schema, all documents in one run so the tests stay fast.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The OASIS CAP 1.2 schema, a copy of shared/cap/CAP-v1.2.xsd kept beside the tests. */
export const CAP_XSD = fileURLToPath(new URL('./CAP-v1.2.xsd', import.meta.url));

/** What xmllint says is wrong with the documents, or undefined when it finds nothing. Throws if xmllint cannot run. */
export function xmllintErrors(documents: readonly string[], schema?: string): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'seed-cap-'));
  try {
    const files = documents.map((xml, i) => {
      const file = join(dir, `${i}.xml`);
      writeFileSync(file, xml);
      return file;
    });
    execFileSync('xmllint', ['--noout', ...(schema ? ['--schema', schema] : []), ...files], { stdio: 'pipe' });
    return undefined;
  } catch (e) {
    const { status, stderr } = e as { status?: number | null; stderr?: Buffer };
    if (typeof status !== 'number') throw e;
    return stderr?.toString() || `xmllint exited with ${status}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
