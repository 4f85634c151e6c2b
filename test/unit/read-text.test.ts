import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readText } from '../../src/util/read-text.js';

describe('readText', () => {
  const dir = mkdtempSync(join(tmpdir(), 'read-text-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("gives what readFileSync(path, 'utf8') gives, for ASCII, UTF-8, a BOM and invalid bytes", () => {
    const contents: Buffer[] = [
      Buffer.from(''),
      Buffer.from('{"a":1}\nkey [1,2]\n\t\r\0\x7f'),
      Buffer.from('é ü 漢字 😀 \u2028'),
      Buffer.from('\ufeffSELECT 1'),
      Buffer.from([0x61, 0x80, 0xff, 0xc3, 0x28, 0xe2, 0x82, 0x62]),
      Buffer.from([0x61, 0xe9, 0x62]),
    ];
    contents.forEach((bytes, i) => {
      const file = join(dir, `f${i}`);
      writeFileSync(file, bytes);
      expect(readText(file)).toBe(readFileSync(file, 'utf8'));
    });
  });
});
