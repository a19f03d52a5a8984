import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { LabelledEmbedding } from '../../calibration/allPairsScores.js';
import { FaceApiPeer, peerName, peerSimilarity } from '../../calibration/faceApiPeer.js';
import { labelledFace } from '../../calibration/labelledFace.js';
import { silentLogger } from '../../common/logger.js';
import { cosine } from '../../model/embedder/embedder.js';
import { decodeImageFile } from '../../model/image/decodeImage.js';
import {
  DEFAULT_ENGINE_CONFIG,
  type DetectorName,
  type EmbedderName,
  loadFaceEngine,
  type NetRuntime,
} from '../../model/loadFaceEngine.js';
import { networkWork, PI_CORE_PEAK_GFLOPS } from './benchFlops.js';
import { cameraFrames, latencyImages, lfwFoldImages } from './benchImages.js';
import { approachLatency, frameFormatCost, idleCpu, loopLatency } from './benchLoop.js';
import { peerLatency, separation } from './benchPeer.js';
import { serviceMemoryEnv } from './serviceMemoryEnv.js';
import { summary } from './stats.js';

const { values: args } = parseArgs({
  options: {
    'per-dataset': { type: 'string', default: '15' },
    repeats: { type: 'string', default: '3' },
    folds: { type: 'string', default: '1' },
    embedder: { type: 'string', default: DEFAULT_ENGINE_CONFIG.embedder },
    detector: { type: 'string', default: DEFAULT_ENGINE_CONFIG.detector },
    threads: { type: 'string' },
    runtime: { type: 'string', default: DEFAULT_ENGINE_CONFIG.runtime },
    'no-peer': { type: 'boolean', default: false },
    'no-separation': { type: 'boolean', default: false },
    'no-loop': { type: 'boolean', default: false },
    'no-flops': { type: 'boolean', default: false },
    'idle-seconds': { type: 'string', default: '20' },
    'idle-every': { type: 'string', default: '8' },
    json: { type: 'string' },
    'own-env': { type: 'boolean', default: false },
  },
});

// the bench (and the daemon it starts) runs under the memory settings of the shipped service, unless --own-env
const serviceEnv = serviceMemoryEnv();
if (!args['own-env'] && Object.entries(serviceEnv).some(([k, v]) => process.env[k] !== v)) {
  const settings = Object.entries(serviceEnv).map(([k, v]) => `${k}=${v}`);
  process.stdout.write(`bench runs under the service's memory settings (systemd/facelock.service): ${settings.join(' ')}\n`);
  const again = spawnSync(process.execPath, process.argv.slice(1), { stdio: 'inherit', env: { ...process.env, ...serviceEnv } });
  process.exit(again.status ?? 1);
}

const ms = (v: number) => Math.round(v * 10) / 10;
const report: Record<string, unknown> = {
  date: new Date().toISOString(),
  node: process.version,
  command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
  memorySettings: args['own-env'] ? 'own' : serviceEnv,
};
const print = (line: string) => process.stdout.write(`${line}\n`);

// 1. load
const engineConfig = {
  ...DEFAULT_ENGINE_CONFIG,
  embedder: args.embedder as EmbedderName,
  detector: args.detector as DetectorName,
  runtime: args.runtime as NetRuntime,
  ...(args.threads ? { threads: Number(args.threads) } : {}),
};
const { engine, loadMs } = await loadFaceEngine(engineConfig, silentLogger);
report.backend = engine.info.backend;
report.embedder = engine.embedderName;
report.detector = engineConfig.detector;
report.runtime = engineConfig.runtime;
report.modelLoadMs = ms(loadMs);
print(
  `facelock bench: backend ${engine.info.backend}, tfjs-made nets on ${engineConfig.runtime}, detector ${engineConfig.detector}, embedder ${engine.embedderName}, model load ${ms(loadMs)} ms`,
);

