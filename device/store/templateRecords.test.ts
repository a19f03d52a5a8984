import { describe, expect, it } from 'vitest';
import { templatesFor } from './templateRecords.js';

const t = (userName: string, embedder: string) => ({ userName, embedder });

describe('templatesFor (templates follow the model)', () => {
  it('keeps only the templates of the running embedder and names the users left with none, with how to mend it', () => {
    const all = [t('ann', 'faceplugin'), t('ann', 'dlibResnet'), t('bob', 'dlibResnet'), t('cy', 'faceres'), t('dee', 'faceplugin')];
    const r = templatesFor(all, 'faceplugin');
    expect(r.usable).toEqual([t('ann', 'faceplugin'), t('dee', 'faceplugin')]);
    expect(r.stale).toEqual(['bob', 'cy']);
    expect(r.advice).toMatch(
      /^bob, cy: enrolled with dlibResnet, faceres, but the engine runs faceplugin; .*facelock enroll add NAME --replace/,
    );
  });

  it('has nothing to say when every user has templates of the running embedder', () => {
    expect(templatesFor([t('ann', 'dlibResnet')], 'dlibResnet')).toEqual({
      usable: [t('ann', 'dlibResnet')],
      stale: [],
      advice: undefined,
    });
  });
});
