import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EnrollError, StoreError } from '../../common/errors.js';
import { readKeyFile, writeKeyFile } from './keyFile.js';
import { newTemplateKey } from './templateCipher.js';
import type { NewTemplate } from './templateRecords.js';
import { TemplateStore } from './templateStore.js';

const conditions = { poseBin: 'frontal', yaw: 1, pitch: 2, roll: 0, luminance: 120, contrast: 40, sharpness: 300, faceSize: 110 };

/** An embedding like the engine's: 128 L2-normalised float32 values, distinct per seed. */
function embedding(seed: number): Float32Array {
  const v = Float32Array.from({ length: 128 }, (_, i) => Math.sin(seed * 7.3 + i * 0.37) + 0.01 * i);
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}
const template = (seed: number): NewTemplate => ({ embedding: embedding(seed), embedder: 'dlibResnet', source: 'images', conditions });

/** Every byte encoding an embedding could leak as: float32 and float64, little- and big-endian (first 6 values). */
function encodings(e: Float32Array): Buffer[] {
  const head = Array.from(e.slice(0, 6));
  const f32le = Buffer.alloc(24);
  const f32be = Buffer.alloc(24);
  const f64le = Buffer.alloc(48);
  const f64be = Buffer.alloc(48);
  head.forEach((x, i) => {
    f32le.writeFloatLE(x, i * 4);
    f32be.writeFloatBE(x, i * 4);
    f64le.writeDoubleLE(x, i * 8);
    f64be.writeDoubleBE(x, i * 8);
  });
  return [f32le, f32be, f64le, f64be];
}

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'facelock-store-'));
  file = join(dir, 'facelock.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('TemplateStore: templates, sealing and integrity', () => {
  it('stores several templates per user and opens them again, bit for bit, with their conditions', () => {
    const key = newTemplateKey();
    const store = TemplateStore.open(file, key);
    store.addUser('alice', [template(1), { ...template(2), conditions: { ...conditions, poseBin: 'left' } }]);
    store.addUser('bob', [template(3)]);
    store.close();
    const again = TemplateStore.open(file, key);
    const alice = again.templates('alice');
    expect(alice.map((t) => Array.from(t.embedding))).toEqual([Array.from(embedding(1)), Array.from(embedding(2))]);
    expect(again.listUsers()).toMatchObject([
      { name: 'alice', templates: 2, coverage: { frontal: 1, left: 1 } },
      { name: 'bob', templates: 1, coverage: { frontal: 1 } },
    ]);
    again.close();
  });

  it('never writes an embedding in plaintext: the database file and its WAL hold none of its encodings', () => {
    const store = TemplateStore.open(file, newTemplateKey());
    const seeds = [11, 12, 13, 14];
    store.addUser('carol', seeds.map(template));
    // before a checkpoint the pages are in the WAL; scan both while the database is open, then after closing
    const scan = (expectedFiles: number) => {
      const files = [file, `${file}-wal`, `${file}-shm`].filter(existsSync).map((f) => readFileSync(f));
      expect(files.length).toBe(expectedFiles);
      for (const s of seeds) for (const enc of encodings(embedding(s))) for (const bytes of files) expect(bytes.includes(enc)).toBe(false);
      // the probe itself works: an encoding is found where it is
      expect(Buffer.concat([Buffer.from('x'), encodings(embedding(11))[0] as Buffer]).includes(encodings(embedding(11))[0] as Buffer)).toBe(
        true,
      );
    };
    scan(3); // database, WAL and shared memory while open
    store.close();
    scan(1); // closing checkpoints the WAL into the database and removes it
  });

  it('turns one flipped ciphertext byte into an integrity error, not a wrong match', () => {
    const key = newTemplateKey();
    TemplateStore.open(file, key).addUser('dave', [template(5)]);
    const raw = new Database(file);
    const row = raw.prepare('SELECT id, ciphertext FROM templates').get() as { id: string; ciphertext: Buffer };
    row.ciphertext[17] = (row.ciphertext[17] ?? 0) ^ 0x01;
    raw.prepare('UPDATE templates SET ciphertext = ? WHERE id = ?').run(row.ciphertext, row.id);
    raw.close();
    const store = TemplateStore.open(file, key);
    expect(() => store.templates()).toThrow(StoreError);
    expect(() => store.templates()).toThrow(/failed its integrity check/);
  });

  it('refuses a template copied into another user', () => {
    const key = newTemplateKey();
    const store = TemplateStore.open(file, key);
    store.addUser('eve', [template(6)]);
    store.addUser('frank', [template(7)]);
    store.close();
    const raw = new Database(file);
    const eve = raw
      .prepare("SELECT t.iv, t.ciphertext, t.tag FROM templates t JOIN users u ON u.id = t.user_id WHERE u.name = 'eve'")
      .get() as Record<string, Buffer>;
    raw
      .prepare("UPDATE templates SET iv = ?, ciphertext = ?, tag = ? WHERE user_id = (SELECT id FROM users WHERE name = 'frank')")
      .run(eve.iv, eve.ciphertext, eve.tag);
    raw.close();
    const again = TemplateStore.open(file, key);
    expect(() => again.templates('frank')).toThrow(/template .* of user "frank" failed its integrity check/);
    expect(again.templates('eve')).toHaveLength(1);
  });
});

