import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { type Command, InvalidArgumentError } from 'commander';
import { EnrollError, ExitCode, StoreError } from '../common/errors.js';
import { createCamera } from '../device/camera/createCamera.js';
import { missingModes, modePrompt, modesSeen } from '../device/coverage/cameraModeGaps.js';
import { type CameraMode, templatesFor, type UserSummary, validateName } from '../device/store/templateRecords.js';
import type { TemplateStore } from '../device/store/templateStore.js';
import { type AcquireOptions, acquireTemplates } from '../enroll/acquireTemplates.js';
import { openBackup, sealBackup } from '../enroll/backup.js';
import { findDuplicate, listImages, missingBins } from '../enroll/enrollImages.js';
import { DEFAULT_QUALITY_LIMITS } from '../enroll/qualityGates.js';
import { verifyImages } from '../enroll/verifyImages.js';
import { verifyLive } from '../enroll/verifyLive.js';
import { defaultThreshold } from '../model/defaultThresholds.js';
import { POSE_PROMPTS } from '../model/poseBins.js';
import { addCameraOptions, type CameraCliOptions, cameraConfig, secondsOption } from './cameraOptions.js';
import { type CliContext, runCommand, withStore } from './cliContext.js';

const positiveInt = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 100) throw new InvalidArgumentError('a whole number from 1 to 100 is needed');
  return n;
};

type AddOptions = Omit<AcquireOptions, 'camera'> & CameraCliOptions & { replace: boolean; add: boolean };

function readPassphrase(file: string | undefined): string {
  if (file) return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  const env = process.env.FACELOCK_BACKUP_PASSPHRASE;
  if (env) return env;
  throw new StoreError('backup_invalid', 'no passphrase: pass --passphrase-file FILE or set FACELOCK_BACKUP_PASSPHRASE');
}

/** Turns a command body that needs the store into a commander action: the store is open while it runs. */
type StoreAction = <A extends unknown[]>(
  body: (ctx: CliContext, store: TemplateStore, ...args: A) => Promise<number> | number,
) => (...args: A) => Promise<void>;

/** `facelock enroll …`: add, list, remove, rename, verify, export, import. */
export function registerEnroll(program: Command, context: () => CliContext): void {
  const enroll = program.command('enroll').description('manage enrolled users and their face templates (stored encrypted)');
  const action: StoreAction =
    (body) =>
    async (...args) => {
      const ctx = context();
      await runCommand(ctx, () => withStore(ctx, (store) => body(ctx, store, ...args)));
    };
  registerAdd(enroll, action);
  registerList(enroll, action);
  registerRemoveAndRename(enroll, action);
  registerVerify(enroll, action);
  registerBackup(enroll, action);
}

function registerAdd(enroll: Command, withStoreAction: StoreAction): void {
  addCameraOptions(
    enroll
      .command('add')
      .description('enroll a user in front of the camera (guided through head poses and light) or from a folder of photos')
      .argument('<name>', 'the user name (1-64 characters)')
      .option('--images <dir>', 'enroll from this folder of photos of the person (one person per photo) instead of the camera')
      .option('--max-templates <n>', 'templates to keep, spread over head poses', positiveInt, 12)
      .option('--replace', 're-enroll: replace the templates of an existing user', false)
      .option('--add', 'add templates to an existing user, keeping theirs (at night under infrared beside a day enrollment)', false)
      .addOption(secondsOption('--pose-timeout <s>', 'camera: seconds to wait for each pose', 15))
      .option('--no-lighting', 'camera: do not ask for a second lighting'),
  )
    .addHelpText(
      'after',
      '\nExit status: 0 enrolled, 11 refused (name taken, face already enrolled as someone else, nothing usable), 4 unreadable folder, 6 camera fault, 8 store or key fault.',
    )
    .action(
      withStoreAction(async (ctx, store, name: string, opts: AddOptions) => {
        validateName(name);
        const existing = store.findUser(name);
        if (opts.replace && opts.add) throw new EnrollError('user_invalid', '--replace and --add exclude each other: pick one');
        if (existing && !opts.replace && !opts.add)
          throw new EnrollError(
            'user_exists',
            `a user named "${name}" is already enrolled: use --replace to re-enroll, --add to add templates, or another name`,
          );
        if (!existing && (opts.replace || opts.add))
          throw new EnrollError('user_unknown', `no user named "${name}" to ${opts.add ? 'add to' : 're-enroll'}`);
        const { engine } = await ctx.loadEngine();
        const { templates, reports, source } = await acquireTemplates(ctx, engine, { ...opts, camera: cameraConfig(opts) });
        const current = templatesFor(store.templates(), engine.embedderName).usable;
        const duplicate = findDuplicate(current, templates, defaultThreshold(engine.embedderName), name);
        if (duplicate) {
          throw new EnrollError(
            'enroll_rejected',
            `this face matches the enrolled user "${duplicate.user}" (similarity ${duplicate.similarity.toFixed(3)}); nothing was stored`,
          );
        }
        const user = !existing
          ? store.addUser(name, templates)
          : opts.add
            ? store.addTemplates(name, templates)
            : store.replaceTemplates(name, templates);
        printEnrolled(ctx, user, source, reports, doorModes(store));
        return ExitCode.ok;
      }),
    );
}

