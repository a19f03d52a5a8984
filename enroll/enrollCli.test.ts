import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readKeyFile } from '../device/store/keyFile.js';
import { TemplateStore } from '../device/store/templateStore.js';
import { DEFAULT_THRESHOLDS } from '../model/defaultThresholds.js';
import { writeBadImages } from '../test/badImages.js';
import { datasetForTests } from '../test/datasets.js';
import { lfwFolder } from '../test/lfwFolders.js';
import { runCli } from '../test/runCli.js';

const lfw = datasetForTests('lfw', 'enrollment tests on lfw-dev');
const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');

const ready = lfw;
let dir: string;
let state: string;
let keyFile: string;
const cli = (...args: string[]) => runCli(['--state-dir', state, '--key-file', keyFile, ...args]);
const db = () => join(state, 'facelock.db');

beforeAll(async () => {
  if (!ready) return;
  dir = mkdtempSync(join(tmpdir(), 'facelock-enroll-'));
  state = join(dir, 'state');
  keyFile = join(dir, 'etc', 'facelock.key');
  expect((await cli('key', 'init')).code).toBe(0);
  const L = lfw as string;
  lfwFolder(L, join(dir, 'laura-enroll'), 'Laura_Bush', [1, 3, 5, 6, 9, 10, 11]);
  lfwFolder(L, join(dir, 'laura-verify'), 'Laura_Bush', [20, 21, 22, 23, 24]);
  lfwFolder(L, join(dir, 'tony-enroll'), 'Tony_Blair', [1, 2, 3, 4, 5, 6]);
  lfwFolder(L, join(dir, 'capriati'), 'Jennifer_Capriati', [1, 2, 3, 4, 5]);
  const first = await cli('--json', 'enroll', 'add', 'laura', '--images', join(dir, 'laura-enroll'));
  expect(first.code, first.stderr).toBe(0);
});
afterAll(() => {
  if (ready) rmSync(dir, { recursive: true, force: true });
});

describe.runIf(ready)('facelock enroll, on real photos: enrollment and what is stored', () => {
  it('enrolls an identity with several templates over poses and verifies it with other photos', async () => {
    const list = JSON.parse((await cli('--json', 'enroll', 'list')).stdout) as {
      users: { name: string; templates: number; coverage: Record<string, number> }[];
    };
    expect(list.users).toHaveLength(1);
    expect(list.users[0]?.templates).toBeGreaterThanOrEqual(3);
    expect(Object.keys(list.users[0]?.coverage ?? {}).length).toBeGreaterThanOrEqual(2);
    const v = await cli('--json', 'enroll', 'verify', 'laura', '--images', join(dir, 'laura-verify'));
    expect(v.code).toBe(0);
    const r = JSON.parse(v.stdout) as { matched: number; images: unknown[] };
    console.log(`verify laura with 5 other photos: ${r.matched} matched`);
    expect(r.matched).toBeGreaterThanOrEqual(4);
  });

  it('does not match an impostor', async () => {
    const v = await cli('--json', 'enroll', 'verify', 'laura', '--images', join(dir, 'capriati'));
    expect(v.code).toBe(10);
    expect((JSON.parse(v.stdout) as { matched: number }).matched).toBe(0);
  });

  it('refuses to enroll a face already enrolled under another name, and stores nothing', async () => {
    const before = sha(db());
    const r = await cli('enroll', 'add', 'laura-again', '--images', join(dir, 'laura-verify'));
    expect(r.code).toBe(11);
    const similarity = Number(r.stderr.match(/matches the enrolled user "laura" \(similarity (0\.\d+)\); nothing was stored/)?.[1]);
    expect(similarity).toBeGreaterThan(DEFAULT_THRESHOLDS.faceplugin);
    expect(sha(db())).toBe(before);
  });

  it('finds no enrolled embedding, in any float encoding, in the database file or its WAL', async () => {
    expect((await cli('enroll', 'add', 'tony', '--images', join(dir, 'tony-enroll'))).code).toBe(0);
    const store = TemplateStore.open(db(), readKeyFile(keyFile));
    const embeddings = store.templates().map((t) => t.embedding);
    store.close();
    expect(embeddings.length).toBeGreaterThan(4);
    const files = [db(), `${db()}-wal`].filter(existsSync).map((f) => readFileSync(f));
    for (const e of embeddings) {
      for (const [width, write] of [
        [4, (b: Buffer, v: number, o: number) => b.writeFloatLE(v, o)],
        [4, (b: Buffer, v: number, o: number) => b.writeFloatBE(v, o)],
        [8, (b: Buffer, v: number, o: number) => b.writeDoubleLE(v, o)],
        [8, (b: Buffer, v: number, o: number) => b.writeDoubleBE(v, o)],
      ] as const) {
        const probe = Buffer.alloc(4 * width);
        for (let i = 0; i < 4; i++) write(probe, e[i + 10] ?? 0, i * width);
        for (const bytes of files) expect(bytes.includes(probe)).toBe(false);
      }
    }
  });
});

