import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetForTests } from '../../test/datasets.js';
import { lfwFolder } from '../../test/lfwFolders.js';
import { runCli } from '../../test/runCli.js';
import { doorEventAttempt } from '../store/auditLog.js';
import { readKeyFile } from '../store/keyFile.js';
import { TemplateStore } from '../store/templateStore.js';
import { MIN_MODE_APPROACHES, missingModes, modesSeen } from './cameraModeGaps.js';

describe('camera mode gaps', () => {
  it('counts the modes the door saw and names the ones a user has no template of', () => {
    const seen = modesSeen([{ colourMode: 'colour' }, { colourMode: 'mono' }, { colourMode: null }, { colourMode: 'mono' }]);
    expect(seen).toEqual({ colour: 1, grey: 2 });
    const night = { colour: 40, grey: MIN_MODE_APPROACHES };
    expect(missingModes({ colour: 5 }, night)).toEqual(['grey']);
    expect(missingModes({ colour: 5, grey: 1 }, night)).toEqual([]);
    expect(missingModes({ colour: 5 }, { colour: 40, grey: MIN_MODE_APPROACHES - 1 })).toEqual([]); // a stray grey frame is no night
    expect(missingModes({ unknown: 5 }, night)).toEqual(['colour', 'grey']); // templates of before: no mode known
  });
});

const lfw = datasetForTests('lfw', 'enrollment by camera mode on lfw-dev');
let dir: string;
let state: string;
let keyFile: string;
const cli = (...args: string[]) => runCli(['--state-dir', state, '--key-file', keyFile, '--json', ...args]);
type Listed = { users: { name: string; cameraModes: Record<string, number>; missing: string[] }[] };

beforeAll(async () => {
  if (!lfw) return;
  dir = mkdtempSync(join(tmpdir(), 'facelock-modes-'));
  state = join(dir, 'state');
  keyFile = join(dir, 'facelock.key');
  expect((await cli('key', 'init')).code).toBe(0);
  lfwFolder(lfw, join(dir, 'day'), 'Tony_Blair', [1, 2, 3, 4, 5, 6]);
  // the same person as an infrared camera gives him at night: grey (written to a temporary folder, removed after)
  mkdirSync(join(dir, 'night'));
  for (const i of [7, 8, 9, 10, 11, 12]) {
    const name = `Tony_Blair_${String(i).padStart(4, '0')}.jpg`;
    await sharp(join(lfw, 'images', 'Tony_Blair', name))
      .greyscale()
      .jpeg()
      .toFile(join(dir, 'night', name));
  }
});
afterAll(() => {
  if (lfw) rmSync(dir, { recursive: true, force: true });
});

describe.runIf(lfw)('enrollment records the camera mode and asks for the one the door sees but the user lacks', () => {
  it('enrolls by day, is asked for night templates once the door sees grey faces, and adds them keeping the day ones', async () => {
    const add = await cli('enroll', 'add', 'tony', '--images', join(dir, 'day'));
    expect(add.code, add.stderr).toBe(0);
    const day = JSON.parse(add.stdout) as { cameraModes: Record<string, number>; missingModes: string[] };
    expect(Object.keys(day.cameraModes)).toEqual(['colour']);
    expect(day.missingModes).toEqual([]); // the door has seen nothing yet
    // the door's audit log: three approaches at night (grey faces), as the daemon records them
    const store = TemplateStore.open(join(state, 'facelock.db'), readKeyFile(keyFile));
    for (let i = 0; i < 3; i++)
      store.auditLog().record({ ...doorEventAttempt('reject', 'no_match'), colourMode: 'mono', yaw: 0, pitch: 0 });
    store.close();
    const before = JSON.parse((await cli('enroll', 'list')).stdout) as Listed;
    expect(before.users[0]?.missing).toContain('grey camera mode');
    const human = await runCli(['--state-dir', state, '--key-file', keyFile, 'enroll', 'list']);
    expect(human.stdout).toMatch(/tony: .*colour \d+; missing .*grey camera mode/);
    const taken = await cli('enroll', 'add', 'tony', '--images', join(dir, 'night'));
    expect(taken.code).toBe(11);
    expect(taken.stderr).toMatch(/already enrolled: use --replace to re-enroll, --add to add templates/);
    const night = await cli('enroll', 'add', 'tony', '--add', '--images', join(dir, 'night'));
    expect(night.code, night.stderr).toBe(0);
    const after = JSON.parse((await cli('enroll', 'list')).stdout) as Listed;
    expect(after.users[0]?.cameraModes.colour).toBe(day.cameraModes.colour);
    expect(after.users[0]?.cameraModes.grey).toBeGreaterThan(0);
    expect(after.users[0]?.missing).not.toContain('grey camera mode');
  });
});
