import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetError } from '../common/errors.js';

/** One presentation: a bona fide (live) capture or an attack (a printed photo, a screen). */
export interface Presentation {
  readonly file: string;
  readonly attack: boolean;
  /** The subject (the NUAA file name's first field), for subject-disjoint splits. */
  readonly subject: string;
  /** The capture session (the name's fourth field), for session-disjoint splits; '' when the name does not say. */
  readonly session: string;
  /** An attack's presentation-attack instrument species (ISO/IEC 30107-3); NUAA's imposters are printed photos. */
  readonly species?: string;
  /** The recording (`live:` or `attack:` ID_glasses_position_session) and the frame's number in it. */
  readonly sequence?: string;
  readonly frame?: number;
}

const LISTS = [
  { list: 'client_train_raw.txt', folder: 'ClientRaw', attack: false, species: undefined },
  { list: 'imposter_train_raw.txt', folder: 'ImposterRaw', attack: true, species: 'printed photo' },
] as const;

/** The fields of a NUAA file name, ID_glasses_position_session_picture.jpg; undefined for another name. */
export function nuaaName(
  fileName: string,
): { subject: string; glasses: string; position: string; session: string; picture: number } | undefined {
  const m = /^(\d+)_(\d+)_(\d+)_(\d+)_(\d+)\.\w+$/.exec(fileName);
  if (!m) return undefined;
  return { subject: m[1] as string, glasses: m[2] as string, position: m[3] as string, session: m[4] as string, picture: Number(m[5]) };
}

function presentation(file: string, attack: boolean, subject: string, species: string | undefined): Presentation {
  const name = nuaaName(file.split('/').at(-1) ?? '');
  return {
    file,
    attack,
    subject,
    session: name?.session ?? '',
    ...(species ? { species } : {}),
    ...(name
      ? {
          sequence: `${attack ? 'attack' : 'live'}:${name.subject}_${name.glasses}_${name.position}_${name.session}`,
          frame: name.picture,
        }
      : {}),
  };
}

/**
 * A NUAA-format folder: `client_*.txt` and `imposter_*.txt` list images relative to ClientRaw/ and ImposterRaw/.
 * Both lists must exist and be non-empty, and every listed image must exist.
 */
export function readAttackDataset(dir: string): Presentation[] {
  const out: Presentation[] = [];
  const missing: string[] = [];
  for (const { list, folder, attack, species } of LISTS) {
    const file = join(dir, list);
    if (!existsSync(file))
      throw new DatasetError(`${file} is missing: a NUAA-format folder holds ${LISTS.map((l) => l.list).join(' and ')}`);
    const lines = readFileSync(file, 'utf8')
      .split(/\r?\n/)
      .map((l, i) => ({ path: l.trim(), line: i + 1 }))
      .filter((l) => l.path !== '');
    if (lines.length === 0) throw new DatasetError(`${file} lists no images: APCER and BPCER need both live and attack presentations`);
    for (const { path, line } of lines) {
      const image = join(dir, folder, path);
      if (!existsSync(image)) missing.push(`${list}:${line}: ${join(folder, path)}`);
      out.push(presentation(image, attack, path.split('/')[0] ?? '', species));
    }
  }
  if (missing.length > 0) throw new DatasetError(`${missing.length} listed image(s) do not exist:\n${missing.slice(0, 20).join('\n')}`);
  return out;
}

export interface LivenessResult {
  readonly threshold: number;
  readonly attacks: number;
  readonly bonaFide: number;
  /** Attack presentations classified as bona fide (ISO/IEC 30107-3). */
  readonly apcer: number;
  /** Bona fide presentations classified as attacks, a missed face included (the door does not open). */
  readonly bpcer: number;
  /** Presentations where no face was found, by kind (failure to acquire). */
  readonly attackNoFace: number;
  readonly bonaFideNoFace: number;
  /** APCER at the thresholds where BPCER is 5% and 10%. */
  readonly apcerAtBpcer: Readonly<Record<string, number>>;
  readonly det: readonly { threshold: number; apcer: number; bpcer: number }[];
}

/** APCER and BPCER at the liveness threshold (accept as live when score >= threshold), and the DET curve. */
export function livenessErrors(scores: readonly { attack: boolean; score: number | undefined }[], threshold: number): LivenessResult {
  const att = scores.filter((s) => s.attack);
  const bf = scores.filter((s) => !s.attack);
  if (att.length === 0 || bf.length === 0) throw new DatasetError('liveness evaluation needs both attack and bona fide presentations');
  const val = (s: { score: number | undefined }) => s.score ?? Number.NEGATIVE_INFINITY;
  const rates = (t: number) => ({
    apcer: att.filter((s) => val(s) >= t).length / att.length,
    bpcer: bf.filter((s) => val(s) < t).length / bf.length,
  });
  const thresholds = [...new Set(scores.map(val).filter(Number.isFinite))].sort((a, b) => a - b);
  const det = [...thresholds, Number.POSITIVE_INFINITY].map((t) => ({ threshold: t, ...rates(t) }));
  const apcerAtBpcer: Record<string, number> = {};
  for (const target of [0.05, 0.1]) {
    // the highest threshold whose BPCER stays within the target
    const ok = det.filter((d) => d.bpcer <= target);
    apcerAtBpcer[String(target)] = ok.length ? (ok.at(-1)?.apcer ?? 1) : 1;
  }
  return {
    threshold,
    attacks: att.length,
    bonaFide: bf.length,
    ...rates(threshold),
    attackNoFace: att.filter((s) => s.score === undefined).length,
    bonaFideNoFace: bf.filter((s) => s.score === undefined).length,
    apcerAtBpcer,
    det: det.filter((d) => Number.isFinite(d.threshold)),
  };
}