describe.runIf(ready)('facelock enroll, on real photos: keys, bad input, rename, backup', () => {
  it('refuses a wrong key and a key others can read, changing nothing', async () => {
    const before = sha(db());
    const other = join(dir, 'other.key');
    expect((await runCli(['--key-file', other, 'key', 'init'])).code).toBe(0);
    const wrong = await runCli(['--state-dir', state, '--key-file', other, 'enroll', 'list']);
    expect(wrong.code).toBe(8);
    expect(wrong.stderr).toMatch(/is not the key database .* was sealed with/);
    const loose = join(dir, 'loose.key');
    copyFileSync(keyFile, loose);
    chmodSync(loose, 0o644);
    const insecure = await runCli(['--state-dir', state, '--key-file', loose, 'enroll', 'list']);
    expect(insecure.code).toBe(8);
    expect(insecure.stderr).toMatch(/mode 0644: others could read it; run `chmod 600/);
    expect(sha(db())).toBe(before);
  });

  it('rejects bad input with a reason per photo: two faces, no face, unreadable; and bad names', async () => {
    const mixed = join(dir, 'mixed');
    lfwFolder(lfw as string, mixed, 'Laura_Bush', [2]); // two people in the photo
    for (const b of await writeBadImages(join(lfw as string, 'images', 'Laura_Bush', 'Laura_Bush_0001.jpg'))) {
      if (existsSync(b.path)) copyFileSync(b.path, join(mixed, b.name));
    }
    const r = await cli('--json', 'enroll', 'add', 'nobody-usable', '--images', mixed);
    expect(r.code).toBe(11);
    expect(r.stderr).toMatch(/none of the \d+ images .* passed the quality checks; nothing was stored/);
    const noName = await cli('enroll', 'add', '', '--images', mixed);
    expect(noName.code).toBe(11);
    expect(noName.stderr).toMatch(/user name is empty/);
    expect((await cli('enroll', 'add', 'x'.repeat(65), '--images', mixed)).stderr).toMatch(/at most 64/);
    const taken = await cli('enroll', 'add', 'laura', '--images', join(dir, 'tony-enroll'));
    expect(taken.code).toBe(11);
    expect(taken.stderr).toMatch(/already enrolled: use --replace/);
    const missing = await cli('enroll', 'add', 'zed', '--images', join(dir, 'no-such-folder'));
    expect(missing.code).toBe(4);
    expect(missing.stderr).toContain('no-such-folder');
  });

  it('renames, exports an encrypted backup, removes, and imports it back', async () => {
    const pass = join(dir, 'pass.txt');
    writeFileSync(pass, 'correct horse battery staple\n', { mode: 0o600 });
    expect((await cli('enroll', 'rename', 'tony', 'anthony')).code).toBe(0);
    const backup = join(dir, 'backup.json');
    expect((await cli('enroll', 'export', backup, '--passphrase-file', pass)).code).toBe(0);
    expect(readFileSync(backup, 'utf8')).not.toContain('anthony'); // names are inside the ciphertext too
    const again = await cli('enroll', 'export', backup, '--passphrase-file', pass);
    expect(again.code).toBe(8);
    expect(again.stderr).toMatch(/exists: facelock does not overwrite a backup/);
    expect((await cli('enroll', 'remove', 'anthony')).code).toBe(0);
    writeFileSync(join(dir, 'wrong.txt'), 'not the passphrase');
    const wrong = await cli('enroll', 'import', backup, '--passphrase-file', join(dir, 'wrong.txt'));
    expect(wrong.code).toBe(8);
    expect(wrong.stderr).toMatch(/wrong passphrase/);
    const imported = JSON.parse((await cli('--json', 'enroll', 'import', backup, '--passphrase-file', pass)).stdout) as {
      imported: string[];
      skipped: string[];
    };
    expect(imported).toEqual({ imported: ['anthony'], skipped: ['laura'] });
    expect((await cli('enroll', 'verify', 'anthony', '--images', join(dir, 'tony-enroll'))).code).toBe(0);
  });
});

describe.runIf(ready)('facelock enroll, on real photos: key rotation and SIGKILL', () => {
  it('rotates the key: the old key no longer opens the store, the new one does, templates intact', async () => {
    const oldKey = join(dir, 'old.key');
    copyFileSync(keyFile, oldKey);
    const r = await cli('--json', 'key', 'rotate');
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { templates: number }).templates).toBeGreaterThan(4);
    expect(existsSync(`${keyFile}.next`)).toBe(false);
    expect((await runCli(['--state-dir', state, '--key-file', oldKey, 'enroll', 'list'])).code).toBe(8);
    expect((await cli('enroll', 'verify', 'laura', '--images', join(dir, 'laura-verify'))).code).toBe(0);
  });

  it('survives SIGKILL at random points of enroll add: consistent database, no half-enrolled user', async () => {
    const folder = lfwFolder(lfw as string, join(dir, 'hugo'), 'Hugo_Chavez', [1, 2, 3, 4, 5, 6, 7, 8]);
    // how long a whole enroll add takes on this machine: the kills are spread over that, not over a fixed guess
    const t0 = performance.now();
    const whole = await runCli(['--state-dir', state, '--key-file', keyFile, 'enroll', 'add', 'hugo-whole', '--images', folder]);
    expect(whole.code, whole.stderr).toBe(0);
    const took = performance.now() - t0;
    const before = (JSON.parse((await cli('--json', 'enroll', 'list')).stdout) as { users: { name: string; templates: number }[] }).users;
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    let killed = 0;
    // kill between 5% and 105% of a whole run: during start-up, analysis or the write
    for (let i = 0; i < 16; i++) {
      const r = await runCli(['--state-dir', state, '--key-file', keyFile, 'enroll', 'add', `hugo-${i}`, '--images', folder], {
        timeoutMs: took * (0.05 + random()),
      });
      if (r.code === null) killed++;
    }
    console.log(`enroll add killed ${killed} times at random points`);
    expect(killed).toBeGreaterThan(5);
    const store = TemplateStore.open(db(), readKeyFile(keyFile));
    expect(store.integrityCheck()).toBe('ok');
    const users = store.listUsers();
    for (const u of users) {
      expect(u.templates, u.name).toBeGreaterThan(0);
      expect(
        Object.values(u.coverage).reduce((a, b) => a + b, 0),
        u.name,
      ).toBe(u.templates);
    }
    for (const b of before) expect(users.find((u) => u.name === b.name)?.templates).toBe(b.templates);
    expect(store.templates().length).toBe(users.reduce((n, u) => n + u.templates, 0));
    store.close();
  });
});

describe.runIf(lfw && process.getuid?.() === 0)('facelock enroll on a read-only or full disk', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'facelock-disk-'));
    chmodSync(dir, 0o755);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('says the state folder is not writable, as an unprivileged user, and loses nothing', async () => {
    const state = join(dir, 'state');
    const keyFile = join(dir, 'facelock.key');
    const folder = lfwFolder(lfw as string, join(dir, 'laura'), 'Laura_Bush', [1, 3, 5]);
    expect((await runCli(['--key-file', keyFile, 'key', 'init'])).code).toBe(0);
    expect((await runCli(['--state-dir', state, '--key-file', keyFile, 'enroll', 'add', 'laura', '--images', folder])).code).toBe(0);
    const { chownSync } = await import('node:fs');
    chownSync(keyFile, 65534, 65534);
    const before = sha(join(state, 'facelock.db'));
    const asNobody = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--'];
    const r = await runCli(['--state-dir', state, '--key-file', keyFile, 'enroll', 'add', 'tony', '--images', folder], {
      prefix: asNobody,
    });
    expect(r.code).toBe(8);
    expect(r.stderr).toMatch(/not writable by this user; check ownership and permissions \(nothing was changed\)/);
    expect(sha(join(state, 'facelock.db'))).toBe(before);
  });

  it('says the disk is full, and keeps the users enrolled before', async () => {
    const mnt = join(dir, 'small');
    mkdirSync(mnt);
    const { spawnSync } = await import('node:child_process');
    if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=400k', 'tmpfs', mnt]).status !== 0) {
      console.warn('SKIPPED full-disk test: cannot mount a small tmpfs here');
      return;
    }
    try {
      const state = join(mnt, 'state');
      const keyFile = join(dir, 'full.key');
      expect((await runCli(['--key-file', keyFile, 'key', 'init'])).code).toBe(0);
      const laura = lfwFolder(lfw as string, join(dir, 'laura-full'), 'Laura_Bush', [1, 3, 5]);
      expect((await runCli(['--state-dir', state, '--key-file', keyFile, 'enroll', 'add', 'laura', '--images', laura])).code).toBe(0);
      // fill what is left of the file system
      const filler = join(mnt, 'filler');
      spawnSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=4k']);
      const tony = lfwFolder(lfw as string, join(dir, 'tony-full'), 'Tony_Blair', [1, 2, 3, 4, 5, 6]);
      const r = await runCli(['--state-dir', state, '--key-file', keyFile, 'enroll', 'add', 'tony', '--images', tony]);
      expect(r.code).toBe(8);
      expect(r.stderr).toMatch(/disk is full; free space and retry/);
      rmSync(filler);
      const list = JSON.parse((await runCli(['--json', '--state-dir', state, '--key-file', keyFile, 'enroll', 'list'])).stdout) as {
        users: { name: string }[];
      };
      expect(list.users.map((u) => u.name)).toEqual(['laura']);
    } finally {
      spawnSync('umount', ['-l', mnt]);
    }
  });
});
