import { closeSync, mkdirSync, openSync, readFileSync, readSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { Snapshot } from '../snapshot/snapshot.js';
import { decodeSnapshot } from './state-database.js';

/** Bumped whenever the file's layout changes. */
const FORMAT = 'kept-snapshots-1';

/** The most payloads kept; the oldest go first (about 1.5 KB each for small models). */
const MAX_SNAPSHOTS = 50_000;

interface Header {
  format: string;
  /** Each payload's id, and where its bytes are after the header. */
  index: [string, number, number][];
}

/**
 * Snapshot payloads exactly as state stores them, kept by the applies that insert them
 * (`.planner/cache/snapshots.cache`), for a plan from recorded reads that needs one whole:
 * what a changed model replaces. Nothing here is trusted by itself; recorded-reads.ts uses
 * a payload only where its head is the head state holds for that id.
 *
 * The file is a 4-byte header length, the header (ids and where each payload lies), then the
 * payloads: a plan reads the header and the one payload it needs, never the whole file.
 * Neither reading nor writing ever fails a command: it only costs a later plan its time.
 */
export class KeptSnapshots {
  constructor(private readonly file: string) {}

  /** Adds these snapshots (replacing any kept under their ids). */
  remember(snapshots: readonly Snapshot[]): void {
    if (!snapshots.length) return;
    try {
      const kept = this.readAll();
      for (const s of snapshots) {
        kept.delete(s.id);
        kept.set(s.id, Buffer.from(JSON.stringify(s)));
      }
      for (const id of kept.keys()) {
        if (kept.size <= MAX_SNAPSHOTS) break;
        kept.delete(id);
      }
      const index: Header['index'] = [];
      let at = 0;
      for (const [id, bytes] of kept) {
        index.push([id, at, bytes.length]);
        at += bytes.length;
      }
      const header = serialize({ format: FORMAT, index } satisfies Header);
      const length = Buffer.alloc(4);
      length.writeUInt32LE(header.length);
      mkdirSync(dirname(this.file), { recursive: true });
      const temp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(temp, Buffer.concat([length, header, ...kept.values()]));
      renameSync(temp, this.file);
    } catch {
      // Only a later plan's time depends on it.
    }
  }

  /** A reader of kept payloads, decoded as state decodes them; it reads the file's header on its first use. */
  reader(): (id: string) => Snapshot | undefined {
    let header: { start: number; index: Map<string, [number, number]> } | null | undefined;
    return (id) => {
      header ??= this.readHeader();
      const at = header?.index.get(id);
      if (!header || !at) return undefined;
      try {
        const fd = openSync(this.file, 'r');
        try {
          const bytes = Buffer.alloc(at[1]);
          readSync(fd, bytes, 0, at[1], header.start + at[0]);
          return decodeSnapshot({ id, payload: bytes.toString('utf8') });
        } finally {
          closeSync(fd);
        }
      } catch {
        return undefined;
      }
    };
  }

  /** Where the payloads start and where each lies; null if the file is missing or of another format. */
  private readHeader(): { start: number; index: Map<string, [number, number]> } | null {
    try {
      const fd = openSync(this.file, 'r');
      try {
        const length = Buffer.alloc(4);
        readSync(fd, length, 0, 4, 0);
        const header = Buffer.alloc(length.readUInt32LE());
        readSync(fd, header, 0, header.length, 4);
        const parsed = deserialize(header) as Header;
        if (parsed?.format !== FORMAT) return null;
        return { start: 4 + header.length, index: new Map(parsed.index.map(([id, offset, size]) => [id, [offset, size]])) };
      } finally {
        closeSync(fd);
      }
    } catch {
      return null;
    }
  }

  /** Every kept payload's bytes, by id, oldest first; none if the file is missing or of another format. */
  private readAll(): Map<string, Buffer> {
    try {
      const file = readFileSync(this.file);
      const start = 4 + file.readUInt32LE(0);
      const header = deserialize(file.subarray(4, start)) as Header;
      if (header?.format !== FORMAT) return new Map();
      return new Map(header.index.map(([id, offset, size]) => [id, file.subarray(start + offset, start + offset + size)]));
    } catch {
      return new Map();
    }
  }
}
