import type { Frame } from '../ports.js';

/** The next frame, or undefined when the deadline (ms since the epoch) passes first or the camera ends. */
export async function nextFrameBefore(frames: AsyncIterator<Frame>, deadline: number): Promise<Frame | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), Math.max(0, deadline - Date.now()));
  });
  try {
    const r = await Promise.race([frames.next(), timeout]);
    return r && !r.done ? r.value : undefined;
  } finally {
    clearTimeout(timer);
  }
}
