import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { readLfwPairs } from '../calibration/lfwPairs.js';
import { rocAuc } from '../calibration/verificationMetrics.js';
import { invertAffine } from '../test/affine.js';
import { datasetForTests } from '../test/datasets.js';
import { largestFace, loadTestEngine } from '../test/engineForTests.js';
import { cosine } from './embedder/embedder.js';
import type { FaceEngine } from './faceEngine.js';
import type { Face } from './faceTypes.js';
import { decodeImage } from './image/decodeImage.js';
import { applyAffine } from './image/warpAffine.js';

const lfw = datasetForTests('lfw', 'face engine tests on lfw-dev');
const orl = datasetForTests('orl', 'face detection on ORL');
const yale = datasetForTests('yale', 'face detection on Yale');
const nuaa = datasetForTests('nuaa', 'no-face test on a NUAA background');

let engine: FaceEngine;
beforeAll(async () => {
  engine = await loadTestEngine();
});

describe.runIf(lfw)('face engine on lfw-dev', () => {
  it('scores 100 same-person pairs above 100 different-person pairs (ROC AUC > 0.95)', async () => {
    const pairs = readLfwPairs(lfw as string);
    const same = pairs.filter((p) => p.same).slice(0, 100);
    const diff = pairs.filter((p) => !p.same).slice(0, 100);
    const score = async (p: (typeof pairs)[number]) => {
      const [a, b] = [await largestFace(engine, join(lfw as string, p.a)), await largestFace(engine, join(lfw as string, p.b))];
      // a missed face is a reject: the lowest possible score
      return a?.embedding && b?.embedding ? cosine(a.embedding, b.embedding) : Number.NEGATIVE_INFINITY;
    };
    const genuine = [];
    for (const p of same) genuine.push(await score(p));
    const impostor = [];
    for (const p of diff) impostor.push(await score(p));
    const auc = rocAuc(genuine, impostor);
    console.log(`lfw-dev fold 1, 100 same / 100 different pairs: ROC AUC ${auc.toFixed(4)}`);
    expect(auc).toBeGreaterThan(0.95);
  });

  it('gives near-identical embeddings for an EXIF-rotated, a tilted and a mirrored copy of a photo', async () => {
    const file = join(lfw as string, 'images', 'Abel_Pacheco', 'Abel_Pacheco_0001.jpg');
    const original = await largestFace(engine, file);
    // the same pixels stored turned by 90 degrees with EXIF orientation 6: a phone photo
    const exif = await sharp(file).rotate(-90).withMetadata({ orientation: 6 }).jpeg({ quality: 95 }).toBuffer();
    const tilted = await sharp(file).rotate(20, { background: '#000' }).jpeg({ quality: 95 }).toBuffer();
    const mirrored = await sharp(file).flop().jpeg({ quality: 95 }).toBuffer();
    const other = await largestFace(engine, join(lfw as string, 'images', 'Abdullah_Gul', 'Abdullah_Gul_0001.jpg'));
    expect(original?.embedding && other?.embedding).toBeTruthy();
    const o = original?.embedding as Float32Array;
    const impostor = cosine(o, other?.embedding as Float32Array);
    for (const [name, bytes] of [
      ['exif', exif],
      ['tilted 20 degrees', tilted],
      ['mirrored', mirrored],
    ] as const) {
      const face = await largestFace(engine, bytes);
      expect(face?.embedding, name).toBeDefined();
      const sim = cosine(o, face?.embedding as Float32Array);
      console.log(`${name}: cosine to the original ${sim.toFixed(4)} (another person: ${impostor.toFixed(4)})`);
      // faceplugin's scale: another person near 0 (FAR 1e-5 at 0.49), a copy of the same photo close to 1
      expect(sim, name).toBeGreaterThan(0.95);
      expect(sim, name).toBeGreaterThan(impostor + 0.5);
    }
  });

  it('cuts the aligned face crop the embedder sees: eyes level even when the head is tilted', async () => {
    const file = join(lfw as string, 'images', 'Abel_Pacheco', 'Abel_Pacheco_0001.jpg');
    const bytes = await sharp(file).rotate(25, { background: '#000' }).png().toBuffer();
    const image = await decodeImage(bytes, 'tilted');
    const face = (await engine.analyze(image, { maxFaces: 1 })).faces[0];
    expect(face).toBeDefined();
    const crop = engine.alignedCrop(image, face as Face, 112);
    expect([crop.width, crop.height, crop.data.length]).toEqual([112, 112, 112 * 112 * 3]);
    // the tilted copy has black corners; the aligned crop of its face does not start in them
    const mean = crop.data.reduce((s, v) => s + v, 0) / crop.data.length;
    expect(mean).toBeGreaterThan(40);
    // the outer eye corners land at the same height in the crop, and on either side of its centre
    const toCrop = invertAffine((face as Face).alignMap);
    const [rx, ry] = applyAffine(toCrop, ...(((face as Face).landmarks[33] as [number, number, number]).slice(0, 2) as [number, number]));
    const [lx, ly] = applyAffine(toCrop, ...(((face as Face).landmarks[263] as [number, number, number]).slice(0, 2) as [number, number]));
    expect(Math.abs(ry - ly)).toBeLessThan(3);
    expect(rx).toBeLessThan(75);
    expect(lx).toBeGreaterThan(75);
  });

  it('measures head pose: a tilted copy shows the roll it was turned by', async () => {
    const file = join(lfw as string, 'images', 'Abel_Pacheco', 'Abel_Pacheco_0004.jpg');
    const base = await largestFace(engine, file);
    const tilted = await largestFace(engine, await sharp(file).rotate(20, { background: '#000' }).toBuffer());
    expect(base && tilted).toBeTruthy();
    expect(Math.abs(Math.abs((tilted?.pose.roll ?? 0) - (base?.pose.roll ?? 0)) - 20)).toBeLessThan(5);
  });
});

