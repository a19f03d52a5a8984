import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AttemptRow } from '../store/auditLog.js';

export interface ExportSummary {
  readonly attempts: number;
  readonly images: number;
  readonly identities: number;
  readonly pairs: number;
}

const FORMAT = `# facelock training export

- \`attempts.jsonl\`: one approach per line: id, time, outcome, reason, the owner's label (genuine / impostor) and the
  conditions (pose bin, yaw, pitch, roll, face luminance, contrast, clipped pixels, sharpness, face size, occlusion
  proxy, hour). No embedding.
- \`images/<Name>/<Name>_NNNN.jpg\` (with --frames): the retained best frame of each approach whose person is known:
  unlocks (the matched user) and attempts labelled genuine with --user; each attempt labelled impostor is its own
  identity \`impostor_<id>\`. Same layout as LFW, so \`facelock calibrate --pairs\` reads it.
- \`pairs.txt\`: one fold in the LFW format: consecutive same-person pairs, then as many different-person pairs.

These are face images of the people at this door, unencrypted: keep the folder on an encrypted disk and delete it
when done.
`;

/**
 * Writes the training export (see FORMAT): attempts with labels and conditions, and, when frames are given, the
 * frames of known people in the LFW layout with a one-fold pairs.txt.
 */
export function writeTrainingExport(
  dir: string,
  rows: readonly AttemptRow[],
  frames: readonly { attemptId: number; jpeg: Buffer }[],
): ExportSummary {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, 'README.md'), FORMAT);
  writeFileSync(join(dir, 'attempts.jsonl'), rows.map((r) => `${JSON.stringify(r)}\n`).join(''), { mode: 0o600 });
  const byId = new Map(rows.map((r) => [r.id, r]));
  const people = new Map<string, string[]>();
  for (const f of frames) {
    const r = byId.get(f.attemptId);
    if (!r) continue;
    const who =
      r.label === 'impostor' ? `impostor_${r.id}` : r.label === 'genuine' ? r.labelledUser : r.outcome === 'unlock' ? r.userName : null;
    if (!who) continue;
    const name = who.replace(/[^A-Za-z0-9_-]/g, '_');
    const list = people.get(name) ?? [];
    const file = `${name}_${String(list.length + 1).padStart(4, '0')}.jpg`;
    mkdirSync(join(dir, 'images', name), { recursive: true, mode: 0o700 });
    writeFileSync(join(dir, 'images', name, file), f.jpeg, { mode: 0o600 });
    list.push(file);
    people.set(name, list);
  }
  const same: string[] = [];
  for (const [name, files] of people) for (let i = 1; i < files.length; i++) same.push(`${name}\t${i}\t${i + 1}`);
  const names = [...people.keys()];
  const diff: string[] = [];
  for (let i = 0; i < names.length && diff.length < same.length; i++)
    for (let j = i + 1; j < names.length && diff.length < same.length; j++) diff.push(`${names[i]}\t1\t${names[j]}\t1`);
  const n = Math.min(same.length, diff.length);
  if (n > 0) writeFileSync(join(dir, 'pairs.txt'), `1\t${n}\n${[...same.slice(0, n), ...diff.slice(0, n)].join('\n')}\n`);
  return { attempts: rows.length, images: [...people.values()].reduce((s, l) => s + l.length, 0), identities: people.size, pairs: 2 * n };
}