// 2. per-stage latency over real images
const images = latencyImages(Number(args['per-dataset']));
const repeats = Number(args.repeats);
const stages: Record<string, number[]> = {
  decode: [],
  detect: [],
  landmarks: [],
  embed: [],
  liveness: [],
  textureLiveness: [],
  passiveLiveness: [],
  /** The door's own head (facelock calibrate liveness): its features are the cost, the dot product is nothing. */
  doorLiveness: [],
  detectLandmarksEmbed: [],
};
for (const file of images) await engine.analyze(await decodeImageFile(file), { liveness: true, maxFaces: 1 }); // warm-up
for (let r = 0; r < repeats; r++) {
  for (const file of images) {
    const t = performance.now();
    const image = await decodeImageFile(file);
    stages.decode?.push(performance.now() - t);
    const a = await engine.analyze(image, { liveness: true, maxFaces: 1 });
    if (a.faces.length === 0) continue;
    stages.detect?.push(a.timings.detect);
    stages.landmarks?.push(a.timings.landmarks);
    stages.embed?.push(a.timings.embed);
    stages.liveness?.push(a.timings.liveness);
    stages.detectLandmarksEmbed?.push(a.timings.detect + a.timings.landmarks + a.timings.embed);
    const face = a.faces[0];
    if (face) {
      const t2 = performance.now();
      await engine.liveProbability(image, face);
      const t3 = performance.now();
      await engine.passiveProbability(image, face);
      const t4 = performance.now();
      engine.doorPadFeatures(image, face);
      stages.textureLiveness?.push(t3 - t2);
      stages.passiveLiveness?.push(t4 - t3);
      stages.doorLiveness?.push(performance.now() - t4);
    }
  }
}
const latency = Object.fromEntries(
  Object.entries(stages).map(([k, v]) => [k, { median: ms(summary(v).median), p95: ms(summary(v).p95), n: v.length }]),
);
report.images = images.length;
report.latencyMs = latency;
report.peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
print(`per-stage latency over ${images.length} images x ${repeats} (ms, median / p95):`);
for (const [k, v] of Object.entries(latency)) print(`  ${k.padEnd(22)} ${String(v.median).padStart(7)} / ${v.p95}`);
print(`peak RSS ${report.peakRssMb} MB (before the peer is loaded)`);