describe.runIf(orl && yale)('face detection on ORL and Yale', () => {
  it('finds a face in ORL (92x112 grey PGM) and Yale (GIF, lighting and glasses) images', async () => {
    const files = [
      ...Array.from({ length: 40 }, (_, i) => join(orl as string, `s${i + 1}`, '1.pgm')),
      ...readdirSync(yale as string)
        .filter((f) => /^subject\d+\.(normal|glasses|centerlight|happy)$/.test(f))
        .map((f) => join(yale as string, f)),
    ];
    const missed: string[] = [];
    for (const f of files) {
      const face = await largestFace(engine, f);
      if (!face) missed.push(f);
      else {
        expect(face.embedding?.length).toBe(engine.embeddingSize);
        expect(engine.embeddingSize).toBe(512);
        expect(face.landmarks).toHaveLength(468);
        expect(face.eyes.left).toBeGreaterThan(0.1);
      }
    }
    console.log(
      `faces found in ${files.length - missed.length} of ${files.length} ORL and Yale images; missed: ${missed.join(', ') || 'none'}`,
    );
    expect(missed.length).toBeLessThanOrEqual(Math.floor(files.length * 0.03));
  });
});

describe.runIf(nuaa)('images without a face', () => {
  it('returns "no face" as a result, not an exception, for a real photo of a background', async () => {
    const frame = join(nuaa as string, 'ClientRaw', '0001', readdirSync(join(nuaa as string, 'ClientRaw', '0001')).sort()[0] ?? '');
    const corner = await sharp(frame).extract({ left: 0, top: 0, width: 120, height: 120 }).png().toBuffer();
    expect(await largestFace(engine, corner)).toBeUndefined();
  });
});

describe.runIf(lfw && nuaa)('following a face without the detector', () => {
  it('follows a face from its own mesh to the same landmarks, and loses it where there is none', async () => {
    const lfwImage = await decodeImage(readFileSync(join(lfw as string, 'images', 'AJ_Cook', 'AJ_Cook_0001.jpg')), 'lfw');
    const face = (await engine.analyze(lfwImage, { maxFaces: 1 })).faces[0] as Face;
    const tracked = await engine.track(lfwImage, face);
    expect(tracked?.tracked).toBe(true);
    const eyes = (f: Face) => f.keypoints.slice(0, 2).flat();
    const shift = eyes(tracked as Face).map((v, i) => Math.abs(v - (eyes(face)[i] ?? 0)));
    expect(Math.max(...shift)).toBeLessThan(0.05 * face.box.width);
    expect(cosine(await engine.embed(lfwImage, tracked as Face), face.embedding as Float32Array)).toBeGreaterThan(0.95);
    const background = await sharp({ create: { width: 250, height: 250, channels: 3, background: { r: 128, g: 128, b: 128 } } })
      .jpeg()
      .toBuffer();
    expect(await engine.track(await decodeImage(background, 'grey'), face)).toBeUndefined();
  });
});
