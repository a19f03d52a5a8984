import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';

/** Identities of lfw-dev with 4-6 images: a small LFW-format dataset from them stays quick to embed. */
export const SMALL_LFW_IDENTITIES = [
  ['Abel_Pacheco', 'Adam_Sandler', 'Albert_Costa', 'Alec_Baldwin', 'Allyson_Felix', 'Angela_Bassett', 'Antonio_Banderas'],
  ['Arianna_Huffington', 'Arnoldo_Aleman', 'Bashar_Assad', 'Benjamin_Netanyahu', 'Bob_Graham', 'Boris_Becker', 'Carla_Del_Ponte'],
] as const;

/**
 * An LFW-format folder: two identity-disjoint folds of 6 same and 6 different pairs over the identities above
 * (their images linked, never copied), plus `Nobody_Here`, two grey images without a face, in fold 1's pairs.
 */
export async function smallLfw(lfw: string, dir: string): Promise<string> {
  mkdirSync(join(dir, 'images', 'Nobody_Here'), { recursive: true });
  for (const fold of SMALL_LFW_IDENTITIES) for (const id of fold) symlinkSync(join(lfw, 'images', id), join(dir, 'images', id));
  for (const n of [1, 2])
    await sharp({ create: { width: 250, height: 250, channels: 3, background: { r: 120, g: 120, b: 120 } } })
      .jpeg()
      .toFile(join(dir, 'images', 'Nobody_Here', `Nobody_Here_000${n}.jpg`));
  const lines = ['2\t6'];
  SMALL_LFW_IDENTITIES.forEach((ids, f) => {
    for (let i = 0; i < 6; i++) lines.push(i === 5 && f === 0 ? 'Nobody_Here\t1\t2' : `${ids[i]}\t1\t${2 + (i % 3)}`);
    for (let i = 0; i < 6; i++) lines.push(`${ids[i]}\t${1 + (i % 3)}\t${ids[(i + 1) % ids.length]}\t${1 + ((i + 1) % 3)}`);
  });
  writeFileSync(join(dir, 'pairs.txt'), `${lines.join('\n')}\n`);
  return dir;
}

/** A NUAA-format folder with the first `perKind` live and attack frames of two subjects (linked). */
export function smallNuaa(nuaa: string, dir: string, perKind = 6): string {
  for (const [list, folder] of [
    ['client_train_raw.txt', 'ClientRaw'],
    ['imposter_train_raw.txt', 'ImposterRaw'],
  ] as const) {
    const chosen: string[] = [];
    for (const subject of ['0001', '0002']) {
      const files = readdirSync(join(nuaa, folder, subject))
        .sort()
        .slice(0, perKind / 2);
      mkdirSync(join(dir, folder), { recursive: true });
      symlinkSync(join(nuaa, folder, subject), join(dir, folder, subject));
      chosen.push(...files.map((f) => `${subject}/${f}`));
    }
    writeFileSync(join(dir, list), `${chosen.join('\n')}\n`);
  }
  return dir;
}