/** The days of the audit log enrollment reads to know which camera modes the door sees. */
const MODE_DAYS = 30;

/** Approaches per camera mode over the last MODE_DAYS (the door's own audit log: what its camera gives by day and night). */
function doorModes(store: TemplateStore): Record<CameraMode, number> {
  return modesSeen(store.auditLog().attemptsSince(new Date(Date.now() - MODE_DAYS * 86_400_000).toISOString()));
}

function printEnrolled(ctx: CliContext, user: UserSummary, source: string, reports: unknown[], seen: Record<CameraMode, number>): void {
  const missing = missingBins(user.coverage);
  const modes = missingModes(user.cameraModes, seen);
  if (ctx.options.json) {
    ctx.print(
      JSON.stringify({
        user: user.name,
        templates: user.templates,
        coverage: user.coverage,
        cameraModes: user.cameraModes,
        missing,
        missingModes: modes,
        images: reports,
      }),
    );
    return;
  }
  const poses = Object.entries(user.coverage)
    .map(([b, n]) => `${b} ${n}`)
    .join(', ');
  ctx.print(`enrolled "${user.name}": ${user.templates} template(s) from ${source}; poses ${poses}; ${modeCounts(user.cameraModes)}`);
  for (const bin of missing) ctx.print(`  still missing: ${bin} (${POSE_PROMPTS[bin]})`);
  for (const mode of modes) ctx.print(`  still missing: ${modePrompt(mode, user.name, seen, MODE_DAYS)}`);
}

const modeCounts = (modes: UserSummary['cameraModes']) =>
  Object.entries(modes)
    .map(([m, n]) => `${m} ${n}`)
    .join(', ');

function registerList(enroll: Command, withStoreAction: StoreAction): void {
  enroll
    .command('list')
    .description('enrolled users with their template counts and pose coverage')
    .action(
      withStoreAction((ctx, store) => {
        const users = store.listUsers();
        const seen = doorModes(store);
        const gaps = (u: UserSummary) => [...missingBins(u.coverage), ...missingModes(u.cameraModes, seen).map((m) => `${m} camera mode`)];
        if (ctx.options.json) ctx.print(JSON.stringify({ users: users.map((u) => ({ ...u, missing: gaps(u) })) }));
        else if (users.length === 0) ctx.print('no users enrolled');
        else
          for (const u of users)
            ctx.print(
              `${u.name}: ${u.templates} template(s) (${u.embedders.join(', ')}); ${Object.entries(u.coverage)
                .map(([b, n]) => `${b} ${n}`)
                .join(', ')}; ${modeCounts(u.cameraModes)}; missing ${gaps(u).join(', ') || 'none'}`,
            );
        return ExitCode.ok;
      }),
    );
}

function registerRemoveAndRename(enroll: Command, withStoreAction: StoreAction): void {
  enroll
    .command('remove')
    .description('remove a user and their templates (overwritten in the file, not recoverable)')
    .argument('<name>')
    .action(
      withStoreAction((ctx, store, name: string) => {
        store.removeUser(name);
        ctx.print(ctx.options.json ? JSON.stringify({ removed: name }) : `removed "${name}"`);
        return ExitCode.ok;
      }),
    );

  enroll
    .command('rename')
    .description('rename a user (templates are bound to the user, not the name)')
    .argument('<from>')
    .argument('<to>')
    .action(
      withStoreAction((ctx, store, from: string, to: string) => {
        const u = store.renameUser(from, to);
        ctx.print(ctx.options.json ? JSON.stringify({ renamed: from, to: u.name }) : `renamed "${from}" to "${u.name}"`);
        return ExitCode.ok;
      }),
    );
}

