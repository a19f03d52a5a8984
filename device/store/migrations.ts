/**
 * Schema migrations, applied in order inside one transaction each; `PRAGMA user_version` records the last one.
 * Never edit a published migration: add a new one.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: users, encrypted templates with their capture conditions, the audit log, coverage, key check
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
  CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  ) STRICT;
  CREATE TABLE templates (
    id TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    embedder TEXT NOT NULL,
    dims INTEGER NOT NULL,
    key_id TEXT NOT NULL,
    iv BLOB NOT NULL,
    ciphertext BLOB NOT NULL,
    tag BLOB NOT NULL,
    source TEXT NOT NULL,
    pose_bin TEXT NOT NULL,
    yaw REAL NOT NULL,
    pitch REAL NOT NULL,
    roll REAL NOT NULL,
    luminance REAL NOT NULL,
    contrast REAL NOT NULL,
    sharpness REAL NOT NULL,
    face_size REAL NOT NULL
  ) STRICT;
  CREATE INDEX templates_user ON templates(user_id);
  CREATE TABLE attempts (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    outcome TEXT NOT NULL,
    reason TEXT,
    user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    score REAL,
    liveness REAL,
    timings TEXT,
    yaw REAL,
    pitch REAL,
    roll REAL,
    luminance REAL,
    contrast REAL,
    occlusion REAL
  ) STRICT;
  CREATE INDEX attempts_at ON attempts(at);
  CREATE TABLE coverage (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    bin TEXT NOT NULL,
    templates INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (user_id, bin)
  ) STRICT;
  `, // 2: faults and door events (lock, camera, inputs, tamper) beside the attempts: what happened, never a face
  `
  CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    source TEXT NOT NULL,
    detail TEXT NOT NULL
  ) STRICT;
  CREATE INDEX events_at ON events(at);
  `, // 3: the conditions of each approach for coverage and drift (issue 8), and the owner's label of an attempt
  `
  ALTER TABLE attempts ADD COLUMN pose_bin TEXT;
  ALTER TABLE attempts ADD COLUMN local_hour INTEGER;
  ALTER TABLE attempts ADD COLUMN face_size REAL;
  ALTER TABLE attempts ADD COLUMN sharpness REAL;
  ALTER TABLE attempts ADD COLUMN clipped REAL;
  ALTER TABLE attempts ADD COLUMN label TEXT;
  CREATE INDEX attempts_user ON attempts(user_id);
  `, // 4: retained frames (only when the owner enables it): the approach's best frame, AES-256-GCM sealed
  `
  CREATE TABLE frames (
    attempt_id INTEGER PRIMARY KEY REFERENCES attempts(id) ON DELETE CASCADE,
    at TEXT NOT NULL,
    key_id TEXT NOT NULL,
    iv BLOB NOT NULL,
    ciphertext BLOB NOT NULL,
    tag BLOB NOT NULL
  ) STRICT;
  CREATE INDEX frames_at ON frames(at);
  ALTER TABLE attempts ADD COLUMN labelled_user_id INTEGER REFERENCES users(id) ON DELETE CASCADE;
  ALTER TABLE attempts ADD COLUMN light_side REAL;
  ALTER TABLE attempts ADD COLUMN colour_mode TEXT;
  `, // 5: revocation (issue 15): a random identifier per user that templates are bound to, and user ids never reused
  `
  ALTER TABLE users ADD COLUMN uid TEXT;
  CREATE UNIQUE INDEX users_uid ON users(uid);
  INSERT OR IGNORE INTO meta (key, value) SELECT 'last_user_id', CAST(coalesce(max(id), 0) AS TEXT) FROM users;
  `, // 6: lockouts that hold across restarts (issue 15): consecutive failures and the delay still to run, per throttle
  `
  CREATE TABLE throttles (
    name TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    boot_id TEXT,
    until_mono REAL,
    remaining_ms REAL NOT NULL,
    updated_at TEXT NOT NULL
  ) STRICT;
  `, // 7: the door as an access point (issue 17): which door, how, the published event type, the liveness and match
  // decisions, and the alarms active at the time
  `
  ALTER TABLE attempts ADD COLUMN door TEXT;
  ALTER TABLE attempts ADD COLUMN method TEXT;
  ALTER TABLE attempts ADD COLUMN event_type TEXT;
  ALTER TABLE attempts ADD COLUMN live INTEGER;
  ALTER TABLE attempts ADD COLUMN matched INTEGER;
  ALTER TABLE attempts ADD COLUMN alarms TEXT;
  `, // 8: the camera mode a template was captured in (issue 27): colour, or grey (an infrared camera at night); NULL
  // for templates enrolled before it was recorded
  `
  ALTER TABLE templates ADD COLUMN camera_mode TEXT;
  `,
];
