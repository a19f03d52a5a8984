import { randomUUID } from 'node:crypto';
import { EnrollError, StoreError } from '../../common/errors.js';
import { AuditLog } from './auditLog.js';
import { type Db, openDatabase, unavailable } from './database.js';
import { frameAad, keyCheck, openBytes, sealBytes, sealEmbedding, type TemplateKey, templateAad } from './templateCipher.js';
import { type NewTemplate, type StoredTemplate, type UserSummary, validateName } from './templateRecords.js';
import { insertTemplateRows, openTemplateRow, type TemplateRow, userSummary } from './templateRows.js';
import { upgradeSeals } from './templateSealUpgrade.js';
import { ThrottleStore } from './throttleStore.js';

const now = () => new Date().toISOString();

/**
 * Users and their face templates. Templates are sealed with AES-256-GCM under the device key, bound to their row
 * and their user (the template id and the user's random uid as associated data); plaintext embeddings exist only in
 * memory. User ids are never reused (the last one given is kept in `meta`), so nothing recorded for a removed user can
 * be taken for a new one.
 */
export class TemplateStore {
  private constructor(
    private readonly db: Db,
    private key: TemplateKey,
    readonly file: string,
  ) {}

  /** Opens the database and checks the key is the one its templates were sealed with; the first key is adopted. */
  static open(file: string, key: TemplateKey): TemplateStore {
    const db = openDatabase(file);
    try {
      const stored = db.prepare('SELECT value FROM meta WHERE key = ?').get('key_check') as { value: string } | undefined;
      if (!stored) {
        db.prepare('INSERT INTO meta (key, value) VALUES (?, ?), (?, ?)').run('key_check', keyCheck(key), 'key_id', key.id);
      } else if (stored.value !== keyCheck(key)) {
        const id = (db.prepare('SELECT value FROM meta WHERE key = ?').get('key_id') as { value: string } | undefined)?.value;
        throw new StoreError(
          'key_wrong',
          `the template key (id ${key.id}) is not the key database ${file} was sealed with (id ${id ?? 'unknown'}): use the right key file; nothing was changed`,
        );
      }
      upgradeSeals(db, key);
    } catch (err) {
      db.close();
      if (err instanceof StoreError) throw err;
      throw unavailable(file, err);
    }
    return new TemplateStore(db, key, file);
  }

  /**
   * A number that changes whenever another connection (the enrollment CLI) commits to the database: cheap enough to
   * poll, so the daemon sees removals and re-enrollments while it runs (SQLite's `PRAGMA data_version`).
   */
  dataVersion(): number {
    return this.db.pragma('data_version', { simple: true }) as number;
  }

  /** Whether the user with this id is still the one with this uid (not removed, not replaced). */
  isEnrolled(userId: number, userUid: string): boolean {
    return this.db.prepare('SELECT 1 FROM users WHERE id = ? AND uid = ?').get(userId, userUid) !== undefined;
  }

  get keyId(): string {
    return this.key.id;
  }

  close(): void {
    this.db.close();
  }

