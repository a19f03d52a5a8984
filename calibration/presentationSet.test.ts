import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatasetError } from '../common/errors.js';
import { datasetForTests } from '../test/datasets.js';
import { presentationParts, readPresentationSet } from './presentationSet.js';
import { checkSplit, fileHashes, findSplit } from './splitManifest.js';

const ra = datasetForTests('replayAttack', 'reading Replay-Attack');
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xd9]);

function folder(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), 'facelock-pres-'));
  for (const [name, body] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), body);
  }
  return dir;
}

describe('labelled presentations in three layouts', () => {
  it.runIf(ra)("reads Replay-Attack: 30 people in two disjoint parts, five species, five frames a video, the frozen split's parts", () => {
    const set = readPresentationSet(ra as string);
    expect(set.layout).toBe('replay-attack');
    expect(set.headlinePart).toBe('devel');
    expect(set.presentations.length).toBe(3600);
    const people = (part: string) => new Set(set.presentations.filter((p) => p.part === part).map((p) => p.subject));
    expect(people('train').size).toBe(15);
    expect(people('devel').size).toBe(15);
    expect([...people('train')].some((p) => people('devel').has(p))).toBe(false);
    const species = new Set(set.presentations.filter((p) => p.attack).map((p) => p.species));
    expect([...species].sort()).toEqual(['phone-photo', 'phone-video', 'print', 'tablet-photo', 'tablet-video']);
    const frames = new Map<string, number>();
    for (const p of set.presentations) frames.set(p.sequence as string, (frames.get(p.sequence as string) ?? 0) + 1);
    expect([...frames.values()].every((n) => n === 5)).toBe(true);
    const devel = set.presentations.filter((p) => p.part === 'devel');
    expect(devel.filter((p) => !p.attack).length).toBe(300);
    const parts = presentationParts(set, fileHashes(set.presentations.map((p) => p.file)));
    expect(parts.map((p) => `${p.name} ${p.identities.length} ${p.images}`)).toEqual(['train 15 1800', 'devel 15 1800']);
    const frozen = findSplit(set.listSha256);
    expect(frozen?.manifest.dataset).toBe('replay-attack');
    if (!frozen) return;
    expect(() => checkSplit(frozen, parts)).not.toThrow();
    const changed = parts.map((p, i) => (i === 1 ? { ...p, sha256: '0'.repeat(64) } : p));
    expect(() => checkSplit(frozen, changed)).toThrow(/differs from the frozen split .*replay-attack\.json:\ndevel: 1800 images/);
  });

  it('reads a door folder: live/ and species folders, a recording per sub-folder or per folder', () => {
    const dir = folder({
      'live/alice-1/a.jpg': JPEG,
      'live/alice-1/b.jpg': JPEG,
      'live/bob/a.jpg': JPEG,
      'print/x.jpg': JPEG,
      'phone-video/v1/1.png': JPEG,
    });
    const set = readPresentationSet(dir);
    expect(set.layout).toBe('door');
    expect(set.presentations.map((p) => `${p.sequence}:${p.frame}:${p.attack ? p.species : 'live'}`)).toEqual([
      'live/alice-1:0:live',
      'live/alice-1:1:live',
      'live/bob:0:live',
      'phone-video/v1:0:phone-video',
      'print:0:print',
    ]);
  });

  it('says what is wrong with a folder it cannot use, naming the file and the fix', () => {
    expect(() => readPresentationSet(folder({ 'x.txt': 'x' }))).toThrow(/no presentation folder facelock knows: a NUAA folder holds/);
    expect(() => readPresentationSet(folder({ 'live/a.jpg': JPEG }))).toThrow(/holds live\/ only: add at least one attack species/);
    expect(() => readPresentationSet(folder({ 'live/a.jpg': JPEG, 'Phone Video/a.jpg': JPEG }))).toThrow(/are not species names/);
    expect(() => readPresentationSet(folder({ 'live/a.jpg': JPEG, 'print/notes.txt': 'x' }))).toThrow(/print holds no images/);
    const header = 'split,video,client,label,species,support,light,frames\n';
    expect(() => readPresentationSet(folder({ 'videos.csv': 'a,b\n' }))).toThrow(/the first line must be 'split,video/);
    expect(() => readPresentationSet(folder({ 'videos.csv': `${header}train,v1,001,live,live,-,adverse,5\n` }))).toThrow(
      /videos.csv:2: train\/v1 holds 0 frame\(s\), the list says 5/,
    );
    const ok = folder({
      'videos.csv': `${header}train,v1,001,live,live,-,adverse,2\ntrain,v2,001,attack,print,hand,adverse,1\n`,
      'train/v1/frame_00000.jpg': JPEG,
      'train/v1/frame_00079.jpg': JPEG,
      'train/v2/frame_00003.jpg': JPEG,
    });
    const set = readPresentationSet(ok);
    expect(set.presentations.map((p) => `${p.part} ${p.subject} ${p.frame} ${p.species ?? 'live'}`)).toEqual([
      'train 001 0 live',
      'train 001 79 live',
      'train 001 3 print',
    ]);
    expect(() => readPresentationSet(folder({ 'videos.csv': `${header}train,v1,001,maybe,print,-,a,1\n` }))).toThrow(DatasetError);
  });
});
