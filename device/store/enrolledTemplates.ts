import { describeError } from '../../common/errors.js';
import type { Logger } from '../../common/logger.js';
import { templatesFor } from './templateRecords.js';
import type { TemplateStore } from './templateStore.js';

/** A template as the door matches it: who, their never-reused uid, and the embedding (in memory only). */
export interface EnrolledTemplate {
  readonly userId: number;
  readonly userUid: string;
  readonly userName: string;
  readonly embedding: Float32Array;
}

/**
 * The templates the door matches, kept equal to what the store holds now: `refresh` reloads them when another
 * connection (the enrollment CLI) has committed since the last look (`PRAGMA data_version`: one cheap query), so a
 * removed, renamed or re-enrolled user takes effect at the next poll; `confirm` checks a matched user is still
 * enrolled (same id, same uid) just before the door opens. A store that cannot be read leaves the door with no
 * templates (it opens for nobody) and logs the fault: never the old list.
 */
export class EnrolledTemplates {
  private version: number | undefined;
  private list: readonly EnrolledTemplate[] = [];
  private users = 0;
  private failing = false;

  constructor(
    private readonly store: TemplateStore,
    private readonly embedder: string,
    private readonly log: Logger,
  ) {
    this.refresh();
  }

  get current(): readonly EnrolledTemplate[] {
    return this.list;
  }

  get userCount(): number {
    return this.users;
  }

  /** Reloads when the database changed since the last call; returns whether it did. */
  refresh(): boolean {
    let version: number;
    try {
      version = this.store.dataVersion();
      if (version === this.version) return false;
      const enrolled = templatesFor(this.store.templates(), this.embedder);
      if (enrolled.advice) this.log.warn(`these users cannot be recognised: ${enrolled.advice}`, { users: enrolled.stale.length });
      const first = this.version === undefined;
      this.list = enrolled.usable.map((t) => ({ userId: t.userId, userUid: t.userUid, userName: t.userName, embedding: t.embedding }));
      this.users = new Set(this.list.map((t) => t.userId)).size;
      this.version = version;
      if (this.failing) this.log.info('enrolled templates readable again', { users: this.users, templates: this.list.length });
      else if (!first) this.log.info('enrollment changed: templates reloaded', { users: this.users, templates: this.list.length });
      this.failing = false;
      return true;
    } catch (err) {
      // fail secure: a store that cannot be read opens for nobody until it can be read again (logged once)
      this.list = [];
      this.users = 0;
      this.version = undefined;
      if (!this.failing)
        this.log.error('cannot read the enrolled templates; the door opens for nobody until it can', { error: describeError(err) });
      this.failing = true;
      return true;
    }
  }

  /** Whether the user a match named is still enrolled as the same person, looked up now. */
  confirm(userId: number): boolean {
    this.refresh();
    const t = this.list.find((x) => x.userId === userId);
    if (!t) return false;
    try {
      return this.store.isEnrolled(userId, t.userUid);
    } catch (err) {
      this.log.error('cannot check the matched user is still enrolled; the door stays locked', { error: describeError(err) });
      return false;
    }
  }
}
