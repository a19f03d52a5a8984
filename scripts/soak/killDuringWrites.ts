import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { datasetDir } from '../../common/datasets.js';
import { seededRandom } from '../../common/seededRandom.js';
import { openTemplateStore } from '../../device/store/openStore.js';
import { createDoor, facelock, must, type PhaseResult, type SoakDoor, timesOf } from './soakWorld.js';

type Op = 'import' | 'remove' | 'rotate' | 'add';

/**
 * SIGKILL at random points of the commands that write the store: `enroll import` of a backup and `enroll remove`
 * (one user in and out), `key rotate`, and `enroll add` from photos. After every kill the store is opened as the next
 * command would (an interrupted rotation finished), checked by SQLite, every template decrypted, and compared with
 * what must be there: each user whole or absent, the others unchanged. Nothing may be lost or half-written.
 */
export async function killDuringWrites(o: { kills: number; seed: number; addShare: number }): Promise<PhaseResult> {
  const random = seededRandom(o.seed);
  const door = await createDoor('writes');
  const broken: string[] = [];
  try {
    const expected = await prepare(door);
    const whole: Record<Op, number> = {
      import: (await run(door, 'import')).ms,
      remove: (await run(door, 'remove')).ms,
      rotate: (await run(door, 'rotate')).ms,
      add: (await run(door, 'add')).ms,
    };
    const counts = { kills: 0, completed: 0, checks: 0, import: 0, remove: 0, rotate: 0, add: 0 };
    const checkMs: number[] = [];
    while (counts.kills < o.kills) {
      const r = random();
      const op: Op =
        r < o.addShare
          ? 'add'
          : r < o.addShare + (1 - o.addShare) / 3
            ? 'rotate'
            : r < o.addShare + (2 * (1 - o.addShare)) / 3
              ? 'import'
              : 'remove';
      // spread over the whole command: start-up, the work, and the commit at its end
      const ran = await run(door, op, whole[op] * (0.2 + 0.9 * random()));
      counts[op]++;
      if (ran.signal === 'SIGKILL') counts.kills++;
      else counts.completed++;
      const t = performance.now();
      const problem = check(door, expected);
      checkMs.push(performance.now() - t);
      counts.checks++;
      if (problem) broken.push(`after ${op} (${ran.signal ?? `exit ${ran.code}`}): ${problem}`);
      if (broken.length > 10) break;
    }
    const verify = await facelock([...door.base, 'enroll', 'verify', 'laura', '--images', door.lauraDoor]);
    if (verify.code !== 0) broken.push(`laura no longer verifies after the kills: ${verify.stdout}${verify.stderr}`);
    return {
      phase: 'SIGKILL during enrollment and key rotation',
      counts,
      times: { wholeCommandMs: timesOf(Object.values(whole)), checkMs: timesOf(checkMs) },
      broken,
    };
  } finally {
    door.cleanup();
  }
}

interface Expected {
  readonly laura: number;
  readonly stranger: number;
  guest: number;
}

/** Laura enrolled; the stranger in a backup (exported, then removed); a third person's photos for enroll add. */
async function prepare(door: SoakDoor): Promise<Expected> {
  const lfw = datasetDir('lfw') as string;
  must(await facelock([...door.base, 'enroll', 'add', 'stranger', '--images', door.stranger]), 'enroll add stranger');
  writeFileSync(join(door.dir, 'pass'), 'soak passphrase of the backup\n', { mode: 0o600 });
  must(
    await facelock([...door.base, 'enroll', 'export', join(door.dir, 'backup.json'), '--passphrase-file', join(door.dir, 'pass')]),
    'export',
  );
  const store = openTemplateStore(paths(door));
  const users = Object.fromEntries(store.listUsers().map((u) => [u.name, u.templates]));
  store.close();
  must(await facelock([...door.base, 'enroll', 'remove', 'stranger']), 'remove stranger');
  mkdirSync(join(door.dir, 'guest'));
  for (const i of [1, 2, 3, 4, 5, 6]) {
    const file = `Andre_Agassi_${String(i).padStart(4, '0')}.jpg`;
    symlinkSync(join(lfw, 'images', 'Andre_Agassi', file), join(door.dir, 'guest', file));
  }
  return { laura: users.laura ?? 0, stranger: users.stranger ?? 0, guest: 0 };
}

/** Removals alternate between the imported stranger and the enrolled guest. */
let removeNext = false;

function run(door: SoakDoor, op: Op, killAfterMs?: number) {
  const pass = ['--passphrase-file', join(door.dir, 'pass')];
  const args: Record<Op, string[]> = {
    import: ['enroll', 'import', join(door.dir, 'backup.json'), ...pass],
    remove: ['enroll', 'remove', removeNext ? 'guest' : 'stranger'],
    rotate: ['key', 'rotate'],
    add: ['enroll', 'add', 'guest', '--images', join(door.dir, 'guest')],
  };
  if (op === 'remove') removeNext = !removeNext;
  return facelock([...door.base, ...args[op]], killAfterMs === undefined ? {} : { killAfterMs });
}

const paths = (door: SoakDoor) => ({ stateDir: join(door.dir, 'state'), keyFile: join(door.dir, 'key') });

/** What is wrong with the store now, or undefined: opened as the next command opens it, every template decrypted. */
function check(door: SoakDoor, e: Expected): string | undefined {
  let store: ReturnType<typeof openTemplateStore>;
  try {
    store = openTemplateStore(paths(door));
  } catch (err) {
    return `the store does not open: ${(err as Error).message}`;
  }
  try {
    const integrity = store.integrityCheck();
    if (integrity !== 'ok') return `integrity_check: ${integrity}`;
    store.templates(); // every template decrypts under the key the store holds now
    const users = Object.fromEntries(store.listUsers().map((u) => [u.name, u.templates]));
    if (users.laura !== e.laura) return `laura has ${users.laura} templates, not ${e.laura}`;
    if (users.stranger !== undefined && users.stranger !== e.stranger)
      return `stranger is half-imported: ${users.stranger} of ${e.stranger}`;
    if (users.guest !== undefined) {
      if (e.guest === 0) e.guest = users.guest; // the first complete add tells how many it keeps
      if (users.guest !== e.guest) return `guest is half-enrolled: ${users.guest} of ${e.guest} templates`;
    }
    const others = Object.keys(users).filter((n) => !['laura', 'stranger', 'guest'].includes(n));
    if (others.length > 0) return `unexpected users: ${others.join(', ')}`;
    return undefined;
  } catch (err) {
    return `the store is unreadable: ${(err as Error).message}`;
  } finally {
    store.close();
  }
}
