import { type DatasetName, datasetDir, datasetsRoot } from '../common/datasets.js';

/**
 * The folder of a shared dataset for a test, or undefined (with a message saying what is skipped and how to enable
 * it) when it is not on this machine.
 */
export function datasetForTests(name: DatasetName, what: string): string | undefined {
  const dir = datasetDir(name);
  if (!dir) {
    console.warn(
      `SKIPPED ${what}: dataset ${name} not found under ${datasetsRoot()} (set FACELOCK_DATASETS to the shared datasets folder)`,
    );
  }
  return dir;
}
