import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { type Alarm, type ContactState, DoorEventHub, decisionEventType } from './doorEvents.js';

/** One decision as the status interface and MQTT publish it: no score vector, no image, the user's name only. */
export interface DecisionEvent {
  readonly at: string;
  readonly outcome: 'unlock' | 'reject';
  readonly reason: string | null;
  readonly user: string | null;
  readonly frames: number;
  /** Set when this decision started a lockout: its length. */
  readonly lockoutSeconds?: number;
}

/** What `/status` shows. */
export interface StatusSnapshot {
  readonly state: 'locked' | 'unlocked';
  readonly lastDecision: DecisionEvent | null;
  readonly cameraFps: number;
  readonly framesTotal: number;
  readonly lockedOutUntil: string | null;
  readonly driftWarnings: readonly string[];
  readonly uptimeSeconds: number;
  readonly door: string;
  /** The door contact (unknown without one) and the alarms active now. */
  readonly contact: ContactState;
  readonly alarms: readonly Alarm[];
}

/**
 * The daemon's live state and its Prometheus metrics (prom-client, a registry of its own). Fed by the door service,
 * the lock and the watchdog; read by the HTTP status server and MQTT.
 */
export class DoorStatus {
  readonly registry = new Registry();
  private readonly decisions = new Counter({
    name: 'facelock_decisions_total',
    help: 'Decisions per approach, by outcome and reason',
    labelNames: ['outcome', 'reason'] as const,
    registers: [this.registry],
  });
  private readonly stages = new Histogram({
    name: 'facelock_stage_seconds',
    help: 'Time per pipeline stage per frame',
    labelNames: ['stage'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [this.registry],
  });
  private readonly frames = new Counter({ name: 'facelock_frames_total', help: 'Camera frames seen', registers: [this.registry] });
  private readonly pings = new Counter({
    name: 'facelock_watchdog_pings_total',
    help: 'systemd watchdog pings sent',
    registers: [this.registry],
  });
  private readonly unlockedGauge = new Gauge({
    name: 'facelock_unlocked',
    help: '1 while the relay is energised',
    registers: [this.registry],
  });
  private readonly restartsGauge = new Gauge({
    name: 'facelock_camera_restarts',
    help: 'Camera process restarts since start',
    registers: [this.registry],
    collect: () => {
      this.restartsGauge.set(this.cameraRestarts());
    },
  });
  private last: DecisionEvent | null = null;
  private unlocked = false;
  private total = 0;
  private readonly recentFrames: number[] = [];
  private readonly started = Date.now();
  private readonly listeners: ((e: DecisionEvent) => void)[] = [];
  private readonly stateListeners: ((unlocked: boolean) => void)[] = [];
  driftWarnings: string[] = [];

  /** The door's events (grants, denials, alarms) and its alarm state. */
  readonly events: DoorEventHub;

  constructor(
    private readonly cameraRestarts: () => number = () => 0,
    /** Milliseconds the lockout has left (0: none). */
    private readonly lockoutRemainingMs: () => number = () => 0,
    door = 'door',
  ) {
    this.events = new DoorEventHub(door, this.registry);
  }

  /** Seconds the lockout has left (0: none). */
  lockoutSeconds(): number {
    return Math.ceil(this.lockoutRemainingMs() / 1000);
  }

  frame(now = Date.now()): void {
    this.frames.inc();
    this.total++;
    // called for every camera frame: drop the old times in place instead of copying the list
    this.recentFrames.push(now);
    while ((this.recentFrames[0] ?? now) < now - 5000) this.recentFrames.shift();
  }

  stageTimings(timings: Readonly<Record<string, number>>): void {
    for (const [stage, ms] of Object.entries(timings)) this.stages.observe({ stage }, ms / 1000);
  }

  decision(e: DecisionEvent): void {
    this.last = e;
    this.decisions.inc({ outcome: e.outcome, reason: e.reason ?? 'match' });
    for (const l of this.listeners) l(e);
    const type = decisionEventType(e.outcome, e.reason);
    this.events.emit({
      type,
      at: e.at,
      method: 'face',
      ...(e.outcome === 'unlock' && e.user ? { user: e.user } : {}),
      ...(e.outcome === 'reject' && type === 'denied' && e.reason ? { reason: e.reason } : {}),
    });
    if (e.lockoutSeconds !== undefined) this.events.emit({ type: 'lockout', at: e.at, method: 'face', seconds: e.lockoutSeconds });
  }

  lockState(unlocked: boolean): void {
    if (unlocked === this.unlocked) return;
    this.unlocked = unlocked;
    this.unlockedGauge.set(unlocked ? 1 : 0);
    for (const l of this.stateListeners) l(unlocked);
  }

  watchdogPing(): void {
    this.pings.inc();
  }

  onDecision(listener: (e: DecisionEvent) => void): void {
    this.listeners.push(listener);
  }

  onLockState(listener: (unlocked: boolean) => void): void {
    this.stateListeners.push(listener);
  }

  get isUnlocked(): boolean {
    return this.unlocked;
  }

  snapshot(now = Date.now()): StatusSnapshot {
    const recent = this.recentFrames.filter((t) => now - t < 5000);
    const left = this.lockoutRemainingMs();
    return {
      state: this.unlocked ? 'unlocked' : 'locked',
      lastDecision: this.last,
      cameraFps: recent.length / 5,
      framesTotal: this.total,
      lockedOutUntil: left > 0 ? new Date(Date.now() + left).toISOString() : null,
      driftWarnings: this.driftWarnings,
      uptimeSeconds: Math.round((now - this.started) / 1000),
      door: this.events.door,
      contact: this.events.contact,
      alarms: this.events.alarms,
    };
  }

  /** Seconds since the last frame (for /healthz), Infinity before the first. */
  secondsSinceFrame(now = Date.now()): number {
    const t = this.recentFrames.at(-1);
    return t === undefined ? Number.POSITIVE_INFINITY : (now - t) / 1000;
  }
}
