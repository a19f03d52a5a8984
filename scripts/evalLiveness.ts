/**
 * Presentation-attack detection on nuaa-train, per part of its subject and session split (calibration/splits/nuaa-train.json): approaches of
 * 10 consecutive frames of one NUAA sequence (ID_glasses_position_session, in frame order) scored by the shipped
 * antispoof and liveness nets (mean over the frames, threshold 0.5), by active liveness (a tilt one plane explains
 * = attack; parallax = live), and by a candidate fused rule (shipped antispoof and no planar tilt).
 * Usage: npm run build && node dist/scripts/evalLiveness.js [--frames 10]
 */
import { parseArgs } from 'node:util';
import { readAttackDataset } from '../calibration/attackData.js';
import { NUAA_PARTS, nuaaPartOf, nuaaSplit } from '../calibration/splitManifest.js';
import { datasetDir } from '../common/datasets.js';
import { silentLogger } from '../common/logger.js';
import { decodeImageFile } from '../model/image/decodeImage.js';
import { ApproachLiveness } from '../model/liveness/activeLiveness.js';
import { DEFAULT_ENGINE_CONFIG, loadFaceEngine } from '../model/loadFaceEngine.js';

const { values } = parseArgs({ options: { frames: { type: 'string', default: '10' } } });
const perApproach = Number(values.frames);
const nuaa = datasetDir('nuaa');
if (!nuaa) throw new Error('nuaa-train is not on this machine');
const presentations = readAttackDataset(nuaa);
const split = nuaaSplit(presentations);
const started = performance.now();
const { engine } = await loadFaceEngine(DEFAULT_ENGINE_CONFIG, silentLogger);
const sequences = new Map<string, { attack: boolean; part: string; files: { file: string; n: number }[] }>();
for (const p of presentations) {
  const name = p.file.split('/').at(-1) as string;
  const m = /^(.*)_(\d+)\.jpg$/.exec(name);
  if (!m) continue;
  const key = `${p.attack ? 'A' : 'L'}:${m[1]}`;
  const s = sequences.get(key) ?? { attack: p.attack, part: nuaaPartOf(split, p), files: [] };
  s.files.push({ file: p.file, n: Number(m[2]) });
  sequences.set(key, s);
}
type Row = { part: string; attack: boolean; antispoof: boolean; liveness: boolean; planar: boolean; depth: boolean };
const rows: Row[] = [];
for (const s of sequences.values()) {
  const files = s.files.sort((a, b) => a.n - b.n);
  for (let start = 0; start + perApproach <= files.length; start += perApproach) {
    const active = new ApproachLiveness();
    let spoof = 0;
    let live = 0;
    let faces = 0;
    for (const { file } of files.slice(start, start + perApproach)) {
      const image = await decodeImageFile(file);
      const face = (await engine.analyze(image, { maxFaces: 1, embed: false, liveness: true })).faces[0];
      if (!face) continue;
      faces++;
      spoof += face.antispoof ?? 0;
      live += face.liveness ?? 0;
      active.add(face.landmarks, face.eyes);
    }
    const e = active.evidence();
    rows.push({
      part: s.part,
      attack: s.attack,
      antispoof: faces > 0 && spoof / faces >= 0.5,
      liveness: faces > 0 && live / faces >= 0.5,
      planar: e.planar,
      depth: e.depth,
    });
  }
}
const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
for (const part of NUAA_PARTS) {
  const r = rows.filter((x) => x.part === part);
  const att = r.filter((x) => x.attack);
  const bf = r.filter((x) => !x.attack);
  const rates = (live: (x: Row) => boolean) =>
    `APCER ${pct(att.filter(live).length / att.length)}  BPCER ${pct(bf.filter((x) => !live(x)).length / bf.length)}`;
  process.stdout.write(`${part}: ${att.length} attack and ${bf.length} bona fide approaches of ${perApproach} frames\n`);
  process.stdout.write(`  shipped antispoof >= 0.5      ${rates((x) => x.antispoof)}\n`);
  process.stdout.write(`  shipped liveness >= 0.5       ${rates((x) => x.liveness)}\n`);
  process.stdout.write(`  active: no planar motion      ${rates((x) => !x.planar)}\n`);
  process.stdout.write(`  active: 3-D motion shown      ${rates((x) => x.depth)}\n`);
  process.stdout.write(`  fused (antispoof, no planar)  ${rates((x) => x.antispoof && !x.planar)}\n`);
}
process.stdout.write(`wall time ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
