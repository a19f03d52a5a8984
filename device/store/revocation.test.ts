import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../common/logger.js';
import { EnrolledTemplates } from './enrolledTemplates.js';
import { MIGRATIONS } from './migrations.js';
import { newTemplateKey, sealEmbedding, templateAadV1 } from './templateCipher.js';
import type { NewTemplate } from './templateRecords.js';
import { TemplateStore } from './templateStore.js';

const conditions = { poseBin: 'frontal', yaw: 1, pitch: 2, roll: 0, luminance: 120, contrast: 40, sharpness: 300, faceSize: 110 };
const embedding = (seed: number) => Float32Array.from({ length: 8 }, (_, i) => Math.sin(seed + i));
const template = (seed: number): NewTemplate => ({ embedding: embedding(seed), embedder: 'faceplugin', source: 'images', conditions });

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'facelock-revoke-'));
  file = join(dir, 'facelock.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('revocation: what the store holds now is what the door matches', () => {
  it('never gives a removed user’s id to a new user', () => {
    const store = TemplateStore.open(file, newTemplateKey());
    const alice = store.addUser('alice', [template(1)]);
    store.removeUser('alice');
    const bob = store.addUser('bob', [template(2)]);
    expect(bob.id).not.toBe(alice.id);
    expect(bob.id).toBeGreaterThan(alice.id);
    store.close();
  });

  it('refuses a removed user’s sealed template put back under another user: the seal is bound to the user’s uid', () => {
    const key = newTemplateKey();
    const store = TemplateStore.open(file, key);
    store.addUser('alice', [template(1)]);
    const raw = new Database(file);
    const row = raw.prepare('SELECT * FROM templates').get() as Record<string, unknown>;
    store.removeUser('alice');
    const bob = store.addUser('bob', [template(2)]);
    // an attacker with write access to the file puts Alice's row back, pointing at Bob (even at Bob's very id)
    raw
      .prepare(
        `INSERT INTO templates (id, user_id, created_at, embedder, dims, key_id, iv, ciphertext, tag, source, pose_bin, yaw, pitch, roll, luminance, contrast, sharpness, face_size)
       VALUES (@id, ${bob.id}, @created_at, @embedder, @dims, @key_id, @iv, @ciphertext, @tag, @source, @pose_bin, @yaw, @pitch, @roll, @luminance, @contrast, @sharpness, @face_size)`,
      )
      .run(row);
    raw.close();
    expect(() => store.templates()).toThrow(/failed its integrity check/);
    store.close();
  });

  it('moves a database of the first schema to uid-bound seals once, and never accepts a first-schema seal again', () => {
    const key = newTemplateKey();
    // a database as facelock wrote it before: schema 4, templates bound to the user's row id
    const old = new Database(file);
    for (let v = 0; v < 4; v++) old.exec(MIGRATIONS[v] ?? '');
    old.pragma('user_version = 4');
    const at = new Date().toISOString();
    old.prepare('INSERT INTO users (id, name, created_at, updated_at) VALUES (7, ?, ?, ?)').run('carol', at, at);
    const seal = (id: string, userId: number) => {
      const s = sealEmbedding(key, embedding(3), templateAadV1(userId, id));
      old
        .prepare(
          `INSERT INTO templates (id, user_id, created_at, embedder, dims, key_id, iv, ciphertext, tag, source, pose_bin, yaw, pitch, roll, luminance, contrast, sharpness, face_size)
         VALUES (?, ?, ?, 'faceplugin', 8, ?, ?, ?, ?, 'images', 'frontal', 0, 0, 0, 100, 40, 300, 110)`,
        )
        .run(id, userId, at, s.keyId, s.iv, s.ciphertext, s.tag);
    };
    seal('t1', 7);
    old.close();
    const store = TemplateStore.open(file, key);
    expect(Array.from(store.templates('carol')[0]?.embedding ?? [])).toEqual(Array.from(embedding(3)));
    // the next user gets a fresh id even though carol's is the largest
    expect(store.addUser('dave', [template(4)]).id).toBe(8);
    store.close();
    // a first-schema row slipped in afterwards is refused
    const late = new Database(file);
    const s = sealEmbedding(key, embedding(5), templateAadV1(7, 't2'));
    late
      .prepare(
        `INSERT INTO templates (id, user_id, created_at, embedder, dims, key_id, iv, ciphertext, tag, source, pose_bin, yaw, pitch, roll, luminance, contrast, sharpness, face_size)
       VALUES ('t2', 7, ?, 'faceplugin', 8, ?, ?, ?, ?, 'images', 'frontal', 0, 0, 0, 100, 40, 300, 110)`,
      )
      .run(at, s.keyId, s.iv, s.ciphertext, s.tag);
    late.close();
    const reopened = TemplateStore.open(file, key);
    expect(() => reopened.templates('carol')).toThrow(/template t2 .*failed its integrity check/);
    reopened.close();
  });
});

