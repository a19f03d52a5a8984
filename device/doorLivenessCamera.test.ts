import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJsonLines, type Transition } from '../test/daemonFixture.js';
import { datasetForTests } from '../test/datasets.js';
import { runCli } from '../test/runCli.js';

const ra = datasetForTests('replayAttack', 'the door that learns its own camera (Replay-Attack)');

/**
 * The door is calibrated on Replay-Attack's 15 train people (never the devel client below). With 6 of them, the
 * threshold held apart by person let this client's phone video through: fewer people, weaker door (docs/decisions.md).
 */
const isCalibrationPerson = (v: { split: string }) => v.split === 'train';
/** A devel client: a person the door's head never saw. */
const CLIENT = '003';

const videos = () =>
  readFileSync(join(ra as string, 'videos.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','))
    .map(([split, video, client, , species]) => ({
      split: split as string,
      video: video as string,
      client: client as string,
      species: species as string,
    }));
/** Links the frames of some videos into a folder (the frames stay where the dataset keeps them). */
const link = (folder: string, split: string, names: readonly string[]) => {
  mkdirSync(folder, { recursive: true });
  for (const v of names)
    for (const f of readdirSync(join(ra as string, split, v)).sort())
      symlinkSync(join(ra as string, split, v, f), join(folder, `${v}_${f}`));
  return folder;
};
const config = (dir: string, name: string, source: string, calibration: boolean) => {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    [
      `stateDir: ${join(dir, 'state')}`,
      `keyFile: ${join(dir, 'key')}`,
      `lock: { driver: sim, simFile: ${join(dir, `${name}.lock.jsonl`)}, unlockMs: 500 }`,
      'status: { port: 0 }',
      `camera: { kind: replay, source: ${source}, framerate: 10 }`,
      ...(calibration ? [`decision: { calibrationFile: ${join(dir, 'calibration.json')} }`] : []),
    ].join('\n'),
    { mode: 0o600 },
  );
  return file;
};
const transitions = (dir: string, name: string) => readJsonLines<Transition>(join(dir, `${name}.lock.jsonl`));

async function phoneVideoStaysLocked(dir: string, base: readonly string[]): Promise<void> {
  const all = videos();
  const live = (client: string, what: string) => `client${client}_session01_webcam_authenticate_${what}`;
  expect((await runCli([...base, 'key', 'init'])).code).toBe(0);
  const enrol = link(join(dir, 'enrol'), 'devel', [live(CLIENT, 'controlled_1'), live(CLIENT, 'adverse_1')]);
  const enrolled = await runCli([...base, 'enroll', 'add', 'client3', '--images', enrol]);
  expect(enrolled.code, enrolled.stdout + enrolled.stderr).toBe(0);
  const phoneVideo = all.filter((v) => v.split === 'devel' && v.client === CLIENT && v.species === 'phone-video').map((v) => v.video);
  expect(phoneVideo.length).toBe(4);
  const attack = link(join(dir, 'attack'), 'devel', phoneVideo);
  const door = link(join(dir, 'live'), 'devel', [live(CLIENT, 'controlled_2'), live(CLIENT, 'adverse_2')]);

  // before the door knows its camera: the daemon says so at start
  const uncalibrated = await runCli(['run', '--config', config(dir, 'uncalibrated', attack, false)]);
  expect(uncalibrated.code, uncalibrated.stderr).toBe(0);
  expect(uncalibrated.stdout).toMatch(/this door has no liveness calibration of its own/);
  expect(uncalibrated.stdout).toMatch(/presentation attacks tier=.*factory texture model/);

  // the door learns its camera from other people's live faces and attacks (features only, kept sealed)
  const presentations = join(dir, 'presentations');
  for (const v of all.filter(isCalibrationPerson))
    link(join(presentations, v.species, `client${v.client}--${v.video}`), 'train', [v.video]);
  const calibrated = await runCli(
    [
      ...base,
      'calibrate',
      'liveness',
      '--presentations',
      presentations,
      '--write',
      join(dir, 'calibration.json'),
      '--out',
      join(dir, 'report'),
    ],
    { timeoutMs: 300_000 },
  ); // 1,800 frames: about 45 s alone, more on a loaded machine
  expect(calibrated.code, calibrated.stdout + calibrated.stderr).toBe(0);
  expect(calibrated.stdout).toMatch(/recordings: live 60, phone-photo 60, phone-video 60, print 60, tablet-photo 60, tablet-video 60/);
  expect(calibrated.stdout).toMatch(/APCER phone-video: per frame [\d.]+% \(\d+\/300/);
  expect(calibrated.stdout).toMatch(/each of 15 people scored by a head that never saw them/);
  const sealed = readFileSync(join(dir, 'state', 'door-liveness-presentations.sealed'));
  expect(sealed.subarray(0, 5).toString()).toBe('FLDL1');
  expect(sealed.includes(Buffer.from('phone-video'))).toBe(false); // sealed: not even the species names are readable

  await runCli([...base, 'lockout', 'clear']);
  const a = await runCli(['run', '--config', config(dir, 'attack', attack, true)]);
  expect(a.code, a.stdout + a.stderr).toBe(0);
  expect(a.stdout).toMatch(/liveness model=door minLiveness=0\.\d+ thresholdFrom=door-calibration/);
  expect(a.stdout).toMatch(/presentation attacks tier=.*door's own calibration/);
  expect(a.stdout).not.toMatch(/no liveness calibration of its own/);
  expect(a.stdout).toMatch(/decision outcome=reject .*reason=spoof/);
  expect(a.stdout).not.toMatch(/outcome=unlock/);
  expect(transitions(dir, 'attack').every((x) => x.state === 'locked')).toBe(true);

  await runCli([...base, 'lockout', 'clear']);
  const l = await runCli(['run', '--config', config(dir, 'live', door, true)]);
  expect(l.code, l.stdout + l.stderr).toBe(0);
  expect(l.stdout).toMatch(/decision outcome=unlock user=client3 /);
  expect(transitions(dir, 'live').some((x) => x.state === 'unlocked')).toBe(true);
}

async function guidedAtTheCamera(dir: string, base: readonly string[]): Promise<void> {
  // the door's camera: a replay that shows an empty scene first, then the client's face
  const scene = join(dir, 'guided-scene');
  mkdirSync(scene);
  for (let i = 0; i < 3; i++)
    await sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 90, g: 90, b: 90 } } })
      .jpeg()
      .toFile(join(scene, `0${i}-empty.jpg`));
  link(scene, 'devel', [`client${CLIENT}_session01_webcam_authenticate_controlled_1`]);
  const withLoop = (name: string, source: string) => {
    const file = config(dir, name, source, true);
    writeFileSync(file, readFileSync(file, 'utf8').replace('framerate: 10 }', 'framerate: 10, loop: true }'), { mode: 0o600 });
    return file;
  };
  const guided = (name: string, source: string, extra: string[]) =>
    runCli(
      [
        ...base,
        'calibrate',
        'liveness',
        '--guided',
        '--config',
        withLoop(name, source),
        '--species',
        'live,print',
        '--countdown',
        '0',
        '--out',
        join(dir, `report-${name}`),
        ...extra,
      ],
      { timeoutMs: 200_000 },
    ); // the head is refitted on all 1,807 frames kept
  const r = await guided('guided', scene, ['--frames-per-step', '4', '--step-seconds', '10', '--person', 'client003']);
  expect(r.code, r.stdout + r.stderr).toBe(0);
  expect(r.stdout).toMatch(/stand in front of the door and look at the camera/);
  expect(r.stdout).toMatch(/no face seen: hold it so that the face fills/);
  expect(r.stdout).toMatch(/\[#{20}\] 4\/4/);
  expect(r.stdout).toMatch(/hold a printed photo of a face/);
  expect(r.stdout).toMatch(/door liveness head: 1807 frames \(1799 kept from earlier calibrations\)/);
  const emptyScene = join(dir, 'empty-scene');
  mkdirSync(emptyScene);
  await sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 30, g: 60, b: 90 } } })
    .jpeg()
    .toFile(join(emptyScene, 'empty.jpg'));
  const e = await guided('empty', emptyScene, ['--frames-per-step', '4', '--step-seconds', '1']);
  expect(e.code, e.stdout + e.stderr).toBe(0);
  expect(e.stdout).toMatch(/again \(3\/3\): stand in front of the door/);
  expect(e.stdout).toMatch(/refused: no face seen in 1 s/);
  expect(e.stdout).toMatch(/not shown \(no face seen in 3 tries\): live, print/);
  expect(e.stdout).toMatch(/door liveness head: 1807 frames \(1807 kept from earlier calibrations\)/);
}

describe.runIf(ra)("facelock run with the door's own liveness calibration (real process, Replay-Attack frames, simulated lock)", () => {
  // made when the tests run, not when a skipped suite is collected
  let dir = '';
  let base: string[] = [];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'facelock-door-liveness-'));
    base = ['--state-dir', join(dir, 'state'), '--key-file', join(dir, 'key')];
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it(
    'keeps a phone-video replay of an enrolled person locked and opens for their other live video',
    () => phoneVideoStaysLocked(dir, base),
    420_000,
  );

  it(
    "leads the owner through it at the door's camera, refusing a step that shows no face, and adds to what it kept",
    () => guidedAtTheCamera(dir, base),
    420_000, // two guided runs, each refitting the head on the 1,807 frames kept (about a minute each on 2 cores)
  );
});