// 3. the daemon's loop: frame-to-decision through the same stages, and idle CPU of a real `facelock run`
if (!args['no-loop']) {
  const moving = latencyImages(Number(args['per-dataset'])).filter((f) => f.endsWith('.jpg'));
  const l = await loopLatency(engine, moving, Number(args.repeats));
  report.loop = {
    frames: l.frames,
    frameToDecisionMs: { median: ms(l.frameToDecisionMs.median), p95: ms(l.frameToDecisionMs.p95) },
    engineMs: { median: ms(l.engineMs.median), p95: ms(l.engineMs.p95) },
    fps: Math.round(l.fps * 10) / 10,
    p95OverEngineMedian: Math.round((l.frameToDecisionMs.p95 / l.engineMs.median) * 100) / 100,
  };
  print(
    `loop: frame-to-decision ${ms(l.frameToDecisionMs.median)} ms median / ${ms(l.frameToDecisionMs.p95)} ms p95 over ${l.frames} JPEG frames (${Math.round(l.fps * 10) / 10} fps); engine alone ${ms(l.engineMs.median)} ms median; p95 / engine median = ${(report.loop as { p95OverEngineMedian: number }).p95OverEngineMedian}`,
  );
  const yuv = await loopLatency(engine, moving, Number(args.repeats), 'yuv420');
  report.loopYuv420 = {
    frames: yuv.frames,
    frameToDecisionMs: { median: ms(yuv.frameToDecisionMs.median), p95: ms(yuv.frameToDecisionMs.p95) },
  };
  print(
    `loop on raw YUV420 frames (camera.format yuv420): frame-to-decision ${ms(yuv.frameToDecisionMs.median)} ms median / ${ms(yuv.frameToDecisionMs.p95)} ms p95 over ${yuv.frames} frames`,
  );
  const approach: Record<string, unknown> = {};
  for (const [format, trackFrames, attack] of [
    ['jpeg', 0, false],
    ['jpeg', 2, false],
    ['yuv420', 0, false],
    ['yuv420', 2, false],
    ['yuv420', 0, true],
    ['yuv420', 2, true],
  ] as const) {
    const a = await approachLatency(engine, { trackFrames, format, clients: 8, perSession: attack ? 30 : 12, attack });
    const who = attack ? 'printed photos of the clients' : 'live clients';
    approach[`${format} trackFrames ${trackFrames}${attack ? ' attack' : ''}`] = {
      frames: a.frames,
      frameToDecisionMs: { median: ms(a.median), p95: ms(a.p95) },
      stageMedianMs: Object.fromEntries(Object.entries(a.stages).map(([k, v]) => [k, ms(v)])),
      p95OverMedian: Math.round((a.p95 / a.median) * 100) / 100,
      tracked: Math.round(a.trackedShare * 1000) / 1000,
      trackedFrameMs: ms(a.trackedMs),
      detectedFrameMs: ms(a.detectedMs),
      accepted: Math.round(a.acceptedShare * 1000) / 1000,
    };
    print(
      `approach, NUAA ${who} (15 fps, enrolled from the other live session), ${format}, engine.trackFrames ${trackFrames}: frame-to-decision ${ms(a.median)} ms median / ${ms(a.p95)} ms p95 over ${a.frames} frames; ${Math.round(a.trackedShare * 100)}% followed without the detector (median ${ms(a.trackedMs)} ms; detected frames ${ms(a.detectedMs)} ms), ${(a.acceptedShare * 100).toFixed(1)}% accepted (matched and live)`,
    );
    print(
      `  stage medians (ms): ${Object.entries(a.stages)
        .map(([k, v]) => `${k} ${ms(v)}`)
        .join(', ')}`,
    );
  }
  report.approach = approach;
  const nuaaFrames = cameraFrames(Number(args['per-dataset']));
  const formats = await frameFormatCost(nuaaFrames, Number(args.repeats));
  report.frameFormatMs = Object.fromEntries(Object.entries(formats).map(([k, v]) => [k, { median: ms(v.median), p95: ms(v.p95) }]));
  print(
    `a 640x480 camera frame, ms median (p95) over ${formats.jpegThumb.n}: JPEG motion thumbnail ${ms(formats.jpegThumb.median)} (${ms(formats.jpegThumb.p95)}), JPEG decode ${ms(formats.jpegDecode.median)} (${ms(formats.jpegDecode.p95)}); YUV420 Y-plane thumbnail ${ms(formats.yuvThumb.median)} (${ms(formats.yuvThumb.p95)}), YUV420 -> RGB ${ms(formats.yuvDecode.median)} (${ms(formats.yuvDecode.p95)})`,
  );
  const idleYuv = await idleCpu(Number(args['idle-seconds']), Number(args['idle-every']), engineConfig, 'rpicam-yuv420');
  report.idleYuv420 = {
    cpuPercentOfOneCore: Math.round(idleYuv.cpuPercentOfOneCore * 100) / 100,
    peakRssMb: Math.round(idleYuv.peakRssMb),
  };
  print(
    `idle on raw YUV420 (the fake rpicam-vid streaming the same still scene): ${Math.round(idleYuv.cpuPercentOfOneCore * 100) / 100}% of one core over ${Math.round(idleYuv.seconds)} s, peak RSS ${Math.round(idleYuv.peakRssMb)} MB`,
  );
  const idle = await idleCpu(Number(args['idle-seconds']), Number(args['idle-every']), engineConfig);
  report.idle = {
    cpuPercentOfOneCore: Math.round(idle.cpuPercentOfOneCore * 100) / 100,
    rssStartMb: Math.round(idle.rssStartMb),
    rssEndMb: Math.round(idle.rssEndMb),
    peakRssMb: Math.round(idle.peakRssMb),
    seconds: Math.round(idle.seconds),
  };
  print(
    `idle: facelock run on a static 640x480 scene at 15 fps, motion.idleEvery ${args['idle-every']}: ${(report.idle as { cpuPercentOfOneCore: number }).cpuPercentOfOneCore}% of one core over ${Math.round(idle.seconds)} s; RSS ${Math.round(idle.rssStartMb)} -> ${Math.round(idle.rssEndMb)} MB, peak ${Math.round(idle.peakRssMb)} MB`,
  );
}

