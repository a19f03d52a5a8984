import { randomUUID } from 'node:crypto';
import type { Db } from './database.js';
import { openEmbedding, sealEmbedding, type TemplateKey, templateAad } from './templateCipher.js';
import type { CameraMode, NewTemplate, StoredTemplate, UserSummary } from './templateRecords.js';

/** The SQL side of templates and users: rows in, rows out, sealed and opened with the store's key. */

export interface TemplateRow {
  id: string;
  user_id: number;
  uid: string;
  name: string;
  created_at: string;
  embedder: string;
  iv: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
  key_id: string;
  source: string;
  pose_bin: string;
  yaw: number;
  pitch: number;
  roll: number;
  luminance: number;
  contrast: number;
  sharpness: number;
  face_size: number;
  camera_mode: string | null;
}

/**
 * Inserts a user's templates, each sealed and bound to its own id and the user's uid, and adds them to the user's
 * coverage per pose bin. The caller holds the transaction.
 */
export function insertTemplateRows(
  db: Db,
  key: TemplateKey,
  user: { readonly id: number; readonly uid: string },
  templates: readonly NewTemplate[],
  at: string,
): void {
  const insert = db.prepare(
    `INSERT INTO templates (id, user_id, created_at, embedder, dims, key_id, iv, ciphertext, tag, source, pose_bin, yaw, pitch, roll, luminance, contrast, sharpness, face_size, camera_mode)
     VALUES (@id, @userId, @at, @embedder, @dims, @keyId, @iv, @ciphertext, @tag, @source, @poseBin, @yaw, @pitch, @roll, @luminance, @contrast, @sharpness, @faceSize, @cameraMode)`,
  );
  const bins = new Map<string, number>();
  for (const t of templates) {
    const id = randomUUID();
    const sealed = sealEmbedding(key, t.embedding, templateAad(user.uid, id));
    insert.run({
      id,
      userId: user.id,
      at,
      embedder: t.embedder,
      dims: t.embedding.length,
      source: t.source,
      ...sealed,
      ...t.conditions,
      cameraMode: t.conditions.cameraMode ?? null,
    });
    bins.set(t.conditions.poseBin, (bins.get(t.conditions.poseBin) ?? 0) + 1);
  }
  const cov = db.prepare(
    'INSERT INTO coverage (user_id, bin, templates, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (user_id, bin) DO UPDATE SET templates = templates + excluded.templates, updated_at = excluded.updated_at',
  );
  for (const [bin, n] of bins) cov.run(user.id, bin, n, at);
}

/** A user's name, template count, coverage per pose bin, embedders and camera modes. */
export function userSummary(db: Db, userId: number): UserSummary {
  const u = db.prepare('SELECT id, name, created_at FROM users WHERE id = ?').get(userId) as {
    id: number;
    name: string;
    created_at: string;
  };
  const bins = db.prepare('SELECT bin, templates FROM coverage WHERE user_id = ? ORDER BY bin').all(userId) as {
    bin: string;
    templates: number;
  }[];
  const count = (db.prepare('SELECT count(*) AS n FROM templates WHERE user_id = ?').get(userId) as { n: number }).n;
  const embedders = db.prepare('SELECT DISTINCT embedder FROM templates WHERE user_id = ? ORDER BY embedder').all(userId) as {
    embedder: string;
  }[];
  const modes = db
    .prepare("SELECT coalesce(camera_mode, 'unknown') AS mode, count(*) AS n FROM templates WHERE user_id = ? GROUP BY mode ORDER BY mode")
    .all(userId) as { mode: CameraMode | 'unknown'; n: number }[];
  return {
    id: u.id,
    name: u.name,
    createdAt: u.created_at,
    templates: count,
    coverage: Object.fromEntries(bins.map((b) => [b.bin, b.templates])),
    embedders: embedders.map((e) => e.embedder),
    cameraModes: Object.fromEntries(modes.map((m) => [m.mode, m.n])),
  };
}

/** A template row opened: an embedding that fails authentication is an error, never skipped. */
export function openTemplateRow(key: TemplateKey, r: TemplateRow): StoredTemplate {
  return {
    id: r.id,
    userId: r.user_id,
    userUid: r.uid,
    userName: r.name,
    embedder: r.embedder,
    source: r.source,
    createdAt: r.created_at,
    embedding: openEmbedding(
      key,
      { iv: r.iv, ciphertext: r.ciphertext, tag: r.tag, keyId: r.key_id },
      templateAad(r.uid, r.id),
      `template ${r.id} of user "${r.name}"`,
    ),
    conditions: {
      poseBin: r.pose_bin,
      yaw: r.yaw,
      pitch: r.pitch,
      roll: r.roll,
      luminance: r.luminance,
      contrast: r.contrast,
      sharpness: r.sharpness,
      faceSize: r.face_size,
      ...(r.camera_mode === 'colour' || r.camera_mode === 'grey' ? { cameraMode: r.camera_mode } : {}),
    },
  };
}
