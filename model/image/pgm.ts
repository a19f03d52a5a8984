/** Reads binary (P5) and plain (P2) PGM, the format of the ORL face set, which sharp's libvips build cannot read. */
export interface GreyImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

export function isPgm(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x50 && (bytes[1] === 0x35 || bytes[1] === 0x32);
}

/** Parses a PGM file; throws an Error describing what is wrong with the header or the pixel data. */
export function parsePgm(bytes: Uint8Array): GreyImage {
  const plain = bytes[1] === 0x32;
  let pos = 2;
  const readToken = (): string => {
    for (;;) {
      while (pos < bytes.length && isSpace(bytes[pos] ?? 0)) pos++;
      if (bytes[pos] === 0x23) {
        while (pos < bytes.length && bytes[pos] !== 0x0a) pos++;
        continue;
      }
      break;
    }
    const start = pos;
    while (pos < bytes.length && !isSpace(bytes[pos] ?? 0)) pos++;
    return Buffer.from(bytes.subarray(start, pos)).toString('ascii');
  };
  const width = Number(readToken());
  const height = Number(readToken());
  const maxval = Number(readToken());
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new Error('PGM header has no valid width and height');
  }
  if (!Number.isInteger(maxval) || maxval <= 0 || maxval > 65535) throw new Error('PGM header has no valid maximum value');
  const count = width * height;
  const data = new Uint8Array(count);
  const scale = 255 / maxval;
  if (plain) {
    for (let i = 0; i < count; i++) {
      const token = readToken();
      if (token === '') throw new Error(`PGM pixel data is truncated (${i} of ${count} values)`);
      data[i] = Math.round(Number(token) * scale);
    }
    return { width, height, data };
  }
  pos++; // the single white-space byte after maxval
  const bytesPerSample = maxval > 255 ? 2 : 1;
  if (bytes.length - pos < count * bytesPerSample) {
    throw new Error(`PGM pixel data is truncated (${bytes.length - pos} of ${count * bytesPerSample} bytes)`);
  }
  for (let i = 0; i < count; i++) {
    const v = bytesPerSample === 1 ? (bytes[pos + i] ?? 0) : ((bytes[pos + 2 * i] ?? 0) << 8) | (bytes[pos + 2 * i + 1] ?? 0);
    data[i] = Math.round(v * scale);
  }
  return { width, height, data };
}

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d || b === 0x0b || b === 0x0c;
}
