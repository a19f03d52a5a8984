import { type Command, InvalidArgumentError } from 'commander';
import { ExitCode } from '../common/errors.js';
import { defaultThreshold } from '../model/defaultThresholds.js';
import { cosine } from '../model/embedder/embedder.js';
import type { Face } from '../model/faceTypes.js';
import { decodeImageFile } from '../model/image/decodeImage.js';
import { type CliContext, runCommand } from './cliContext.js';

interface CompareOptions {
  threshold?: number;
}

/** `facelock compare A B`: cosine similarity of the largest face in each image, and the match decision. */
export function registerCompare(program: Command, context: () => CliContext): void {
  program
    .command('compare')
    .description('compare the largest face of two images: cosine similarity and whether they match at the threshold')
    .argument('<imageA>', 'first image (JPEG, PNG, GIF, WebP, TIFF or PGM)')
    .argument('<imageB>', 'second image')
    .option('--threshold <cosine>', 'match when the similarity is above this (default: the embedder threshold for FAR 1e-4)', parseCosine)
    .addHelpText('after', '\nExit status: 0 match, 10 no match or no face, 4 unreadable image, 5 model fault.')
    .action(async (a: string, b: string, opts: CompareOptions) => {
      const ctx = context();
      await runCommand(ctx, async () => {
        const { engine } = await ctx.loadEngine();
        const threshold = opts.threshold ?? defaultThreshold(engine.embedderName);
        const faces: (Face | undefined)[] = [];
        for (const file of [a, b]) {
          const analysis = await engine.analyze(await decodeImageFile(file), { maxFaces: 1 });
          faces.push(analysis.faces[0]);
        }
        const [fa, fb] = faces;
        const missing = [fa ? undefined : a, fb ? undefined : b].filter((f): f is string => f !== undefined);
        const similarity = fa?.embedding && fb?.embedding ? cosine(fa.embedding, fb.embedding) : null;
        const match = similarity !== null && similarity > threshold;
        if (ctx.options.json) {
          ctx.print(JSON.stringify({ imageA: a, imageB: b, similarity, threshold, match, noFace: missing, embedder: engine.embedderName }));
        } else if (similarity === null) {
          ctx.print(`no face found in ${missing.join(' and ')}: no match`);
        } else {
          ctx.print(
            `similarity ${similarity.toFixed(4)} ${match ? '>' : '<='} threshold ${threshold.toFixed(4)}: ${match ? 'MATCH' : 'no match'}`,
          );
        }
        return match ? ExitCode.ok : ExitCode.noMatch;
      });
    });
}

function parseCosine(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < -1 || n > 1)
    throw new InvalidArgumentError(`a cosine similarity between -1 and 1 is needed, got '${value}'`);
  return n;
}