function registerVerify(enroll: Command, withStoreAction: StoreAction): void {
  addCameraOptions(
    enroll
      .command('verify')
      .description('check a user in front of the camera (k of n frames must match and look live), or photos, against their templates')
      .argument('<name>')
      .option('--images <dir>', 'check this folder of photos instead of the camera')
      .addOption(secondsOption('--seconds <s>', 'camera: how long to watch', 6)),
  )
    .addHelpText('after', '\nExit status: 0 verified (camera: 3 matching live frames; photos: at least one matched), 10 not verified.')
    .action(
      withStoreAction(async (ctx, store, name: string, opts: CameraCliOptions & { images?: string; seconds: number }) => {
        const { engine } = await ctx.loadEngine();
        const own = templatesFor(store.templates(name), engine.embedderName);
        if (own.advice) throw new EnrollError('enroll_rejected', own.advice);
        const templates = own.usable;
        const threshold = defaultThreshold(engine.embedderName);
        if (!opts.images) {
          const camera = createCamera(cameraConfig(opts), ctx.log);
          ctx.progress(`look at the camera for up to ${opts.seconds} s...`);
          const live = await verifyLive(camera, engine, templates, {
            seconds: opts.seconds,
            threshold,
            minLive: DEFAULT_QUALITY_LIMITS.minLive || engine.liveThreshold,
            k: 3,
          });
          ctx.print(
            ctx.options.json
              ? JSON.stringify({ user: name, threshold, ...live })
              : `${live.match ? 'VERIFIED' : 'not verified'}: ${live.matched} of ${live.withFace} frames with a face matched "${name}" (best ${live.bestSimilarity?.toFixed(4) ?? 'none'}, threshold ${threshold})`,
          );
          return live.match ? ExitCode.ok : ExitCode.noMatch;
        }
        const results = await verifyImages(engine, templates, listImages(opts.images), threshold);
        const matched = results.filter((r) => r.match).length;
        if (ctx.options.json) ctx.print(JSON.stringify({ user: name, threshold, matched, images: results }));
        else {
          for (const r of results)
            ctx.print(`${r.file}: ${r.similarity === null ? r.reason : `${r.similarity.toFixed(4)} ${r.match ? 'MATCH' : 'no match'}`}`);
          ctx.print(`${matched} of ${results.length} photos matched "${name}" at threshold ${threshold}`);
        }
        return matched > 0 ? ExitCode.ok : ExitCode.noMatch;
      }),
    );
}

function registerBackup(enroll: Command, withStoreAction: StoreAction): void {
  enroll
    .command('export')
    .description('write an encrypted backup of every user (AES-256-GCM, key from a passphrase via scrypt)')
    .argument('<file>')
    .option('--passphrase-file <file>', 'file holding the passphrase (else $FACELOCK_BACKUP_PASSPHRASE)')
    .action(
      withStoreAction((ctx, store, file: string, opts: { passphraseFile?: string }) => {
        const backup = sealBackup(store.templates(), readPassphrase(opts.passphraseFile));
        if (existsSync(file))
          throw new StoreError('backup_invalid', `${file} exists: facelock does not overwrite a backup; choose another file name`);
        writeFileSync(file, `${JSON.stringify(backup)}\n`, { mode: 0o600, flag: 'wx' });
        const users = store.listUsers().length;
        ctx.print(ctx.options.json ? JSON.stringify({ file, users }) : `wrote ${users} user(s) to ${file}`);
        return ExitCode.ok;
      }),
    );

  enroll
    .command('import')
    .description('restore users from an encrypted backup; in one transaction; users whose name exists are left alone')
    .argument('<file>')
    .option('--passphrase-file <file>', 'file holding the passphrase (else $FACELOCK_BACKUP_PASSPHRASE)')
    .action(
      withStoreAction((ctx, store, file: string, opts: { passphraseFile?: string }) => {
        const users = openBackup(readFileSync(file, 'utf8'), readPassphrase(opts.passphraseFile), file);
        const { imported, skipped } = store.importUsers(users);
        ctx.print(
          ctx.options.json
            ? JSON.stringify({ imported, skipped })
            : `imported ${imported.length} user(s)${skipped.length ? `; kept the existing ${skipped.join(', ')}` : ''}`,
        );
        return ExitCode.ok;
      }),
    );
}
