import type { Command } from 'commander';
import { ExitCode } from '../common/errors.js';
import type { Face } from '../model/faceTypes.js';
import { decodeImageFile } from '../model/image/decodeImage.js';
import { type CliContext, runCommand } from './cliContext.js';

/** What `inspect` reports of a face: geometry, pose, quality and liveness; never the embedding itself. */
export function describeFace(face: Face) {
  const round = (v: number, d = 1) => Math.round(v * 10 ** d) / 10 ** d;
  return {
    box: { x: round(face.box.x), y: round(face.box.y), width: round(face.box.width), height: round(face.box.height) },
    detectionScore: round(face.detectionScore, 3),
    meshScore: round(face.meshScore, 3),
    pose: face.pose,
    eyes: face.eyes,
    live: face.live === undefined ? null : round(face.live, 3),
    passive: face.passive === undefined ? null : round(face.passive, 3),
    antispoof: face.antispoof === undefined ? null : round(face.antispoof, 3),
    liveness: face.liveness === undefined ? null : round(face.liveness, 3),
    embeddingSize: face.embedding?.length ?? 0,
  };
}

/** `facelock inspect IMG`: every face with its pose, quality and liveness scores. */
export function registerInspect(program: Command, context: () => CliContext): void {
  program
    .command('inspect')
    .description('list every face in an image with its box, pose, eye openness and liveness scores')
    .argument('<images...>', 'image files (JPEG, PNG, GIF, WebP, TIFF or PGM)')
    .addHelpText('after', '\nExit status: 0 a face in every image, 10 an image without a face, 4 unreadable image.')
    .action(async (images: string[]) => {
      const ctx = context();
      await runCommand(ctx, async () => {
        const { engine } = await ctx.loadEngine();
        let allHaveFaces = true;
        for (const file of images) {
          const analysis = await engine.analyze(await decodeImageFile(file), { liveness: true });
          const faces = analysis.faces.map(describeFace);
          const timings = Object.fromEntries(Object.entries(analysis.timings).map(([k, v]) => [k, Math.round(v * 10) / 10]));
          if (faces.length === 0) allHaveFaces = false;
          if (ctx.options.json) {
            ctx.print(JSON.stringify({ image: file, width: analysis.width, height: analysis.height, faces, timingsMs: timings }));
            continue;
          }
          ctx.print(`${file}: ${analysis.width}x${analysis.height}, ${faces.length === 0 ? 'no face' : `${faces.length} face(s)`}`);
          faces.forEach((f, i) => {
            ctx.print(
              `  face ${i + 1}: box ${f.box.x},${f.box.y} ${f.box.width}x${f.box.height} score ${f.detectionScore} ` +
                `yaw ${f.pose.yaw} pitch ${f.pose.pitch} roll ${f.pose.roll} eyes ${f.eyes.left}/${f.eyes.right} ` +
                `p(live) ${f.live} (texture), ${f.passive} (trained net), antispoof ${f.antispoof} liveness ${f.liveness} (shipped)`,
            );
          });
        }
        return allHaveFaces ? ExitCode.ok : ExitCode.noMatch;
      });
    });
}