describe('revocation: the running door follows the store', () => {
  it('lets the running door see a removal made by another process at its next look, and refuses the removed user', () => {
    const key = newTemplateKey();
    const daemonSide = TemplateStore.open(file, key);
    const cli = TemplateStore.open(file, key);
    const alice = cli.addUser('alice', [template(1)]);
    const lines: string[] = [];
    const door = new EnrolledTemplates(daemonSide, 'faceplugin', createLogger({ level: 'info', write: (l) => lines.push(l) }));
    expect(door.current.map((t) => t.userName)).toEqual(['alice']);
    expect(door.confirm(alice.id)).toBe(true);
    expect(door.refresh()).toBe(false); // nothing changed: no reload
    cli.removeUser('alice');
    const bob = cli.addUser('bob', [template(2)]);
    // the match was computed against the old list: the check just before opening asks the store
    expect(door.confirm(alice.id)).toBe(false);
    expect(door.current.map((t) => [t.userId, t.userName])).toEqual([[bob.id, 'bob']]);
    expect(lines.join('\n')).toMatch(/enrollment changed: templates reloaded users=1 templates=1/);
    // nothing biometric in the log
    expect(lines.join('\n')).not.toMatch(/embedding/);
    cli.close();
    daemonSide.close();
  });

  it('leaves the door with no templates, once logged, while the store cannot be read, and recovers', () => {
    const key = newTemplateKey();
    const store = TemplateStore.open(file, key);
    store.addUser('alice', [template(1)]);
    const lines: string[] = [];
    const door = new EnrolledTemplates(store, 'faceplugin', createLogger({ level: 'info', write: (l) => lines.push(l) }));
    const raw = new Database(file);
    const { tag } = raw.prepare('SELECT tag FROM templates').get() as { tag: Buffer };
    raw.prepare('UPDATE templates SET tag = zeroblob(16)').run();
    door.refresh();
    door.refresh();
    expect(door.current).toEqual([]);
    expect(door.confirm(1)).toBe(false);
    expect(lines.filter((l) => /cannot read the enrolled templates/.test(l))).toHaveLength(1);
    raw.prepare('UPDATE templates SET tag = ?').run(tag);
    door.refresh();
    expect(door.current.map((t) => t.userName)).toEqual(['alice']);
    expect(lines.join('\n')).toMatch(/enrolled templates readable again/);
    raw.close();
    store.close();
  });
});

describe('the database file', () => {
  it('is created owner-only whatever the umask, and an empty file is refused rather than taken for a new store', async () => {
    const { statSync, writeFileSync } = await import('node:fs');
    const old = process.umask(0o022);
    try {
      const store = TemplateStore.open(file, newTemplateKey());
      store.addUser('alice', [template(1)]);
      store.close();
    } finally {
      process.umask(old);
    }
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const empty = join(dir, 'empty.db');
    writeFileSync(empty, '');
    expect(() => TemplateStore.open(empty, newTemplateKey())).toThrow(/is empty \(0 bytes\).*restore it from a backup/);
    expect(statSync(empty).size).toBe(0); // and left as it was
  });
});