// 4. the peer on the same images, same backend: its default (tiny detector) and its best (SSD) configuration
const peers: FaceApiPeer[] = [];
if (!args['no-peer']) {
  const ours = summary(stages.detectLandmarksEmbed ?? []).median;
  const reports: Record<string, unknown>[] = [];
  for (const detector of ['tiny', 'ssd'] as const) {
    const peer = await FaceApiPeer.load(detector);
    peers.push(peer);
    const t = await peerLatency(peer, images, repeats);
    const ratio = Math.round((t.total.median / ours) * 100) / 100;
    reports.push({
      name: peerName(detector),
      detectMs: ms(t.detect.median),
      detectLandmarksEmbedMs: { median: ms(t.total.median), p95: ms(t.total.p95), n: t.total.n },
      speedRatio: ratio,
    });
    print(`peer ${peerName(detector)}: detect ${ms(t.detect.median)} ms, detect+landmarks+embed ${ms(t.total.median)} ms median`);
    print(`speed: facelock detect+landmarks+embed ${ms(ours)} ms vs this peer ${ms(t.total.median)} ms -> ${ratio}x`);
  }
  report.peers = reports;
}

// 5. separation: all pairs of the images of the chosen lfw-dev folds, the labelled (central) face of each
if (!args['no-separation']) {
  const folds = args.folds.split(',').map(Number);
  const { images: lfw } = lfwFoldImages(folds);
  const ours: LabelledEmbedding[] = [];
  const theirs: LabelledEmbedding[][] = peers.map(() => []);
  for (const it of lfw) {
    const image = await decodeImageFile(it.path);
    const face = labelledFace((await engine.analyze(image, { embed: false })).faces, (f) => f.detectionBox, image);
    ours.push({ identity: it.identity, embedding: face ? await engine.embed(image, face) : undefined });
    for (const [i, peer] of peers.entries()) theirs[i]?.push({ identity: it.identity, embedding: await peer.describe(image) });
  }
  const sep: Record<string, unknown> = { folds, facelock: separation(ours, cosine) };
  peers.forEach((peer, i) => {
    sep[`face-api ${peer.detector}`] = separation(theirs[i] ?? [], peerSimilarity);
  });
  report.separation = sep;
  for (const [who, m] of Object.entries(sep)) {
    if (who === 'folds') continue;
    const r = m as ReturnType<typeof separation>;
    print(
      `separation ${who.padEnd(13)} lfw-dev folds ${folds.join(',')}: ${r.images} images (${r.noFace} no face), ${r.genuinePairs} genuine / ${r.impostorPairs} impostor pairs: AUC ${r.auc}, TAR@FAR1e-3 ${r.far1e3.tar} (thr ${r.far1e3.threshold}), TAR@FAR1e-4 ${r.far1e4.tar} (thr ${r.far1e4.threshold})`,
    );
  }
}

// 6. each network's counted work and a Pi estimate; last, so that its sessions (every inner tensor an output)
// do not count in the peaks above
if (!args['no-flops']) {
  const work = await networkWork();
  report.networkWork = { arch: process.arch, ...work };
  print(
    `network work (${process.arch}), one thread; this core's 1024^3 matrix product on ONNX Runtime: ${Math.round(work.sgemmGflopsHere)} GFLOP/s`,
  );
  const pis = Object.keys(PI_CORE_PEAK_GFLOPS);
  print(
    `  ${'network'.padEnd(11)} ${'GFLOP'.padStart(6)} ${'ms here'.padStart(8)} ${'GFLOP/s'.padStart(8)} ${'of GEMM'.padStart(8)}  ${pis.map((p) => `${p} ms (estimate)`).join('  ')}`,
  );
  for (const n of work.networks)
    print(
      `  ${n.network.padEnd(11)} ${n.gflop.toFixed(3).padStart(6)} ${ms(n.msHere).toString().padStart(8)} ${n.gflopsHere.toFixed(1).padStart(8)} ${`${Math.round(n.ofSgemm * 100)}%`.padStart(8)}  ${Object.values(
        n.piMs,
      )
        .map((v) => `~${ms(v)}`.padStart(pis[0]?.length ?? 20))
        .join('  ')}`,
    );
}

if (args.json) writeFileSync(args.json, `${JSON.stringify(report, null, 2)}\n`);