describe('TemplateStore: keys, removal and names', () => {
  it('refuses a wrong key with a clear error and changes nothing', () => {
    TemplateStore.open(file, newTemplateKey()).addUser('gina', [template(8)]);
    const before = sha(file);
    expect(() => TemplateStore.open(file, newTemplateKey())).toThrow(/is not the key database .* was sealed with .*nothing was changed/);
    expect(sha(file)).toBe(before);
  });

  it('re-seals every template under a new key in one rotation', () => {
    const oldKey = newTemplateKey();
    const store = TemplateStore.open(file, oldKey);
    store.addUser('hal', [template(9), template(10)]);
    const next = newTemplateKey();
    expect(store.rotateKey(next)).toBe(2);
    store.close();
    expect(() => TemplateStore.open(file, oldKey)).toThrow(StoreError);
    expect(TemplateStore.open(file, next).templates('hal')).toHaveLength(2);
  });

  it('removes a user so that neither the name nor the ciphertext can be found in the file', () => {
    const store = TemplateStore.open(file, newTemplateKey());
    store.addUser('ivan-the-removed', [template(20)]);
    store.addUser('judy', [template(21)]);
    const raw = new Database(file, { readonly: true });
    const cipher = (
      raw.prepare("SELECT ciphertext FROM templates t JOIN users u ON u.id = t.user_id WHERE u.name = 'ivan-the-removed'").get() as {
        ciphertext: Buffer;
      }
    ).ciphertext;
    raw.close();
    store.removeUser('ivan-the-removed');
    const bytes = Buffer.concat([readFileSync(file), existsSync(`${file}-wal`) ? readFileSync(`${file}-wal`) : Buffer.alloc(0)]);
    expect(bytes.includes(Buffer.from('ivan-the-removed'))).toBe(false);
    expect(bytes.includes(cipher)).toBe(false);
    expect(store.listUsers().map((u) => u.name)).toEqual(['judy']);
    expect(store.integrityCheck()).toBe('ok');
  });

  it('validates names: empty, too long, taken, unknown', () => {
    const store = TemplateStore.open(file, newTemplateKey());
    expect(() => store.addUser('', [template(1)])).toThrow(/empty/);
    expect(() => store.addUser('x'.repeat(65), [template(1)])).toThrow(/65 characters long; at most 64/);
    store.addUser('kim', [template(1)]);
    expect(() => store.addUser('kim', [template(2)])).toThrow(EnrollError);
    expect(() => store.removeUser('nobody')).toThrow(/no user named "nobody"/);
    expect(store.templates()).toHaveLength(1);
  });
});

describe('key from a systemd credential', () => {
  it('prefers $CREDENTIALS_DIRECTORY/facelock.key over the key file', async () => {
    const { openTemplateStore } = await import('./openStore.js');
    const dir = mkdtempSync(join(tmpdir(), 'facelock-cred-'));
    const creds = join(dir, 'credentials');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(creds);
    const credKey = newTemplateKey();
    writeKeyFile(join(creds, 'facelock.key'), credKey);
    writeKeyFile(join(dir, 'file.key'), newTemplateKey());
    const saved = process.env.CREDENTIALS_DIRECTORY;
    process.env.CREDENTIALS_DIRECTORY = creds;
    try {
      const store = openTemplateStore({ stateDir: join(dir, 'state'), keyFile: join(dir, 'file.key') });
      expect(store.keyId).toBe(credKey.id);
      store.close();
    } finally {
      if (saved === undefined) delete process.env.CREDENTIALS_DIRECTORY;
      else process.env.CREDENTIALS_DIRECTORY = saved;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('key file', () => {
  it('is written 0400, read back, and refused when others can read it or when one exists', () => {
    const dir = mkdtempSync(join(tmpdir(), 'facelock-key-'));
    const file = join(dir, 'facelock.key');
    const key = newTemplateKey();
    writeKeyFile(file, key);
    expect(readKeyFile(file).id).toBe(key.id);
    expect(() => writeKeyFile(file, newTemplateKey())).toThrow(/already exists/);
    chmodSync(file, 0o644);
    expect(() => readKeyFile(file)).toThrow(/mode 0644.*chmod 600/);
    expect(() => readKeyFile(join(dir, 'none.key'))).toThrow(/facelock key init/);
    rmSync(dir, { recursive: true, force: true });
  });
});
