import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImageFile } from '../../model/image/decodeImage.js';
import { DoorFixture } from '../../test/daemonFixture.js';
import { datasetForTests } from '../../test/datasets.js';
import { runCli } from '../../test/runCli.js';

const lfw = datasetForTests('lfw', 'coverage and drift through the daemon');
const yale = datasetForTests('yale', 'coverage and drift through the daemon (Yale faces)');
const orl = datasetForTests('orl', 'coverage through the daemon (ORL pose changes)');
const DAY = 86_400_000;

/** Yale's frontal, centre-lit faces of six subjects as JPEG frames, at `gain` times their brightness (temp files). */
async function yaleFrames(dir: string, name: string, gain: number): Promise<string> {
  const out = join(dir, name);
  mkdirSync(out);
  for (const s of ['02', '03', '04', '05', '06', '07']) {
    await sharp(join(yale as string, `subject${s}.normal`))
      .linear(gain, 0)
      .jpeg()
      .toFile(join(out, `s${s}.jpg`));
  }
  return out;
}

const ready = lfw && yale && orl;
let f: DoorFixture;
let normal: string;
let dark: string;
beforeAll(async () => {
  if (!ready) return;
  f = await DoorFixture.create(lfw as string);
  normal = await yaleFrames(f.dir, 'yale-normal', 1);
  dark = await yaleFrames(f.dir, 'yale-dark', 0.3);
});
afterAll(() => {
  if (!ready) return;
  if (process.env.KEEP_COVERAGE_SHOT) spawnSync('cp', [join(f.dir, 'coverage.png'), '/tmp/coverage.png']);
  f.cleanup();
});

