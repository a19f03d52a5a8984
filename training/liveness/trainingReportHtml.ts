import { escapeHtml } from '../../common/escapeHtml.js';
import { chart } from '../../common/plots/plotPlaces.js';
import { renderPlotsIn } from '../../common/plots/renderPlots.js';
import type { TrainLivenessReport } from './trainLiveness.js';

const pct = (v: number | null) => (v === null ? '-' : `${(100 * v).toFixed(1)}%`);

/** The training report: learning curves and their reading, the search's trials, the epochs, APCER/BPCER per part. */
export async function renderTrainingReportHtml(r: TrainLivenessReport): Promise<string> {
  const curve = chart(
    'Learning curve: half total error against training-set size',
    { label: 'training examples', min: 0, max: Math.max(...r.curve.map((c) => c.examples)) },
    { label: 'error', min: 0, max: Math.max(0.05, ...r.curve.flatMap((c) => [c.trainError, c.devError])) },
    [
      { name: 'train', colour: '#1f77b4', points: r.curve.map((c) => [c.examples, c.trainError] as const) },
      { name: 'dev', colour: '#d62728', points: r.curve.map((c) => [c.examples, c.devError] as const) },
    ],
  );
  const epochs = chart(
    'Loss per epoch (winning trial)',
    { label: 'epoch', min: 0, max: Math.max(1, r.history.length - 1) },
    { label: 'loss', min: 0, max: Math.max(0.1, ...r.history.flatMap((h) => [h.trainLoss, h.devLoss])) },
    [
      { name: 'train (augmented)', colour: '#1f77b4', points: r.history.map((h) => [h.epoch, h.trainLoss] as const) },
      { name: 'dev', colour: '#d62728', points: r.history.map((h) => [h.epoch, h.devLoss] as const) },
    ],
  );
  const trials = chart(
    'Search: dev loss by learning rate',
    { label: 'learning rate', log: true, min: 1e-5, max: 1e-1 },
    { label: 'dev loss', min: 0, max: Math.max(0.1, ...r.trials.map((t) => (Number.isFinite(t.devLoss) ? t.devLoss : 0))) },
    [
      {
        name: 'coarse',
        colour: '#7f7f7f',
        dots: true,
        points: r.trials.filter((t) => t.stage === 'coarse').map((t) => [t.learningRate, t.devLoss] as const),
      },
      {
        name: 'fine',
        colour: '#2ca02c',
        dots: true,
        points: r.trials.filter((t) => t.stage === 'fine').map((t) => [t.learningRate, t.devLoss] as const),
      },
    ],
  );
  const row = (cells: (string | number)[], tag = 'td') =>
    `<tr>${cells.map((c) => `<${tag}>${escapeHtml(String(c))}</${tag}>`).join('')}</tr>`;
  return renderPlotsIn(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>facelock liveness training</title>
<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}svg{margin:4px}</style></head><body>
<h1>Passive liveness: training report</h1>
<p>${escapeHtml(r.createdAt)}, commit ${escapeHtml(r.gitCommit)}, seed ${r.seed}, data manifest ${escapeHtml(r.dataManifestSha256.slice(0, 16))}; wall time ${r.seconds.total.toFixed(0)} s (faces ${r.seconds.extract.toFixed(0)} s, search ${r.seconds.search.toFixed(0)} s, learning curve ${r.seconds.curve.toFixed(0)} s).</p>
<p>Temperature ${r.temperature.toFixed(3)}; threshold ${r.threshold.toFixed(4)} (probability live) for BPCER ${pct(r.targetBpcer)} on dev.</p>
<h2>Bias and variance</h2><p>${escapeHtml(r.reading)}</p>
${curve}${epochs}${trials}
<h2>APCER and BPCER</h2>
<table>${row(['method', 'part', 'level', 'attacks', 'bona fide', 'APCER', 'BPCER'], 'th')}${r.rates.map((x) => row([x.method, x.part, x.level, x.attacks, x.bonaFide, pct(x.apcer), pct(x.bpcer)])).join('')}</table>
<p>Approaches: 10 consecutive frames of one NUAA sequence; accepted when k of the last n frames are live. A frame without a face is an attack stopped and a live user rejected.</p>
<h2>Trials</h2>
<table>${row(['stage', 'trial', 'learning rate', 'weight decay', 'dev loss', 'dev error', 'best epoch', 'epochs', 'seconds'], 'th')}${r.trials.map((t) => row([t.stage, t.index, t.learningRate.toExponential(2), t.weightDecay.toExponential(2), t.devLoss.toFixed(4), pct(t.devError), t.bestEpoch, t.epochs, t.seconds.toFixed(0)])).join('')}</table>
<h2>Data</h2><table>${row(['part', 'attacks', 'bona fide', 'no face'], 'th')}${Object.entries(r.counts)
    .map(([k, c]) => row([k, c.attacks, c.bonaFide, c.noFace]))
    .join('')}</table>
<p>NUAA Photograph Imposter Database (Tan et al., ECCV 2010); Labeled Faces in the Wild (Huang et al., 2007); AT&amp;T (ORL); Yale faces (Belhumeur et al., 1997).</p>
</body></html>
`);
}
