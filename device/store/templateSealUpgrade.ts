import { randomUUID } from 'node:crypto';
import type { Db } from './database.js';
import { openEmbedding, sealEmbedding, type TemplateKey, templateAad, templateAadV1 } from './templateCipher.js';

interface SealedRow {
  id: string;
  user_id: number;
  uid: string;
  name: string;
  iv: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
  key_id: string;
}

/**
 * Once per database, in one transaction: gives every user a random uid and re-seals every template of the first
 * schema (bound to the reusable row id) to it. Afterwards a first-schema seal is never accepted again: rows put back
 * from an old copy fail their integrity check rather than opening as whoever holds that id now.
 */
export function upgradeSeals(db: Db, key: TemplateKey): void {
  if ((db.prepare("SELECT value FROM meta WHERE key = 'template_seal'").get() as { value: string } | undefined)?.value === 'v2') return;
  db.transaction(() => {
    for (const u of db.prepare('SELECT id FROM users WHERE uid IS NULL').all() as { id: number }[])
      db.prepare('UPDATE users SET uid = ? WHERE id = ?').run(randomUUID(), u.id);
    const rows = db.prepare('SELECT t.*, u.name, u.uid FROM templates t JOIN users u ON u.id = t.user_id').all() as SealedRow[];
    const update = db.prepare('UPDATE templates SET iv = ?, ciphertext = ?, tag = ?, key_id = ? WHERE id = ?');
    for (const r of rows) {
      const sealed = { iv: r.iv, ciphertext: r.ciphertext, tag: r.tag, keyId: r.key_id };
      const embedding = openEmbedding(key, sealed, templateAadV1(r.user_id, r.id), `template ${r.id} of user "${r.name}"`);
      const s = sealEmbedding(key, embedding, templateAad(r.uid, r.id));
      embedding.fill(0);
      update.run(s.iv, s.ciphertext, s.tag, s.keyId, r.id);
    }
    db.prepare("INSERT INTO meta (key, value) VALUES ('template_seal', 'v2') ON CONFLICT (key) DO UPDATE SET value = 'v2'").run();
  })();
}
