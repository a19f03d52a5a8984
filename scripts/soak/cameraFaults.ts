import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { seededRandom } from '../../common/seededRandom.js';
import { createDoor, fakeEnv, freePort, jsonLines, type PhaseResult, sleep, startDaemon, timesOf } from './soakWorld.js';

/** The camera child of a daemon (the fake rpicam-vid), or undefined between restarts. */
function cameraPid(daemonPid: number): number | undefined {
  try {
    const out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(daemonPid)], { encoding: 'utf8' });
    const line = out.split('\n').find((l) => l.includes('rpicam-vid'));
    return line ? Number(line.trim().split(/\s+/)[0]) : undefined;
  } catch {
    return undefined;
  }
}

async function framesTotal(port: number): Promise<number> {
  const r = await fetch(`http://127.0.0.1:${port}/status`);
  return ((await r.json()) as { framesTotal: number }).framesTotal;
}

/**
 * The camera process killed (SIGKILL) or stalled (SIGSTOP: alive and silent) again and again under a running daemon
 * (fake rpicam-vid streaming a stranger at 10 fps). Measured: from the fault to the next frames reaching the door;
 * the door must stay locked throughout (the simulated lock records every transition).
 */
export async function cameraFaults(o: { faults: number; seed: number; limitMs: number }): Promise<PhaseResult> {
  const random = seededRandom(o.seed);
  const door = await createDoor('camera');
  const broken: string[] = [];
  const recovery: Record<'kill' | 'stall', number[]> = { kill: [], stall: [] };
  const lockFile = join(door.dir, 'lock.jsonl');
  const port = await freePort();
  const config = door.config(
    'camera',
    `camera: { kind: rpicam, framerate: 10 }\nlock: { driver: sim, simFile: ${lockFile}, unlockMs: 500 }\nstatus: { port: ${port} }\n`,
  );
  const daemon = startDaemon(config, fakeEnv({ FAKE_CAMERA_FRAMES: door.stranger }));
  try {
    await daemon.waitFor(/watching the door/, 90_000);
    const pid = daemon.child.pid as number;
    for (let i = 0; i < o.faults; i++) {
      const kind = i % 2 === 0 ? 'kill' : 'stall';
      let camera: number | undefined;
      for (let t = 0; t < 100 && camera === undefined; t++) {
        camera = cameraPid(pid);
        if (camera === undefined) await sleep(50);
      }
      if (camera === undefined) {
        broken.push(`fault ${i}: no camera process to fault (the daemon did not restart it)`);
        break;
      }
      await sleep(200 + 800 * random()); // frames flowing again for a moment
      const before = await framesTotal(port);
      const at = performance.now();
      process.kill(camera, kind === 'kill' ? 'SIGKILL' : 'SIGSTOP');
      // recovered: a new camera process, and frames from it reaching the door
      let back: number | undefined;
      while (back === undefined && performance.now() - at < o.limitMs + 10_000) {
        await sleep(25);
        const now = cameraPid(pid);
        if (now !== undefined && now !== camera && (await framesTotal(port)) > before + 1) back = performance.now() - at;
      }
      if (back === undefined) broken.push(`fault ${i} (${kind}): no frames ${Math.round((o.limitMs + 10_000) / 1000)} s after the fault`);
      else {
        recovery[kind].push(back);
        if (back > o.limitMs) broken.push(`fault ${i} (${kind}): frames back after ${Math.round(back)} ms (at most ${o.limitMs})`);
      }
    }
    daemon.child.kill('SIGTERM');
    const end = await daemon.exited;
    if (end.code !== 0) broken.push(`the daemon ended with ${end.code ?? end.signal} after the faults`);
    const opened = jsonLines<{ state: string }>(lockFile).filter((t) => t.state === 'unlocked').length;
    if (opened > 0) broken.push(`the door opened ${opened} time(s) during camera faults`);
    return {
      phase: 'camera process killed or stalled',
      counts: { kills: recovery.kill.length, stalls: recovery.stall.length },
      times: { killToFramesMs: timesOf(recovery.kill), stallToFramesMs: timesOf(recovery.stall) },
      broken,
    };
  } finally {
    daemon.child.kill('SIGKILL');
    door.cleanup();
  }
}
