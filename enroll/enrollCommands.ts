import { readFileSync, writeFileSync } from 'node:fs';
import { type Command, InvalidArgumentError } from 'commander';
import { EnrollError, ExitCode, StoreError } from '../common/errors.js';
import { type CliContext, runCommand } from '../device/cli/cliContext.js';
import { openTemplateStore } from '../device/store/openStore.js';
import { type TemplateStore, validateName } from '../device/store/templateStore.js';
import { defaultThreshold } from '../model/defaultThresholds.js';
import { openBackup, sealBackup } from './backup.js';
import { collectTemplates, findDuplicate, type ImageReport, listImages, missingBins, selectTemplates } from './enrollImages.js';
import { POSE_PROMPTS } from './poseBins.js';
import { DEFAULT_QUALITY_LIMITS } from './qualityGates.js';
import { verifyImages } from './verifyImages.js';

const positiveInt = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 100) throw new InvalidArgumentError('a whole number from 1 to 100 is needed');
  return n;
};

/** Runs `body` with the store open, and closes it whatever happens. */
async function withStore(ctx: CliContext, body: (store: TemplateStore) => Promise<number> | number): Promise<number> {
  const store = openTemplateStore(ctx.options.paths);
  try {
    return await body(store);
  } finally {
    store.close();
  }
}

function progressLine(total: number) {
  return (r: ImageReport, i: number) =>
    `[${i + 1}/${total}] ${r.file}: ${r.accepted ? `accepted (${r.poseBin})` : `skipped, ${r.reason}${r.detail ? ` (${r.detail})` : ''}`}`;
}

function readPassphrase(file: string | undefined): string {
  if (file) return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  const env = process.env.FACELOCK_BACKUP_PASSPHRASE;
  if (env) return env;
  throw new StoreError('backup_invalid', 'no passphrase: pass --passphrase-file FILE or set FACELOCK_BACKUP_PASSPHRASE');
}

