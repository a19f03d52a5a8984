import { randomIndex } from '../../common/seededRandom.js';

/**
 * Random damage of the kinds a camera, a disk or a network does: flipped bits, overwritten runs, cuts, inserted
 * garbage, repeated or dropped segments, and (for JPEG) damaged markers. Seeded, so a failure can be replayed.
 */
export function mutate(input: Uint8Array, random: () => number): Buffer {
  let b = Buffer.from(input);
  const edits = 1 + randomIndex(random, 4);
  for (let e = 0; e < edits; e++) {
    const at = randomIndex(random, Math.max(1, b.length));
    switch (randomIndex(random, 8)) {
      case 0: // flipped bits
        for (let i = 0; i < 1 + randomIndex(random, 32); i++) {
          const p = randomIndex(random, b.length);
          b[p] = (b[p] as number) ^ (1 << randomIndex(random, 8));
        }
        break;
      case 1: // an overwritten run
        for (let i = at; i < Math.min(b.length, at + randomIndex(random, 512)); i++) b[i] = randomIndex(random, 256);
        break;
      case 2: // cut short
        b = b.subarray(0, at);
        break;
      case 3: // garbage inserted
        b = Buffer.concat([b.subarray(0, at), seededBytes(random, randomIndex(random, 256)), b.subarray(at)]);
        break;
      case 4: // a segment repeated
        b = Buffer.concat([b.subarray(0, at), b.subarray(at, at + randomIndex(random, 4096)), b.subarray(at)]);
        break;
      case 5: // a segment dropped
        b = Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + randomIndex(random, 4096)))]);
        break;
      case 6: // a marker damaged or forged (0xFF xx)
        b = Buffer.concat([
          b.subarray(0, at),
          Buffer.from([0xff, [0xd8, 0xd9, 0xda, 0xc0, 0xc4, 0xdb, 0xdd, 0x00][randomIndex(random, 8)] as number]),
          b.subarray(at),
        ]);
        break;
      default: // zeroed
        b.fill(0, at, Math.min(b.length, at + randomIndex(random, 1024)));
    }
  }
  return b;
}

/** Random damage of text: characters deleted, inserted, replaced; lines swapped or repeated; numbers changed. */
export function mutateText(text: string, random: () => number): string {
  let s = text;
  const edits = 1 + randomIndex(random, 4);
  const alphabet = ' \n\t:{}[],\'"-#&*!|>%@`0123456789.eE+abcxyz\\\u0000\u00e9\ud83d\ude00';
  for (let e = 0; e < edits; e++) {
    const at = randomIndex(random, Math.max(1, s.length));
    switch (randomIndex(random, 6)) {
      case 0:
        s = s.slice(0, at) + s.slice(at + 1 + randomIndex(random, 8));
        break;
      case 1:
        s = s.slice(0, at) + (alphabet[randomIndex(random, alphabet.length)] ?? '') + s.slice(at);
        break;
      case 2:
        s = s.slice(0, at) + (alphabet[randomIndex(random, alphabet.length)] ?? '') + s.slice(at + 1);
        break;
      case 3: {
        const lines = s.split('\n');
        const i = randomIndex(random, lines.length);
        const j = randomIndex(random, lines.length);
        [lines[i], lines[j]] = [lines[j] ?? '', lines[i] ?? ''];
        s = lines.join('\n');
        break;
      }
      case 4:
        s = s.replace(/-?\d+(\.\d+)?/, () => String([0, -1, 1e308, -1e9, 0.5, 2 ** 53, Number.NaN][randomIndex(random, 7)]));
        break;
      default:
        s = `${s}\n${s.split('\n')[randomIndex(random, s.split('\n').length)] ?? ''}`;
    }
  }
  return s;
}

/** `n` bytes from the seeded generator (garbage that a failure report can reproduce). */
export function seededBytes(random: () => number, n: number): Buffer {
  return Buffer.from(Array.from({ length: n }, () => randomIndex(random, 256)));
}