  /** Adds a user with all their templates in one transaction: either all of it is stored or nothing. */
  addUser(name: string, templates: readonly NewTemplate[]): UserSummary {
    validateName(name);
    if (templates.length === 0) throw new EnrollError('enroll_rejected', `no template to store for ${name}`);
    return this.write(() => {
      if (this.findUser(name))
        throw new EnrollError(
          'user_exists',
          `a user named "${name}" is already enrolled: pick another name, or remove or re-enroll that user`,
        );
      const at = now();
      // ids are never reused: one past both the last id ever given and the largest in the table
      const { value } = this.db
        .prepare(
          `UPDATE meta SET value = CAST(max(CAST(value AS INTEGER), (SELECT coalesce(max(id), 0) FROM users)) + 1 AS TEXT)
           WHERE key = 'last_user_id' RETURNING value`,
        )
        .get() as { value: string };
      const userId = Number(value);
      const uid = randomUUID();
      this.db.prepare('INSERT INTO users (id, uid, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run(userId, uid, name, at, at);
      insertTemplateRows(this.db, this.key, { id: userId, uid }, templates, at);
      return userSummary(this.db, userId);
    });
  }

  /**
   * Adds the users whose name is not taken, all in one transaction (a backup restored whole or not at all); returns
   * who was added and who was left alone.
   */
  importUsers(users: readonly { name: string; templates: readonly NewTemplate[] }[]): { imported: string[]; skipped: string[] } {
    return this.write(() => {
      const imported: string[] = [];
      const skipped: string[] = [];
      for (const u of users) {
        if (this.findUser(u.name)) skipped.push(u.name);
        else {
          this.addUser(u.name, u.templates);
          imported.push(u.name);
        }
      }
      return { imported, skipped };
    });
  }

  /** Adds templates to an existing user, keeping theirs (a night enrollment beside the day one), in one transaction. */
  addTemplates(name: string, templates: readonly NewTemplate[]): UserSummary {
    if (templates.length === 0) throw new EnrollError('enroll_rejected', `no template to add for ${name}`);
    return this.write(() => {
      const user = this.requireUser(name);
      const at = now();
      insertTemplateRows(this.db, this.key, user, templates, at);
      this.db.prepare('UPDATE users SET updated_at = ? WHERE id = ?').run(at, user.id);
      return userSummary(this.db, user.id);
    });
  }

  /** Replaces all templates of an existing user in one transaction (re-enrollment). */
  replaceTemplates(name: string, templates: readonly NewTemplate[]): UserSummary {
    return this.write(() => {
      const user = this.requireUser(name);
      const at = now();
      this.db.prepare('DELETE FROM templates WHERE user_id = ?').run(user.id);
      this.db.prepare('DELETE FROM coverage WHERE user_id = ?').run(user.id);
      insertTemplateRows(this.db, this.key, user, templates, at);
      this.db.prepare('UPDATE users SET updated_at = ? WHERE id = ?').run(at, user.id);
      return userSummary(this.db, user.id);
    });
  }

  listUsers(): UserSummary[] {
    const ids = this.db.prepare('SELECT id FROM users ORDER BY name').all() as { id: number }[];
    return ids.map((r) => userSummary(this.db, r.id));
  }

  findUser(name: string): { id: number; uid: string; name: string } | undefined {
    return this.db.prepare('SELECT id, uid, name FROM users WHERE name = ?').get(name) as
      | { id: number; uid: string; name: string }
      | undefined;
  }

  private requireUser(name: string): { id: number; uid: string; name: string } {
    const user = this.findUser(name);
    if (!user) throw new EnrollError('user_unknown', `no user named "${name}" is enrolled (facelock enroll list shows who is)`);
    return user;
  }

  /** Removes a user, their templates, coverage and attempts; the freed pages are overwritten and the WAL truncated. */
  removeUser(name: string): void {
    this.write(() => {
      const user = this.requireUser(name);
      // their attempts go too: nothing of a removed user stays (the audit keeps the events, which name nobody)
      this.db.prepare('DELETE FROM attempts WHERE user_id = ?').run(user.id);
      this.db.prepare('DELETE FROM users WHERE id = ?').run(user.id);
    });
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  renameUser(from: string, to: string): UserSummary {
    validateName(to);
    return this.write(() => {
      const user = this.requireUser(from);
      if (this.findUser(to)) throw new EnrollError('user_exists', `a user named "${to}" is already enrolled`);
      this.db.prepare('UPDATE users SET name = ?, updated_at = ? WHERE id = ?').run(to, now(), user.id);
      return userSummary(this.db, user.id);
    });
  }

  /** Every template, opened (or of one user). A template that fails authentication is an error, never skipped. */
  templates(name?: string): StoredTemplate[] {
    const rows = (
      name === undefined
        ? this.db.prepare('SELECT t.*, u.name, u.uid FROM templates t JOIN users u ON u.id = t.user_id ORDER BY u.name, t.created_at').all()
        : this.db
            .prepare('SELECT t.*, u.name, u.uid FROM templates t JOIN users u ON u.id = t.user_id WHERE u.id = ? ORDER BY t.created_at')
            .all(this.requireUser(name).id)
    ) as TemplateRow[];
    return rows.map((r) => openTemplateRow(this.key, r));
  }

  /** Re-seals every template under `next` and records its check value, in one transaction. */
  rotateKey(next: TemplateKey): number {
    const all = this.templates();
    const update = this.db.prepare('UPDATE templates SET iv = ?, ciphertext = ?, tag = ?, key_id = ? WHERE id = ?');
    this.write(() => {
      for (const t of all) {
        const s = sealEmbedding(next, t.embedding, templateAad(t.userUid, t.id));
        update.run(s.iv, s.ciphertext, s.tag, s.keyId, t.id);
      }
      this.db.prepare('UPDATE meta SET value = ? WHERE key = ?').run(keyCheck(next), 'key_check');
      this.db.prepare('UPDATE meta SET value = ? WHERE key = ?').run(next.id, 'key_id');
    });
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    this.key = next;
    return all.length;
  }

  /** The lockouts' persisted state, in the same database. */
  throttles(): ThrottleStore {
    return new ThrottleStore(this.db, this.file);
  }

  /** The audit log; with `retainFrames`, approaches' frames are kept, sealed under this store's key. */
  auditLog(options: { retainFrames?: boolean } = {}): AuditLog {
    if (!options.retainFrames) return new AuditLog(this.db);
    return new AuditLog(this.db, {
      seal: (id, jpeg) => sealBytes(this.key, jpeg, frameAad(id)),
      open: (id, sealed) => openBytes(this.key, sealed, frameAad(id)),
    });
  }

  /** SQLite's own consistency check ('ok' when sound). */
  integrityCheck(): string {
    return (this.db.pragma('integrity_check', { simple: true }) as string) ?? 'unknown';
  }

  private write<T>(body: () => T): T {
    try {
      return this.db.transaction(body)();
    } catch (err) {
      if (err instanceof EnrollError || err instanceof StoreError) throw err;
      throw unavailable(this.file, err);
    }
  }
}