/** `facelock enroll …`: add, list, remove, rename, verify, export, import. */
export function registerEnroll(program: Command, context: () => CliContext): void {
  const enroll = program.command('enroll').description('manage enrolled users and their face templates (stored encrypted)');

  enroll
    .command('add')
    .description('enroll a user from a folder of photos of them (one person per photo)')
    .argument('<name>', 'the user name (1-64 characters)')
    .requiredOption('--images <dir>', 'folder of photos of this person; capture from the camera arrives with the camera adapters')
    .option('--max-templates <n>', 'templates to keep, spread over head poses', positiveInt, 12)
    .option('--replace', 're-enroll: replace the templates of an existing user', false)
    .addHelpText(
      'after',
      '\nExit status: 0 enrolled, 11 refused (name taken, face already enrolled as someone else, no usable photo), 4 unreadable folder, 8 store or key fault.',
    )
    .action(async (name: string, opts: { images: string; maxTemplates: number; replace: boolean }) => {
      const ctx = context();
      await runCommand(ctx, () =>
        withStore(ctx, async (store) => {
          validateName(name);
          const existing = store.findUser(name);
          if (existing && !opts.replace)
            throw new EnrollError('user_exists', `a user named "${name}" is already enrolled: use --replace to re-enroll, or another name`);
          if (!existing && opts.replace) throw new EnrollError('user_unknown', `no user named "${name}" to re-enroll`);
          const files = listImages(opts.images);
          const { engine } = await ctx.loadEngine();
          const line = progressLine(files.length);
          const { candidates, reports } = await collectTemplates(
            engine,
            files,
            { limits: DEFAULT_QUALITY_LIMITS, checkLiveness: false },
            (r, i) => ctx.progress(line(r, i)),
          );
          if (candidates.length === 0) {
            throw new EnrollError(
              'enroll_rejected',
              `none of the ${files.length} images of ${opts.images} passed the quality checks; nothing was stored`,
            );
          }
          const templates = selectTemplates(candidates, opts.maxTemplates);
          const duplicate = findDuplicate(store.templates(), templates, defaultThreshold(engine.embedderName), name);
          if (duplicate) {
            throw new EnrollError(
              'enroll_rejected',
              `this face matches the enrolled user "${duplicate.user}" (similarity ${duplicate.similarity.toFixed(3)}); nothing was stored`,
            );
          }
          const user = existing ? store.replaceTemplates(name, templates) : store.addUser(name, templates);
          const missing = missingBins(user.coverage);
          if (ctx.options.json) {
            ctx.print(JSON.stringify({ user: user.name, templates: user.templates, coverage: user.coverage, missing, images: reports }));
          } else {
            ctx.print(
              `enrolled "${user.name}": ${user.templates} template(s) from ${candidates.length} of ${files.length} images; poses ${Object.entries(
                user.coverage,
              )
                .map(([b, n]) => `${b} ${n}`)
                .join(', ')}`,
            );
            for (const bin of missing) ctx.print(`  still missing: ${bin} (${POSE_PROMPTS[bin]})`);
          }
          return ExitCode.ok;
        }),
      );
    });

  enroll
    .command('list')
    .description('enrolled users with their template counts and pose coverage')
    .action(async () => {
      const ctx = context();
      await runCommand(ctx, () =>
        withStore(ctx, (store) => {
          const users = store.listUsers();
          if (ctx.options.json) ctx.print(JSON.stringify({ users: users.map((u) => ({ ...u, missing: missingBins(u.coverage) })) }));
          else if (users.length === 0) ctx.print('no users enrolled');
          else
            for (const u of users)
              ctx.print(
                `${u.name}: ${u.templates} template(s); ${Object.entries(u.coverage)
                  .map(([b, n]) => `${b} ${n}`)
                  .join(', ')}; missing ${missingBins(u.coverage).join(', ') || 'none'}`,
              );
          return ExitCode.ok;
        }),
      );
    });

  enroll
    .command('remove')
    .description('remove a user and their templates (overwritten in the file, not recoverable)')
    .argument('<name>')
    .action(async (name: string) => {
      const ctx = context();
      await runCommand(ctx, () =>
        withStore(ctx, (store) => {
          store.removeUser(name);
          ctx.print(ctx.options.json ? JSON.stringify({ removed: name }) : `removed "${name}"`);
          return ExitCode.ok;
        }),
      );
    });

  enroll
    .command('rename')
    .description('rename a user (templates are bound to the user, not the name)')
    .argument('<from>')
    .argument('<to>')
    .action(async (from: string, to: string) => {
      const ctx = context();
      await runCommand(ctx, () =>
        withStore(ctx, (store) => {
          const u = store.renameUser(from, to);
          ctx.print(ctx.options.json ? JSON.stringify({ renamed: from, to: u.name }) : `renamed "${from}" to "${u.name}"`);
          return ExitCode.ok;
        }),
      );
    });

  enroll
    .command('verify')
    .description("check photos against a user's templates, as the door would (best template, default threshold)")
    .argument('<name>')
    .requiredOption('--images <dir>', 'folder of photos to check; a live camera check arrives with the camera adapters')
    .addHelpText('after', '\nExit status: 0 at least one photo matched, 10 none did.')
    .action(async (name: string, opts: { images: string }) => {
      const ctx = context();
      await runCommand(ctx, () =>
        withStore(ctx, async (store) => {
          const templates = store.templates(name);
          const { engine } = await ctx.loadEngine();
          const threshold = defaultThreshold(engine.embedderName);
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
    });

  enroll
    .command('export')
    .description('write an encrypted backup of every user (AES-256-GCM, key from a passphrase via scrypt)')
    .argument('<file>')
    .option('--passphrase-file <file>', 'file holding the passphrase (else $FACELOCK_BACKUP_PASSPHRASE)')
    .action(async (file: string, opts: { passphraseFile?: string }) => {
      const ctx = context();
      await runCommand(ctx, () =>
        withStore(ctx, (store) => {
          const backup = sealBackup(store.templates(), readPassphrase(opts.passphraseFile));
          writeFileSync(file, `${JSON.stringify(backup)}\n`, { mode: 0o600, flag: 'wx' });
          const users = store.listUsers().length;
          ctx.print(ctx.options.json ? JSON.stringify({ file, users }) : `wrote ${users} user(s) to ${file}`);
          return ExitCode.ok;
        }),
      );
    });

  enroll
    .command('import')
    .description('restore users from an encrypted backup; users whose name exists are left alone')
    .argument('<file>')
    .option('--passphrase-file <file>', 'file holding the passphrase (else $FACELOCK_BACKUP_PASSPHRASE)')
    .action(async (file: string, opts: { passphraseFile?: string }) => {
      const ctx = context();
      await runCommand(ctx, () =>
        withStore(ctx, (store) => {
          const users = openBackup(readFileSync(file, 'utf8'), readPassphrase(opts.passphraseFile), file);
          const imported: string[] = [];
          const skipped: string[] = [];
          for (const u of users) {
            if (store.findUser(u.name)) skipped.push(u.name);
            else {
              store.addUser(u.name, u.templates);
              imported.push(u.name);
            }
          }
          ctx.print(
            ctx.options.json
              ? JSON.stringify({ imported, skipped })
              : `imported ${imported.length} user(s)${skipped.length ? `; kept the existing ${skipped.join(', ')}` : ''}`,
          );
          return ExitCode.ok;
        }),
      );
    });
}
