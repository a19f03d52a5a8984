import { describe, expect, it } from 'vitest';
import type { AttemptRow } from '../store/auditLog.js';
import { buildCoverage } from './coverageReport.js';
import { findDrift, psi } from './drift.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-25T12:00:00Z');
let id = 0;
const row = (daysAgo: number, o: Partial<AttemptRow> = {}): AttemptRow => ({
  id: ++id,
  at: new Date(NOW - daysAgo * DAY).toISOString(),
  outcome: 'unlock',
  reason: null,
  userId: 1,
  userName: 'ann',
  score: 0.96,
  yaw: 0,
  pitch: 6,
  roll: 0,
  luminance: 120,
  contrast: 40,
  occlusion: 0.01,
  poseBin: 'frontal',
  localHour: 9,
  faceSize: 180,
  sharpness: 300,
  clipped: 0,
  lightSide: 0,
  colourMode: 'colour',
  label: null,
  labelledUser: null,
  door: 'door',
  method: 'face',
  eventType: 'granted_face',
  alarms: '',
  ...o,
});
const opts = { recentDays: 7, referenceDays: 28, psiWarn: 0.25, minSamples: 20, rejectRise: 0.15 };
// 60 approaches in the reference weeks, 40 in the last one; luminance spread evenly over 100-140 in both
const series = (recent: (i: number) => Partial<AttemptRow>) => [
  ...Array.from({ length: 60 }, (_, i) => row(8 + (i % 20), { luminance: 100 + (i * 40) / 60, score: 0.95 + (i % 10) / 1000 })),
  ...Array.from({ length: 40 }, (_, i) => row(i % 6, { luminance: 100.3 + i, score: 0.9503 + (i % 10) / 1000, ...recent(i) })),
];

describe('drift', () => {
  it('PSI is 0 for the same distribution and large for a shifted one', () => {
    const a = Array.from({ length: 500 }, (_, i) => i % 100);
    expect(psi(a, a)).toBeCloseTo(0, 6);
    expect(
      psi(
        a,
        a.map((v) => v + 50),
      ),
    ).toBeGreaterThan(1);
  });

  it('raises no alarm when nothing moved', () => {
    const d = findDrift(
      series(() => ({})),
      NOW,
      opts,
    );
    expect(d, JSON.stringify(d)).toEqual([]);
  });

  it('raises a luminance alarm when the light at the door changed, with advice', () => {
    const d = findDrift(
      series(() => ({ luminance: 45 })),
      NOW,
      opts,
    );
    expect(d.map((x) => x.measure)).toContain('face luminance');
    expect(d.find((x) => x.measure === 'face luminance')?.warning).toMatch(/re-enroll users in the new light/);
  });

  it("raises a user's score alarm and a reject-share alarm", () => {
    const d = findDrift(
      series((i) => (i % 2 ? { score: 0.941 } : { outcome: 'reject', reason: 'no_match', userId: null, userName: null })),
      NOW,
      opts,
    );
    expect(d.map((x) => `${x.scope}/${x.measure}`)).toEqual(expect.arrayContaining(['ann/match score', 'door/reject share']));
  });

  it('says nothing on too few samples', () => {
    expect(findDrift(series(() => ({ luminance: 45 })).slice(50), NOW, opts)).toEqual([]);
  });
});

describe('coverage', () => {
  it('bins approaches by pose and by light and hour, with reject shares, FRR from owner labels, and enrollment gaps', () => {
    const rows = [
      row(1, { yaw: 20, pitch: 6, poseBin: 'right' }),
      row(1, { yaw: 20, pitch: 6, poseBin: 'right', outcome: 'reject', reason: 'no_match', label: 'genuine' }),
      row(1, { luminance: 30, localHour: 17, outcome: 'reject', reason: 'too_dark', userId: null, userName: null }),
    ];
    const r = buildCoverage(
      rows,
      [
        {
          id: 1,
          name: 'ann',
          createdAt: '',
          templates: 3,
          coverage: { frontal: 2, left: 1 },
          embedders: ['faceplugin'],
          cameraModes: { colour: 3 },
        },
      ],
      {
        days: 30,
        minTemplates: 1,
      },
    );
    const yawCol = r.yawPitch.columns.indexOf('15..30');
    const pitchRow = r.yawPitch.rows.indexOf('4..16');
    expect(r.yawPitch.counts[pitchRow]?.[yawCol]).toBe(2);
    expect(r.yawPitch.rejectShare[pitchRow]?.[yawCol]).toBe(0.5);
    expect(r.lightByHour.counts[r.lightByHour.rows.indexOf('0..40')]?.[17]).toBe(1);
    expect(r.frrByBin.find((b) => b.condition === 'pose' && b.bin === 'right')).toMatchObject({ genuine: 2, frr: 0.5 });
    expect(r.users[0]?.missing).toEqual(['right', 'up', 'down']);
    expect(r.byReason).toEqual({ unlock: 1, no_match: 1, too_dark: 1 });
  });
});