// one approach per frame: frames at least 250 ms apart (a slow machine only spreads them), an approach ends 100 ms
// after its last face; each run starts with the lockout that the strangers of the run before left cleared
const replay = async (name: string, source: string) => {
  await f.clearLockout();
  return runCli([
    'run',
    '--config',
    f.config(name, `camera: { kind: replay, source: ${source}, framerate: 4 }\ndecision: { windowMs: 100 }\nmotion: { holdMs: 0 }\n`),
  ]);
};
const attemptsJson = async () => {
  const r = await runCli([...f.base, '--json', 'attempts', 'list', '--limit', '1000']);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { poseBin: string | null; lightSide: number | null; luminance: number | null; colourMode: string | null });
};
/** The coverage report as of `at` (the end of the last replay), so the windows do not move with the machine's speed. */
const coverage = async (driftWindow: { recentDays: number; referenceDays: number }, at: number, html?: string) => {
  const cfg = f.config(
    'cov',
    `drift: { recentDays: ${driftWindow.recentDays}, referenceDays: ${driftWindow.referenceDays}, minSamples: 5 }\n`,
  );
  const r = await runCli([
    ...f.base,
    '--json',
    'coverage',
    '--config',
    cfg,
    '--at',
    new Date(at).toISOString(),
    ...(html ? ['--html', html] : []),
  ]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as {
    approaches: number;
    drift: { measure: string; warning: string }[];
    lightByHour: { rows: string[]; counts: number[][] };
    frrByBin: { condition: string; bin: string; approaches: number }[];
  };
};

describe.runIf(ready)('coverage and drift, with real faces through the daemon', () => {
  it('finds the replayed conditions in their bins, and raises a light drift alarm only when the light changed', async () => {
    const t0 = Date.now();
    expect((await replay('ref', normal)).code).toBe(0);
    const t1 = Date.now();
    expect((await replay('same', normal)).code).toBe(0);
    const t2 = Date.now();
    // the recent window holds the second run only: same light, no alarm
    const sameLight = await coverage({ recentDays: (t2 - t1) / DAY, referenceDays: (t1 - t0 + 2000) / DAY }, t2);
    expect(sameLight.approaches, 'one approach per Yale face found, in each of the two runs').toBeGreaterThanOrEqual(10);
    expect(sameLight.frrByBin.find((b) => b.condition === 'pose' && b.bin === 'frontal')?.approaches).toBeGreaterThanOrEqual(10);
    expect(sameLight.drift.filter((d) => d.measure === 'face luminance')).toEqual([]);

    expect((await replay('dark', dark)).code).toBe(0);
    const t3 = Date.now();
    const darker = await coverage({ recentDays: (t3 - t2) / DAY, referenceDays: (t2 - t0 + 2000) / DAY }, t3, join(f.dir, 'coverage.html'));
    expect(darker.drift.find((d) => d.measure === 'face luminance')?.warning).toMatch(
      /face luminance drifted .*re-enroll users in the new light/,
    );
    expect(darker.drift.map((d) => d.measure)).not.toContain('yaw'); // the same faces, darker: the pose did not move
    const low = darker.lightByHour.rows.findIndex((r) => r === '0..40' || r === '40..80');
    const hour = new Date().getHours();
    const dim = darker.lightByHour.rows.slice(0, 2).reduce((s, _, i) => s + (darker.lightByHour.counts[i]?.[hour] ?? 0), 0);
    expect(low).toBeGreaterThanOrEqual(0);
    expect(dim).toBeGreaterThanOrEqual(5); // the darkened faces sit in the two darkest bins
  });

  it("puts ORL's turned heads in the left and right pose bins, and Yale's side-lit faces on their lit side", async () => {
    const before = (await attemptsJson()).length;
    const poses = join(f.dir, 'orl-s1');
    mkdirSync(poses);
    // a camera sends JPEG: the PGM files are converted (in the test's temporary folder)
    for (let i = 1; i <= 10; i++) {
      const img = await decodeImageFile(join(orl as string, 's1', `${i}.pgm`));
      await sharp(Buffer.from(img.data), { raw: { width: img.width, height: img.height, channels: 3 } })
        .jpeg()
        .toFile(join(poses, `${String(i).padStart(2, '0')}.jpg`));
    }
    expect((await replay('orl', poses)).code).toBe(0);
    const orlRows = (await attemptsJson()).slice(before);
    // subject 1 looks ahead, then turns about 20 degrees each way (our yaw: 0, -19, -2, 19, -24, 20, 2, -2, -7, -14)
    expect([...new Set(orlRows.map((r) => r.poseBin))]).toEqual(expect.arrayContaining(['frontal', 'left', 'right']));
    // one run per subject: after 5 failed approaches in a row the door locks out (30 s), so runs stay short
    for (const s of ['02', '03', '04', '05']) {
      const light = join(f.dir, `yale-light-${s}`);
      mkdirSync(light);
      for (const c of ['centerlight', 'leftlight', 'rightlight'])
        symlinkSync(join(yale as string, `subject${s}.${c}`), join(light, `${c}.gif`));
      const mark = (await attemptsJson()).length;
      expect((await replay(`yale-light-${s}`, light)).code).toBe(0);
      const rows = (await attemptsJson()).slice(mark);
      expect(rows, `subject ${s}: one approach per lighting`).toHaveLength(3);
      const [centre, left, right] = rows.map((r) => r.lightSide ?? 0); // frames play in name order: centre, left, right
      expect(Math.abs(left as number)).toBeGreaterThan(Math.abs(centre as number));
      expect(Math.abs(right as number)).toBeGreaterThan(Math.abs(centre as number));
      expect(Math.sign(left as number)).toBe(-Math.sign(right as number));
      expect(rows.map((r) => r.colourMode)).toEqual(['mono', 'mono', 'mono']); // Yale is grey: what an IR camera gives at night
    }
  });
});

describe.runIf(ready)('the coverage page and retention, with real faces through the daemon', () => {
  it('renders the coverage page in headless Chromium with its heatmaps', () => {
    const page = join(f.dir, 'coverage.html');
    expect(existsSync(page)).toBe(true);
    const which = spawnSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8' });
    expect(which.status, 'chromium is installed by .ci/run (Debian package chromium)').toBe(0);
    const dom = spawnSync(which.stdout.trim(), ['--headless', '--no-sandbox', '--disable-gpu', '--dump-dom', `file://${page}`], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(dom.status, dom.stderr).toBe(0);
    expect(dom.stdout.match(/<svg/g)?.length).toBe(3); // pose heatmap, light-by-hour heatmap, FRR bars
    // every heatmap cell is a mark Vega labels with its row and column (the light map alone has 24 hours x 6 bands)
    expect(dom.stdout.match(/<path aria-label="column: [^"]*; row: /g)?.length).toBeGreaterThan(24 * 6);
    expect(dom.stdout).toMatch(/class="drift"/);
    const shot = join(f.dir, 'coverage.png');
    const r = spawnSync(
      which.stdout.trim(),
      ['--headless', '--no-sandbox', '--disable-gpu', `--screenshot=${shot}`, '--window-size=1000,900', `file://${page}`],
      {
        timeout: 60_000,
      },
    );
    expect(r.status).toBe(0);
    expect(readFileSync(shot).subarray(1, 4).toString()).toBe('PNG');
  });
});

describe.runIf(ready)('retention of attempts and frames, with real faces through the daemon', () => {
  it('purges attempts beyond the retention limit, and a removed user leaves no attempt behind', async () => {
    expect(
      (
        await runCli([
          'run',
          '--config',
          f.config('laura', `camera: { kind: replay, source: ${join(f.dir, 'laura-door')}, framerate: 5 }\n`),
        ])
      ).code,
    ).toBe(0);
    const db = () => new Database(join(f.dir, 'state', 'facelock.db'));
    const count = (sql: string) => {
      const d = db();
      const n = (d.prepare(sql).get() as { n: number }).n;
      d.close();
      return n;
    };
    expect(count('SELECT count(*) AS n FROM attempts WHERE user_id = 1')).toBeGreaterThanOrEqual(1);
    // age the Yale approaches by 3 days; retention 1 day removes exactly them
    const d = db();
    const aged = d.prepare("UPDATE attempts SET at = '2020-01-01T00:00:00.000Z' WHERE user_id IS NULL").run().changes;
    d.close();
    const before = count('SELECT count(*) AS n FROM attempts');
    const purge = await runCli([...f.base, 'attempts', 'purge', '--config', f.config('purge', 'retention: { days: 1 }\n')]);
    expect(purge.code, purge.stderr).toBe(0);
    expect(count('SELECT count(*) AS n FROM attempts')).toBe(before - aged);
    expect((await runCli([...f.base, 'enroll', 'remove', 'laura'])).code).toBe(0);
    expect(count('SELECT count(*) AS n FROM attempts WHERE user_id = 1')).toBe(0);
    expect(count("SELECT count(*) AS n FROM users WHERE name = 'laura'")).toBe(0);
  });
});

describe.runIf(ready)('frame retention, with real faces through the daemon', () => {
  it('keeps frames only sealed, exports them for calibrate when asked, and forgets them with their user', async () => {
    // the test before removed Laura: enroll her again from the same photos
    expect((await runCli([...f.base, 'enroll', 'add', 'laura', '--images', join(f.dir, 'laura')])).code).toBe(0);
    await f.clearLockout(); // the strangers of the tests before locked this door out
    const retain = (name: string, source: string) =>
      runCli([
        'run',
        '--config',
        // a pulse longer than the replay: one approach per run
        f.config(
          name,
          `camera: { kind: replay, source: ${source}, framerate: 5 }\nretention: { frames: true }\n`,
          'lock: { driver: sim, unlockMs: 5000 }',
        ),
      ]);
    for (const [name, source] of [
      ['r1', join(f.dir, 'laura-door')],
      ['r2', join(f.dir, 'laura-door')],
      ['r3', join(f.dir, 'impostor-door')],
    ] as const)
      expect((await retain(name, source)).code).toBe(0);
    const db = new Database(join(f.dir, 'state', 'facelock.db'), { readonly: true });
    const frames = (db.prepare('SELECT count(*) AS n FROM frames').get() as { n: number }).n;
    const reject = db.prepare("SELECT id FROM attempts WHERE outcome = 'reject' ORDER BY id DESC LIMIT 1").get() as { id: number };
    db.close();
    expect(frames).toBe(3);
    for (const file of ['facelock.db', 'facelock.db-wal'].map((n) => join(f.dir, 'state', n)).filter(existsSync))
      expect(readFileSync(file).includes(Buffer.from([0xff, 0xd8, 0xff])), `${file} holds no plain JPEG`).toBe(false);
    expect((await runCli([...f.base, 'attempts', 'label', String(reject.id), 'impostor'])).code).toBe(0);
    const out = join(f.dir, 'export');
    const exp = await runCli([...f.base, '--json', 'export-training', '--out', out, '--frames']);
    expect(exp.code, exp.stderr).toBe(0);
    expect(JSON.parse(exp.stdout)).toMatchObject({ images: 3, identities: 2, pairs: 2 });
    expect(readFileSync(join(out, 'images', 'laura', 'laura_0002.jpg')).subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    const cal = await runCli(
      [...f.base, '--json', 'calibrate', '--pairs', out, '--out', join(f.dir, 'cal'), '--bootstrap', '20', '--no-cache'],
      {
        timeoutMs: 110_000,
      },
    );
    // calibrate reads the exported frames; two pairs set no door threshold, so it writes a report and no calibration file
    expect(cal.code, cal.stderr).toBe(4);
    expect(cal.stderr).toMatch(/no calibration file written: threshold .* is outside \[0\.2527, 1\)/);
    expect(JSON.parse(cal.stdout).metrics.failedToEnrol).toBe(0);
    expect((await runCli([...f.base, 'enroll', 'remove', 'laura'])).code).toBe(0);
    const after = new Database(join(f.dir, 'state', 'facelock.db'), { readonly: true });
    const left = (after.prepare('SELECT count(*) AS n FROM frames').get() as { n: number }).n;
    after.close();
    expect(left).toBe(1); // the impostor's frame: it belonged to nobody enrolled
  });
});
